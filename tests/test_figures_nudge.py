"""Figure 1's real changes and tangent estimates, against plain float maths of each
composition written here (no engine call), and named apart in what a reader sees."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.figures.nudge import nudge_widget


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
    values = nudge_widget(fn=fn, x=x, w=w, dx=dx)["values"]
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
    built = nudge_widget()
    labels = [t for trace in built["figure"]["data"] for t in trace.get("text", []) if t]
    assert "actual Δy ≈ 0.072" in labels
    assert "tangent f′·g′·Δx ≈ 0.105" in labels
    assert not any(label.startswith("Δy ≈") for label in labels)
    assert "changes u by 1 and y by 0.072" in built["description"]
    # A function with values in (0, 1) cannot change by −2.5: that is only the estimate.
    built = nudge_widget(x=0.0, w=-5.0, dx=2.0)
    assert "y by −0.500" in built["description"]
    assert "f′(u)·g′(x)·Δx ≈ −2.500" in built["description"]


def test_titles_set_powers_as_superscripts_not_carets():
    built = nudge_widget(fn="exp_square", x=2.0)
    titles = [a["text"] for a in built["figure"]["layout"]["annotations"]]
    assert "<b>Outer stage y = e<sup>u</sup></b>" in titles
    assert "^" not in str(built["figure"]) + built["description"] + str(built["table"])
    assert built["description"].startswith("y = eˣ² at x = 2.")
