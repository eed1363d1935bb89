"""Figure 2 steps through the pass: it opens on its first step, the bold line builds the
product factor by factor, arrows show both directions, and a saturated unit is named."""

from __future__ import annotations

import pytest

from chapter.figures import FIGURES
from chapter.figures.backprop import HIDDEN, backprop_figure
from chapter.figures.params import parse_params
from chapter.figures.sweep import sweep


def test_it_opens_on_the_first_step_and_asks_for_next():
    payload = backprop_figure()
    assert payload["start"] == 0
    assert "Press Next" in payload["steps"][0]
    assert len(payload["summaries"]) == len(payload["steps"]) == 9


def test_the_summary_shows_only_the_factors_reached_so_far():
    summaries = backprop_figure()["summaries"]
    assert all("×" not in s for s in summaries[:5])  # forward: no factor reached yet
    assert summaries[5] == "∂L/∂W₁ = −0.245 × …"
    assert summaries[6] == "∂L/∂W₁ = −0.245 × 1.2 × …"
    assert summaries[7] == "∂L/∂W₁ = −0.245 × 1.2 × 0.197 × …"
    assert summaries[8] == "∂L/∂W₁ = −0.245 × 1.2 × 0.197 × 2 ≈ −0.116"


def test_a_negative_factor_and_a_negative_target_are_in_parentheses():
    payload = backprop_figure(w2=-1.2, target=-5.0)
    assert "(ŷ − (−5))²" in payload["description"]
    assert "(ŷ − (−5))²" in payload["steps"][4]
    assert "× (−1.2) ×" in payload["summaries"][8]


def test_forward_and_backward_flow_are_drawn_as_arrows_along_every_edge():
    for narrow in (False, True):
        arrows = [a for a in backprop_figure(narrow=narrow)["figure"]["layout"]["annotations"]
                  if a.get("showarrow")]
        forward = [a for a in arrows if a["name"] == "forward"]
        backward = [a for a in arrows if a["name"] == "backward"]
        assert len(forward) == len(backward) == 4
        sign = -1 if narrow else 1
        assert all(sign * (a["y"] if narrow else a["x"])
                   > sign * (a["ay"] if narrow else a["ax"]) for a in forward)
        assert all(sign * (a["y"] if narrow else a["x"]) < sign * (a["ay"] if narrow else a["ax"])
                   for a in backward)


def test_a_saturated_hidden_unit_is_named_where_the_gradient_vanishes():
    payload = backprop_figure(x=5.0, w1=5.0)
    assert payload["values"]["dh_dz"] < 1e-3
    assert "saturated" in payload["description"] and "vanishes right there" in payload[
        "description"]
    assert "vanishes right here" in payload["steps"][7]
    calm = backprop_figure()
    assert "saturated" not in calm["description"] + " ".join(calm["steps"])


def test_a_negative_or_tiny_factor_is_bracketed_in_every_product():
    """Written as a product, a negative factor after the first and a power of ten stand in
    brackets: −10.000 × (−5.000) × (1.39 × 10⁻¹¹) × (−5), never × −5 or 10⁻¹¹ × −5."""
    import re

    from chapter.figures.nudge import nudge_figure

    texts = []
    for x, w1, w2, t in ((-5, 5, -5, 5), (1, -1.2, 0.8, -3), (0.5, 2, -2, 0)):
        built = backprop_figure(x=x, w1=w1, w2=w2, target=t)
        texts += [built["summary"], *built["summaries"], built["description"]]
    for w in (-2, -0.5, 2):
        built = nudge_figure(fn="sigmoid", x=1, w=w)
        texts += [built["summary"], built["description"]]
    assert any("× (−" in text for text in texts)
    for text in texts:
        assert not re.search(r"× −|10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+ ×", text), text


@pytest.mark.parametrize("slider", FIGURES["backprop"].sliders)
def test_each_sweep_frame_carries_every_steps_words_at_its_value(slider):
    """A drag keeps the reader's step: each frame of a sweep of Figure 2 carries the words and
    bold line of every step, exactly as the figure built at that value has them, and the
    step frames of the figure keep every label of the pass (only their colour changes)."""
    spec = FIGURES["backprop"]
    params = parse_params(spec.schema, {"x": "-1.5", "narrow": "1"})
    swept = sweep(spec, params, slider)
    for value, frame in zip(swept["values"], swept["frames"], strict=True):
        exact = backprop_figure(**{**params, slider: value})
        assert (frame["steps"], frame["summaries"]) == (exact["steps"], exact["summaries"])
    figure = backprop_figure()["figure"]
    assert all("text" not in d for f in figure["frames"] for d in f["data"])
    hidden = [c for d in figure["frames"][0]["data"]
              for c in (d.get("textfont") or {}).get("color", []) if c == HIDDEN]
    assert len(hidden) == 14  # step 1: every value but W₁'s, every factor and gradient unseen


@pytest.mark.parametrize("steps", [0, 5, 50])
def test_a_phones_loss_panel_has_three_ticks_at_most_in_the_chart_and_its_picture(steps):
    from chapter.figures.svg_axis import Axis

    layout = backprop_figure(steps=steps, narrow=True)["figure"]["layout"]
    assert layout["yaxis2"]["nticks"] == 3
    drawn = Axis("yaxis2", layout["yaxis2"], (0.0, 0.0, 300.0, 50.0)).ticks()
    assert 2 <= len(drawn) <= 3, drawn
    assert "nticks" not in backprop_figure(steps=steps)["figure"]["layout"]["yaxis2"]


@pytest.mark.parametrize("narrow", [False, True])
def test_every_step_frame_lists_a_trace_of_each_panel(narrow):
    """plotly.js animates only the panels of the traces a frame lists and removes what it drew
    in any other: each step frame lists the loss trace too, changing nothing in it."""
    figure = backprop_figure(steps=3, narrow=narrow)["figure"]
    data = figure["data"]
    panels = {(t["xaxis"], t["yaxis"]) for t in data}
    loss = next(i for i, t in enumerate(data) if t["name"] == "loss")
    for frame in figure["frames"]:
        assert {(data[i]["xaxis"], data[i]["yaxis"]) for i in frame["traces"]} == panels
        assert frame["data"][frame["traces"].index(loss)] == {}
