"""Figure 1's two curves as drawn: every point a reader can see, and every point a visible
segment ends at, is the composition's value (against plain float maths written in
test_figures_nudge.py); only a point whose two segments lie wholly past one edge of its panel
is sent as one short number past that edge (style.beyond_view), which draws the same. And
"past" means out of a pointer's reach too: plotly.js labels the point nearest the pointer
within 20 px of its 3 px radius, and a point it can label shows the engine's value."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chapter.figures import FIGURES
from chapter.figures.nudge import nudge_figure
from chapter.figures.style import beyond_view
from chapter.figures.svg import abscissae
from chapter.figures.sweep import normalised, sweep
from tests.test_figures_nudge import REFERENCE

CURVES = (("inner:", "yaxis", 0), ("outer:", "yaxis2", 2))  # name, y-axis, REFERENCE's entry
HOVER_PX = 20 + 3  # plotly.js's hoverdistance past a line's point radius: what a pointer reaches


def _side(y, low: float, high: float) -> int | None:
    """Past the top (1), past the bottom (-1), in the view (0); None for a gap."""
    return None if y is None else 1 if y > high else -1 if y < low else 0


def _panel_px(layout: dict, axis: str) -> float:
    """A y-axis's height on screen: the chart's height less its margins, times its domain."""
    margin, (bottom, top) = layout["margin"], layout[axis]["domain"]
    return (layout["height"] - margin["t"] - margin["b"]) * (top - bottom)


def _exact(fn: str, entry: int, t: float, w: float) -> float:
    try:
        return REFERENCE[fn][entry](t, w) if entry == 0 else REFERENCE[fn][entry](t)
    except OverflowError:
        return math.inf


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(REFERENCE)), st.floats(-5, 5), st.floats(-5, 5),
       st.floats(0.01, 2), st.booleans())
def test_each_curve_is_the_engines_wherever_a_segment_of_it_shows(fn, x, w, dx, narrow):
    built = nudge_figure(fn=fn, x=x, w=w, dx=dx, narrow=narrow)
    layout = built["figure"]["layout"]
    for prefix, axis, entry in CURVES:
        curve = next(t for t in built["figure"]["data"] if t.get("name", "").startswith(prefix))
        low, high = layout[axis]["range"]
        truth = REFERENCE[fn][entry]
        ys = curve["y"]
        for i, (t, y) in enumerate(zip(abscissae(curve), ys, strict=True)):
            try:
                exact = truth(t, w) if entry == 0 else truth(t)
            except OverflowError:
                exact = math.inf
            if y is None:
                assert not math.isfinite(exact), (fn, x, w, dx, i)
                continue
            side = _side(y, low, high)
            assert side == _side(exact, low, high) or abs(y - exact) <= (high - low) * 1e-4, (
                "drawn on another side of the view than its value", fn, x, w, dx, i, y, exact)
            near = [_side(ys[j], low, high) for j in (i - 1, i + 1) if 0 <= j < len(ys)]
            if side == 0 or any(s not in (side, None) for s in near):  # a segment shows
                assert abs(y - exact) <= (high - low) * 1e-4 + 1e-4 * abs(exact), (
                    fn, x, w, dx, prefix, i, y, exact)


# Settings where the short number for a run past an edge rounded back to within a few pixels
# of the panel (σ's 0.98 two pixels under a view from 0.98001; its 1.0 eighteen pixels over
# one up to 0.99792): a pointer at the edge was labelled with it, "3.43, 0.980" for σ(3.43) =
# 0.969.
@settings(max_examples=60, deadline=None)
@example("sigmoid", -4.9, -0.8, 0.01, True)
@example("sigmoid", -2.4, -1.7, 0.18, False)
@example("sigmoid", 4.8, 0.9, 0.3, True)
@given(st.sampled_from(sorted(REFERENCE)), st.floats(-5, 5), st.floats(-5, 5),
       st.floats(0.01, 2), st.booleans())
def test_a_point_a_pointer_or_the_line_reaches_is_the_engines(fn, x, w, dx, narrow):
    """Every point drawn within HOVER_PX of its panel — where plotly.js labels it, and where
    a 3 px line through it shows — is the composition's value; a point sent otherwise lies
    out of that reach, as do its value and both its neighbours (so the segments through it
    lay out of reach before and after)."""
    built = nudge_figure(fn=fn, x=x, w=w, dx=dx, narrow=narrow)
    layout = built["figure"]["layout"]
    for prefix, axis, entry in CURVES:
        curve = next(t for t in built["figure"]["data"] if t.get("name", "").startswith(prefix))
        low, high = layout[axis]["range"]
        reach = HOVER_PX * (high - low) / _panel_px(layout, axis)
        ys = curve["y"]
        exact = [_exact(fn, entry, t, w) for t in abscissae(curve)]
        for i, y in enumerate(ys):
            if y is None or abs(y - exact[i]) <= (high - low) * 1e-4 + 1e-4 * abs(exact[i]):
                continue
            out = _side(y, low - reach, high + reach)
            assert out in (1, -1), ("a point within reach is not the engine's", fn, x, w, dx,
                                    narrow, prefix, i, y, exact[i], low, high)
            for j in (i - 1, i, i + 1):
                if 0 <= j < len(ys) and ys[j] is not None:
                    assert _side(exact[j], low - reach, high + reach) == out, (
                        fn, x, w, dx, narrow, prefix, i, j, exact[j], low, high)


def test_the_short_number_lies_a_good_part_of_the_view_past_its_edge():
    """σ's values past the bottom of a view from 0.98001 were all sent as 0.98 (the 2-digit
    rounding of 0.97909), two pixels under the panel: at least half the view past it now."""
    low, high = 0.9800087125760306, 0.980927917471647
    drawn = [0.92, 0.93, 0.94, 0.95, 0.975, 0.9805]
    out = beyond_view([drawn], [(0.92, 0.9805)], [[low, high]])[0]
    changed = [y for y, was in zip(out, drawn, strict=True) if y != was]
    assert changed and all(y <= low - (high - low) / 2 for y in changed), out


def test_a_run_past_an_edge_keeps_its_ends_and_sends_one_short_number_between():
    drawn = [0.0, 5.0, 30.0, 50.0, None, 70.0, 45.0, 8.0, -30.0, -60.0, -40.0]
    out = beyond_view([drawn], [(-60.0, 70.0)], [[0.0, 20.0]])[0]
    # 30 and 45 end segments that cross the top, -30 one that crosses the bottom: kept.
    assert out == [0.0, 5.0, 30.0, 40.0, None, 40.0, 45.0, 8.0, -30.0, -20.0, -20.0]
    assert drawn[3] == 50.0  # the builder's list is not changed in place


def test_a_curve_within_its_view_is_the_same_list():
    drawn = [0.0, 1.0, 2.0]
    assert beyond_view([drawn], [(0.0, 2.0)], [[-1.0, 3.0]])[0] is drawn
    assert beyond_view([drawn], [None], [[-1.0, 3.0]])[0] is drawn


def test_the_short_number_is_past_the_edge_even_where_rounding_would_bring_it_back():
    out = beyond_view([[1000.5, 1002.0, 1003.0, 1004.0]], [(1000.5, 1004.0)],
                      [[999.0, 1001.0]])[0]
    assert out == [1000.5, 1002.0, 1003.0, 1003.0]  # 1003 written short is 1e+03


def test_many_curves_at_once_are_each_cut_as_alone():
    rising = [1.0, 10.0, 30.0, 90.0, 270.0]
    within, crossing = [1.0, 2.0, 3.0, 4.0, 5.0], [5.0, 25.0, 50.0, None, 75.0]
    rows, extents = [rising, within, crossing], [(1.0, 270.0), (1.0, 5.0), (5.0, 75.0)]
    views = [[0.0, 20.0], [0.0, 20.0], [0.0, 20.0]]
    together = beyond_view(rows, extents, views)
    alone = [beyond_view([r], [e], [v])[0] for r, e, v in zip(rows, extents, views, strict=True)]
    # 25 is within a quarter of the view (5) past its top: 50 ends a segment from it, kept.
    assert together == alone == [[1.0, 10.0, 30.0, 40.0, 40.0], within,
                                 [5.0, 25.0, 50.0, None, 40.0]]
    assert together[1] is within


@pytest.mark.parametrize(("setting", "slider"), [
    ({"fn": "exp_square", "x": 1.0, "dx": 0.05}, "x"),  # eᵘ off its view in most frames
    ({"fn": "sigmoid", "x": -4.9, "w": -0.8, "dx": 0.01, "narrow": True}, "dx"),
    ({"fn": "sigmoid", "x": -2.4, "w": -1.7, "dx": 0.18}, "w"),
])
def test_a_drag_draws_no_stand_in_within_reach_of_the_ranges_it_draws_at(setting, slider):
    """A drag draws each sweep frame at its own ranges (Figure 1 follows) or at the sweep's
    held ones: within reach of whichever it draws at, every point of a frame's curves is the
    engine's. (The held ranges hold every frame's view, so a stand-in past one frame's view
    is inside them: Figure 1 could not hold its axes without sending the curves whole.)"""
    figure = FIGURES["nudge"]
    defaults = {field: spec.default for field, spec in figure.schema.items()}
    params = normalised(figure.schema, {**defaults, **setting})
    base = figure.build(**params, sweeping=True)["figure"]
    swept = sweep(figure, params, slider, base)
    checked = 0
    for frame in swept["frames"]:
        w = params["w"] if slider != "w" else frame["value"]
        layout = {**base["layout"], **frame["layout"]}
        for prefix, axis, entry in CURVES:
            index = next(k for k, t in enumerate(base["data"])
                         if t.get("name", "").startswith(prefix))
            change = frame["data"][index] or {}
            curve = change if index in frame["whole"] else {**base["data"][index], **change}
            view = (swept["axes"].get(axis, layout[axis]) if figure.sweep_view == "hold"
                    else layout[axis])["range"]
            low, high = view
            reach = HOVER_PX * (high - low) / _panel_px(layout, axis)
            for t, y in zip(abscissae(curve), curve["y"], strict=True):
                exact = _exact(params["fn"], entry, t, w)
                if y is None or _side(exact, low - reach, high + reach) in (1, -1):
                    continue
                checked += 1
                assert abs(y - exact) <= (high - low) * 1e-4 + 1e-4 * abs(exact), (
                    frame["value"], prefix, t, y, exact, view)
    assert checked > 100
