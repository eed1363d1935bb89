"""Figure 1's two curves as drawn: every point a reader can see, and every point a visible
segment ends at, is the composition's value (against plain float maths written in
test_figures_nudge.py); only a point whose two segments lie wholly past one edge of its panel
is sent as one short number past that edge (style.beyond_view), which draws the same."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from chapter.figures.nudge import nudge_figure
from chapter.figures.style import beyond_view
from chapter.figures.svg import abscissae
from tests.test_figures_nudge import REFERENCE

CURVES = (("inner:", "yaxis", 0), ("outer:", "yaxis2", 2))  # name, y-axis, REFERENCE's entry


def _side(y, low: float, high: float) -> int | None:
    """Past the top (1), past the bottom (-1), in the view (0); None for a gap."""
    return None if y is None else 1 if y > high else -1 if y < low else 0


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
    assert together == alone == [[1.0, 10.0, 30.0, 40.0, 40.0], within,
                                 [5.0, 25.0, 40.0, None, 40.0]]
    assert together[1] is within
