"""Figure 3 says what it shows: exact zeros drawn and explained, words for the mode drawn."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from chapter import calculus
from chapter.figures import FIGURES, figure_params
from chapter.figures.vanishing import vanishing_figure

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
CAUSES = ("ReLU off", "weight 0", "branch cancels skip", "underflow")


def test_an_inactive_relu_is_drawn_at_the_axis_floor_and_named():
    built = vanishing_figure(depth=6, activation="relu", compare="sigmoid", weight=-1.0)
    zeros = [t for t in built["figure"]["data"] if t["name"] == "ReLU: exactly 0"]
    assert len(zeros) == 1 and zeros[0]["x"] == [1, 2, 3, 4, 5, 6]
    floor = 10 ** built["figure"]["layout"]["yaxis"]["range"][0]
    assert all(floor < y < floor * 10 for y in zeros[0]["y"])
    assert "0 (ReLU off)" in zeros[0]["text"]
    assert "gradient at layers 1–6 is exactly 0" in built["description"]
    assert "layer 6's ReLU unit is off: z = 0" in built["description"]
    assert "dead" not in built["description"]
    assert "ReLU 0" in built["summary"]


def test_a_zero_weight_is_named_as_the_cause():
    built = vanishing_figure(depth=3, activation="linear", compare="none", weight=0.0)
    assert "0 (weight 0)" in built["figure"]["data"][-1]["text"]
    assert "every weight is 0, so layer 3's local derivative" in built["description"]


def test_network_mode_words_name_the_network_not_the_hidden_weight_and_input():
    built = vanishing_figure(mode="network", width=8, weight=3.0, x=-2.0)
    assert "width 8" in built["description"] and "Xavier" not in built["description"]
    assert "every weight" not in built["description"] and "x = " not in built["description"]
    assert "gradient norm" in built["summary"]
    controls = {c["name"]: c for c in figure_params()["vanishing"]["controls"]}
    assert controls["weight"]["when"] == {"field": "mode", "options": ["chain"]}
    assert controls["x"]["when"] == {"field": "mode", "options": ["chain"]}
    assert FIGURES["vanishing"].schema["weight"].when[0] == "mode"


def test_words_follow_depth_and_residual():
    one = vanishing_figure(depth=1, residual=True, compare="none")
    assert "Through one sigmoid layer" in one["description"]
    assert "skip path" in one["description"] and "ten" not in one["description"]
    linear = vanishing_figure(depth=10, activation="linear", compare="none", weight=2.0)
    assert "Through 10 linear layers the local derivatives are all 2" in linear["description"]


def test_axis_titles_use_subscripts_not_underscores():
    built = vanishing_figure()
    title = built["figure"]["layout"]["yaxis"]["title"]["text"]
    assert "a<sub>depth</sub>" in title and "_" not in title
    assert "_" not in " ".join(built["table"]["columns"])


def test_an_all_zero_chain_has_no_tick_labels_that_suggest_a_size():
    built = vanishing_figure(depth=5, activation="relu", compare="none", x=-1.0)
    layout = built["figure"]["layout"]
    assert layout["yaxis"]["showticklabels"] is False
    assert "no nonzero gradient to plot" in layout["annotations"][0]["text"]
    assert vanishing_figure()["figure"]["layout"]["yaxis"]["showticklabels"] is True


def test_a_saturated_tanh_layer_is_tiny_not_zero():
    """tanh at z = 25: the slope is 4e⁻⁵⁰ ≈ 7.7 × 10⁻²², not the 0 that 1 − tanh² rounds to."""
    built = vanishing_figure(depth=1, activation="tanh", compare="none", weight=5.0, x=5.0)
    local = built["values"]["layers"][0]["local_derivative"]
    assert local == pytest.approx(5 * 4 * math.exp(-50), rel=1e-12)
    assert "exactly 0" not in built["description"]


def _cause_holds(cause: str, a: str, s: dict, layers, n: int, sentence: str) -> None:
    """What each named cause means, checked against the engine's numbers at layer n."""
    layer = layers[n - 1]
    assert f"layer {n}" in sentence and "dead" not in sentence
    if cause == "ReLU off":
        assert a == "relu" and not s["residual"] and s["weight"] != 0 and layer.z <= 0
    elif cause == "weight 0":
        assert s["weight"] == 0 and not s["residual"] and layer.local_derivative == 0
    elif cause == "branch cancels skip":
        branch = s["weight"] * calculus.ACTIVATIONS[a].prime(layer.z)
        assert s["residual"] and branch == -1 and layer.local_derivative == 0
        assert ("to double precision" in sentence) == (a in ("sigmoid", "tanh") and layer.z != 0)
    else:  # underflow: every factor nonzero, their true product below the smallest double
        factors = [la.local_derivative for la in layers[n - 1:]]
        assert all(f != 0 for f in factors)
        assert sum(math.log10(abs(f)) for f in factors) < -307


CHAIN_GRID = list(itertools.product(
    (1, 2, 10, 50), ACTIVATIONS, [float(w) for w in np.arange(-5, 5.01, 0.5)] + [-0.05, 0.05],
    (-5.0, -1.0, 0.0, 0.5, 1.0, 5.0), (False, True)))


def test_every_chain_state_names_the_true_cause_of_each_zero():
    """Over a coarse grid of every control the chain allows: a zero gradient is drawn and
    described with exactly one cause, and that cause is what happened at the layer named."""
    seen = set()
    for depth, a, w, x, residual in CHAIN_GRID:
        built = vanishing_figure(depth=depth, activation=a, weight=w, x=x, residual=residual,
                                 compare="none")
        layers = calculus.gradient_flow(depth, a, w, x, residual)
        zero = [k + 1 for k, la in enumerate(layers) if la.gradient == 0]
        markers = [t for t in built["figure"]["data"] if t["name"].endswith("exactly 0")]
        if not zero:
            assert not markers and "exactly 0" not in built["description"]
            continue
        assert zero == list(range(1, zero[-1] + 1))  # a zero reaches every earlier layer
        (marker,) = markers
        label = next(t for t in marker["text"] if t)
        cause = label[len("0 ("):-1]
        assert cause in CAUSES, label
        sentence = built["description"].split("is exactly 0: ", 1)[1]
        _cause_holds(cause, a, {"weight": w, "residual": residual}, layers, zero[-1], sentence)
        seen.add(cause)
    assert seen >= {"ReLU off", "weight 0", "branch cancels skip"}


@pytest.mark.parametrize("compare", ACTIVATIONS)
def test_each_compared_activation_gets_its_own_cause(compare):
    for a, w, residual in itertools.product(ACTIVATIONS, (-1.0, 0.0, 1.0), (False, True)):
        built = vanishing_figure(depth=4, activation=a, compare=compare, weight=w, x=1.0,
                                 residual=residual)
        for name in {a, compare}:
            label = calculus.ACTIVATIONS[name].label
            layers = calculus.gradient_flow(4, name, w, 1.0, residual)
            if layers[0].gradient != 0:
                assert f"Through {label}, the gradient" not in built["description"]
                continue
            sentence = built["description"].split(f"Through {label}, the gradient", 1)[1]
            sentence = sentence.split("is exactly 0: ", 1)[1].split(". Through", 1)[0]
            n = max(k + 1 for k, la in enumerate(layers) if la.gradient == 0)
            marker = next(t for t in built["figure"]["data"] if t["name"] == f"{label}: exactly 0")
            cause = next(t for t in marker["text"] if t)[len("0 ("):-1]
            _cause_holds(cause, name, {"weight": w, "residual": residual}, layers, n, sentence)


def test_every_network_state_names_the_true_cause_of_each_zero():
    seen = set()
    for depth, a, width, init, seed, residual in itertools.product(
            (1, 10, 50), ACTIVATIONS, (2, 3, 16), ("he", "xavier"), range(4), (False, True)):
        built = vanishing_figure(depth=depth, activation=a, width=width, init=init, seed=seed,
                                 residual=residual, compare="none", mode="network")
        layers = calculus.network_gradients(depth, width, a, init, seed, residual)
        zero = [k + 1 for k, la in enumerate(layers) if la.gradient_norm == 0]
        if not zero:
            assert "exactly 0" not in built["description"]
            continue
        n = zero[-1]
        sentence = built["description"].split("is exactly 0: ", 1)[1]
        assert f"layer {n}" in sentence and "dead" not in sentence
        if "ReLU off" in json_text(built):
            assert a == "relu" and not residual and layers[n - 1].active == 0
        else:
            assert "underflow" in json_text(built) and layers[n - 1].active > 0
        seen.add(a)
    assert seen == {"relu"}  # only ReLU layers switch every unit off at these settings


def json_text(built: dict) -> str:
    return " ".join(t for tr in built["figure"]["data"] for t in tr.get("text") or [] if t)


def test_the_no_script_picture_of_an_all_zero_chain_has_no_tick_labels_either():
    from chapter.figures import svg

    zero = vanishing_figure(depth=5, activation="relu", compare="none", x=-1.0)["figure"]
    some = vanishing_figure(depth=5, activation="linear", compare="none", weight=0.5)["figure"]
    assert ">10<tspan" not in svg.to_svg(zero, 640, "zero", {})  # 10 and its power
    assert ">10<tspan" in svg.to_svg(some, 640, "some", {})


def test_a_factor_only_rounded_to_a_whole_number_is_said_to_be_about_it():
    """With a skip path, tanh's factor 1 + w·tanh′(z) is 1 plus ~10⁻²¹ at large z: 1.0 in
    floating point but not 1, so the words say "about 1"; σ′(0) = 0.25 makes w = 4 give an
    exact 1, said as 1."""
    from chapter.figures.vanishing import vanishing_figure

    rounded = vanishing_figure(activation="tanh", depth=10, weight=5, x=5, residual=True)
    assert "are all about 1 " in rounded["description"]
    assert "first layer as about 1." in rounded["description"]
    exact = vanishing_figure(activation="sigmoid", depth=1, weight=4, x=0)
    assert "the local derivative is 1," in exact["description"]
    assert "arrives as 1." in exact["description"]
