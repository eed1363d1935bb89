"""Figure 3 says what it shows: exact zeros drawn and explained, words for the mode drawn."""

from __future__ import annotations

from chapter.figures import FIGURES, figure_params
from chapter.figures.vanishing import vanishing_widget


def test_a_dead_relu_is_drawn_at_the_axis_floor_and_named():
    built = vanishing_widget(depth=6, activation="relu", compare="sigmoid", weight=-1.0)
    zeros = [t for t in built["figure"]["data"] if t["name"] == "ReLU: exactly 0"]
    assert len(zeros) == 1 and zeros[0]["x"] == [1, 2, 3, 4, 5, 6]
    floor = 10 ** built["figure"]["layout"]["yaxis"]["range"][0]
    assert all(floor < y < floor * 10 for y in zeros[0]["y"])
    assert "0 (dead unit)" in zeros[0]["text"]
    assert "gradient at layers 1–6 is exactly 0" in built["description"]
    assert "dead unit" in built["description"] and "layer 1 (z = −1)" in built["description"]
    assert "ReLU 0" in built["summary"]


def test_a_zero_weight_is_named_as_the_cause():
    built = vanishing_widget(depth=3, activation="linear", compare="none", weight=0.0)
    assert "0 (weight 0)" in built["figure"]["data"][-1]["text"]
    assert "with every weight 0" in built["description"]


def test_network_mode_words_name_the_network_not_the_hidden_weight_and_input():
    built = vanishing_widget(mode="network", width=8, weight=3.0, x=-2.0)
    assert "width 8" in built["description"] and "Xavier" not in built["description"]
    assert "every weight" not in built["description"] and "x = " not in built["description"]
    assert "gradient norm" in built["summary"]
    controls = {c["name"]: c for c in figure_params()["vanishing"]["controls"]}
    assert controls["weight"]["when"] == {"field": "mode", "options": ["chain"]}
    assert controls["x"]["when"] == {"field": "mode", "options": ["chain"]}
    assert FIGURES["vanishing"].schema["weight"].when[0] == "mode"


def test_words_follow_depth_and_residual():
    one = vanishing_widget(depth=1, residual=True, compare="none")
    assert "Through one sigmoid layer" in one["description"]
    assert "skip path" in one["description"] and "ten" not in one["description"]
    linear = vanishing_widget(depth=10, activation="linear", compare="none", weight=2.0)
    assert "Through 10 linear layers the local derivatives are all 2" in linear["description"]


def test_axis_titles_use_subscripts_not_underscores():
    built = vanishing_widget()
    title = built["figure"]["layout"]["yaxis"]["title"]["text"]
    assert "a<sub>depth</sub>" in title and "_" not in title
    assert "_" not in " ".join(built["table"]["columns"])
