"""Figure 1's real changes and tangent estimates, against plain float maths of each
composition written here (no engine call), and named apart in what a reader sees."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.figures.nudge import nudge_figure
from chapter.figures.svg import abscissae


def _sigmoid(u: float) -> float:
    return 1 / (1 + math.exp(-u)) if u >= 0 else math.exp(u) / (1 + math.exp(u))


# (g, g′, f, f′) for each composition, by hand.
REFERENCE = {
    "sigmoid": (lambda x, w: w * x, lambda x, w: w, _sigmoid,
                lambda u: _sigmoid(u) * (1 - _sigmoid(u))),
    "sin_square": (lambda x, w: x * x, lambda x, w: 2 * x, math.sin, math.cos),
    "exp_square": (lambda x, w: x * x, lambda x, w: 2 * x, math.exp, math.exp),
    "double_triple": (lambda x, w: 2 * x, lambda x, w: 2.0, lambda u: 3 * u, lambda u: 3.0),
}


def agree(ours: float, theirs: float) -> bool:
    return abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs))


@given(st.sampled_from(sorted(REFERENCE)), st.floats(-5, 5), st.floats(-5, 5),
       st.floats(0.01, 2))
def test_nudge_changes_match_an_independent_computation(fn, x, w, dx):
    g, g_prime, f, f_prime = REFERENCE[fn]
    values = nudge_figure(fn=fn, x=x, w=w, dx=dx)["values"]
    u = g(x, w)
    assert agree(values["du_actual"], g(x + dx, w) - u)
    assert agree(values["dy_actual"], f(g(x + dx, w)) - f(u))
    assert agree(values["du_linear"], g_prime(x, w) * dx)
    assert agree(values["dy_linear"], f_prime(u) * g_prime(x, w) * dx)


def test_the_api_gives_the_real_change_apart_from_the_tangent_estimate(client):
    values = client.get("/api/widgets/nudge").get_json()["values"]
    assert values["du_actual"] == values["du_linear"] == 1.0  # u = wx is a straight stage
    assert values["dy_actual"] == pytest.approx(_sigmoid(3) - _sigmoid(2))  # ≈ 0.0718
    assert round(values["dy_linear"], 3) == 0.105


def test_the_figure_labels_the_estimate_as_an_estimate_never_as_the_change():
    built = nudge_figure()
    labels = [t for trace in built["figure"]["data"] for t in trace.get("text", []) if t]
    assert "actual Δy ≈ 0.072" in labels
    assert "tangent f′·g′·Δx ≈ 0.105" in labels
    assert not any(label.startswith("Δy ≈") for label in labels)
    assert "changes u by 1 and y by 0.072" in built["description"]
    # A function with values in (0, 1) cannot change by −2.5: that is only the estimate.
    built = nudge_figure(x=0.0, w=-5.0, dx=2.0)
    assert "y by −0.500" in built["description"]
    assert "f′(u)·g′(x)·Δx = −2.500" in built["description"]  # exact: 0.25 × (−5) × 2


def test_titles_set_powers_as_superscripts_not_carets():
    built = nudge_figure(fn="exp_square", x=2.0)
    titles = [a["text"] for a in built["figure"]["layout"]["annotations"]]
    assert "<b>Outer stage y = e<sup>u</sup></b>" in titles
    assert "^" not in str(built["figure"]) + built["description"] + str(built["table"])
    assert built["description"].startswith("y = eˣ² at x = 2.")


# --- the words over every control's range ------------------------------------------------------

GRID = [(fn, x, w, dx)
        for fn in sorted(REFERENCE)
        for x in (-5.0, -3.75, -2.5, -1.25, -0.05, 0.0, 0.05, 1.25, 2.5, 3.75, 5.0)
        for w in ((-5.0, -2.0, -0.05, 0.0, 0.05, 2.0, 5.0) if fn == "sigmoid" else (2.0,))
        for dx in (0.01, 0.1, 0.5, 2.0)]


def _flat(fn: str, w: float) -> bool:
    return fn == "sigmoid" and w == 0  # y = σ(0·x) = 0.5 whatever x is


def test_only_straight_stages_are_called_straight_and_only_true_equalities_exact():
    """Over a grid of every control: "straight" is said of the linear pair alone, and a change
    is said to equal its tangent estimate only where it does (a straight stage, or no nudge)."""
    said_straight = 0
    for fn, x, w, dx in GRID:
        built = nudge_figure(fn=fn, x=x, w=w, dx=dx)
        words, steps = built["description"], built["steps"]
        if "straight lines" in words or "is a straight line" in words:
            assert fn == "double_triple", (fn, x, w, dx, words)
            said_straight += 1
        if "a straight stage" in steps[2]:
            assert fn in ("double_triple", "sigmoid")  # u = 2x and u = wx are lines
        v = built["values"]
        if "exactly" in steps[3] or "exactly the tangent estimates" in words:
            # The outer stage's change equals its estimate only when it is a line or gets no
            # nudge at all (w = 0); a tiny saturated change is not an exact one.
            assert fn == "double_triple" or (_flat(fn, w) and v["dy_actual"] == 0), (fn, x, w, dx)
        if fn != "double_triple" and not _flat(fn, w):
            assert "exactly" not in steps[3] and "Δy = f′·g′·Δx" not in str(built["figure"])
    assert said_straight == sum(1 for g in GRID if g[0] == "double_triple")


def test_the_gap_table_and_its_words_hold_no_rounding_noise():
    """A gap shown shrinks with Δx as a truncation error does (at least 3× per decade);
    rounding noise, which grows as Δx shrinks, is shown as "below rounding", never as a gap."""
    for fn, x, w, dx in GRID:
        if dx != 0.5:
            continue
        built = nudge_figure(fn=fn, x=x, w=w, dx=dx)
        rows = built["values"]["shrink"]
        shown = [r for r in rows if not r["rounding"]]
        assert all(r["gap"] == 0 for r in rows if r["rounding"])
        assert shown == rows[:len(shown)]  # rounding takes over from the small end only
        for big, small in itertools.pairwise(shown):
            assert small["gap"] * 3 <= big["gap"], (fn, x, w, [r["gap"] for r in rows])
        cells = [cell for name, cell in built["table"]["rows"] if name.startswith("quotient")]
        assert [("below rounding" in c) for c in cells] == [r["rounding"] for r in rows]
        if shown and len(shown) < len(rows):
            assert "lost in floating-point rounding" in built["description"]


def test_a_saturated_sigmoid_is_not_called_straight():
    built = nudge_figure(fn="sigmoid", x=5.0, w=5.0, dx=0.01)  # u = 25: σ′ ≈ 1.4e-11
    assert "straight line" not in built["description"]
    assert "exactly" not in built["steps"][3]
    assert "actually changes u by 0.050 and y by 6.77 × 10⁻¹³" in built["description"]
    assert "off by 1.71 × 10⁻¹⁴ in y" in built["description"]  # σ(−u) − σ(−u′), no cancelling
    flat = nudge_figure(fn="sigmoid", w=0.0)
    assert "straight lines" not in flat["description"]
    assert "inner stage is flat here" in flat["description"]


def test_the_readers_own_dx_is_not_drawn_where_its_gap_is_rounding_noise():
    def diamond(built):
        return next(t for t in built["figure"]["data"] if t.get("name") == "your Δx")["y"][0]

    noise = nudge_figure(fn="sigmoid", x=5.0, w=5.0, dx=0.001)  # u = 25: lost in rounding
    assert noise["values"]["shrink"][2]["rounding"]  # the table's Δx = 0.001 row
    assert diamond(noise) is None or diamond(noise) != diamond(noise)  # not drawn (NaN)
    real = nudge_figure(fn="sigmoid", x=5.0, w=5.0, dx=0.01)
    assert diamond(real) == pytest.approx(real["values"]["shrink"][1]["gap"], rel=1e-3)


def test_the_outer_derivative_is_said_to_differ_from_x_only_where_u_does():
    """f′ is taken at u: "not at x" is said only where u ≠ x (w = 1 or x = 0 makes u = x)."""
    seen = set()
    for fn, x, w, dx in [*GRID, ("sigmoid", 1.0, 1.0, 0.5), ("sin_square", 1.0, 2.0, 0.5)]:
        built = nudge_figure(fn=fn, x=x, w=w, dx=dx)
        same = built["values"]["u"] == x
        said = "evaluated at u, not at x" in built["description"]
        assert said != same, (fn, x, w, built["values"]["u"])
        assert ("which here equals x" in built["description"]) == same
        seen.add(same)
    assert seen == {True, False}


def test_a_zoomed_outer_view_draws_its_marks_where_the_engine_puts_them():
    """σ near 1 shown over a span of 10⁻⁷: the point, the segments' ends and the curve are
    drawn within a ten-thousandth of the view of their true values (five significant digits
    would put them all at 1 and draw the curve as a step), and labels of 8+ digits get room."""
    for x, w, dx in ((4.2, 4.2, 1.85), (5.0, 5.0, 2.0), (-5.0, -5.0, 0.01), (3.0, 4.0, 0.5)):
        built = nudge_figure(x=x, w=w, dx=dx)
        layout, v = built["figure"]["layout"], built["values"]
        low, high = layout["yaxis2"]["range"]
        tolerance = (high - low) * 1e-4
        point = next(t for t in built["figure"]["data"] if t.get("text") == ["(u, y)"])
        assert abs(point["y"][0] - v["y"]) <= tolerance, (x, w, dx)
        curve = next(t for t in built["figure"]["data"]
                     if t.get("name", "").startswith("outer:"))
        us = abscissae(curve)
        for u, y in zip(us, curve["y"], strict=True):
            if y is not None and low <= y <= high:
                assert abs(y - _sigmoid(u)) <= tolerance + abs(u) * 1e-4 * abs(  # u: 5 digits
                    _sigmoid(u) * (1 - _sigmoid(u))), (x, w, dx, u, y)
        for trace in built["figure"]["data"]:
            if trace.get("yaxis") == "y2" and trace.get("name") == "actual Δy":
                assert abs(trace["y"][1] - trace["y"][0] - v["dy_actual"]) <= 2 * tolerance
        if high - low < 1e-3:
            assert layout["xaxis2"]["domain"][0] - layout["xaxis"]["domain"][1] > 0.15


def test_a_change_said_to_be_exact_is_never_written_as_approximate():
    """Where a stage's change is the tangent's exactly, its number is written with "=" (the
    float difference g(x + Δx) − g(x) is not what is said)."""
    for fn, x, w, dx in [*GRID, ("double_triple", 5.0, 1.0, 0.01), ("sigmoid", 5.0, 1.0, 0.01),
                         ("sigmoid", -5.0, 1.0, 0.01), ("double_triple", -5.0, 1.0, 0.01)]:
        built = nudge_figure(fn=fn, x=x, w=w, dx=dx)
        words = [*built["steps"], *(t for trace in built["figure"]["data"]
                                    for t in trace.get("text", []) if t)]
        for said in words:
            if "exactly" in said or said.startswith(("Δu = g′·Δx", "Δy = f′·g′·Δx")):
                head = said.split("exactly")[0]
                assert "≈" not in head.split(":")[-1], (fn, x, w, dx, said)
