"""The widgets' maths against central finite differences, and the figures built from it."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chapter import calculus
from chapter import figures as widgets
from chapter.figures import backprop, nudge, vanishing
from chapter.figures.backprop import MAX_TRAINED_WEIGHT
from chapter.format import num

reals = st.floats(min_value=-5, max_value=5, allow_nan=False)
activations = st.sampled_from(sorted(calculus.ACTIVATIONS))
compositions = st.sampled_from(sorted(calculus.COMPOSITIONS))


def close(analytic: float, numeric: float, scale: float = 1.0) -> bool:
    """Agreement to finite-difference accuracy, relative to the size of the numbers involved."""
    return abs(analytic - numeric) <= 1e-5 * max(1.0, abs(analytic), abs(numeric), scale)


# --- activations ------------------------------------------------------------------------------


@given(activations, reals)
def test_activation_derivatives_match_central_differences(name, u):
    act = calculus.ACTIVATIONS[name]
    assume(name != "relu" or abs(u) > 1e-4)  # the kink itself has no two-sided derivative
    assert close(float(act.prime(u)), calculus.central_difference(act.fn, u))


def test_relu_derivative_at_zero_is_zero_as_autograd_libraries_define_it():
    assert float(calculus.relu_prime(0.0)) == 0.0
    assert float(calculus.relu_prime(1e-12)) == 1.0


@pytest.mark.parametrize(("name", "ceiling"), [("sigmoid", 0.25), ("tanh", 1.0)])
def test_saturating_activation_derivatives_peak_at_zero(name, ceiling):
    grid = np.linspace(-5, 5, 10001)
    primes = calculus.ACTIVATIONS[name].prime(grid)
    assert primes.max() == pytest.approx(ceiling)
    assert grid[primes.argmax()] == pytest.approx(0.0, abs=1e-9)


# --- compositions -----------------------------------------------------------------------------


@given(compositions, reals, reals)
def test_nudge_chain_rule_matches_central_difference_of_the_composition(fn, x, w):
    comp = calculus.COMPOSITIONS[fn]
    n = calculus.nudge(fn, x, w)
    assert close(n.inner_derivative, calculus.central_difference(lambda t: comp.inner(t, w), x))
    assert close(n.outer_derivative, calculus.central_difference(comp.outer, n.u), n.y)
    assert close(n.dy_dx, calculus.central_difference(lambda t: comp.y(t, w), x), n.y)
    assert n.dy_dx == pytest.approx(n.outer_derivative * n.inner_derivative)


@pytest.mark.parametrize(("fn", "x", "w", "expected"), [
    ("sigmoid", 1.0, 2.0, 0.20998717),  # the worked neuron: 0.105 × 2 ≈ 0.210
    ("double_triple", 1.0, 9.0, 6.0),  # doubling then tripling: a nudge of 1 becomes 6
    ("sin_square", 1.5, 0.0, math.cos(2.25) * 3.0),  # cos(x²)·2x
    ("exp_square", 2.0, 0.0, math.exp(4.0) * 4.0),  # the checkpoint's 4e⁴ ≈ 218.4
])
def test_nudge_reproduces_the_chapters_worked_numbers(fn, x, w, expected):
    assert calculus.nudge(fn, x, w).dy_dx == pytest.approx(expected, rel=1e-7)


def _second_derivative(fn: str, x, w: float):
    """y″ by hand for each composition (independent of the engine)."""
    x = np.asarray(x, dtype=float)
    if fn == "sigmoid":  # y = σ(wx): y″ = w²·σ(1 − σ)(1 − 2σ)
        s = 1 / (1 + np.exp(-w * x))
        return w * w * s * (1 - s) * (1 - 2 * s)
    if fn == "sin_square":  # y = sin(x²): y″ = 2cos(x²) − 4x²·sin(x²)
        return 2 * np.cos(x * x) - 4 * x * x * np.sin(x * x)
    if fn == "exp_square":  # y = e^(x²): y″ = (2 + 4x²)·e^(x²)
        return (2 + 4 * x * x) * np.exp(x * x)
    return np.zeros_like(x)  # y = 3(2x) is a straight line


@settings(max_examples=300)
@given(compositions, reals, reals, st.floats(1e-4, 2.0))
def test_difference_quotient_gap_is_within_the_taylor_bound(fn, x, w, dx):
    """Taylor: |(y(x+Δx) − y(x))/Δx − y′(x)| ≤ (Δx/2)·max|y″| on [x, x+Δx], plus rounding."""
    _, gaps, rounding = calculus.difference_quotients(fn, x, w, [dx])
    curvature = np.abs(_second_derivative(fn, np.linspace(x, x + dx, 2001), w)).max()
    # The dense sample may miss the true maximum by the curve's change over one step.
    third = np.abs(np.diff(_second_derivative(fn, np.linspace(x, x + dx, 2001), w))).max()
    bound = dx / 2 * (curvature + third) * (1 + 1e-6)
    y = abs(calculus.COMPOSITIONS[fn].y(x + dx, w)) + abs(calculus.COMPOSITIONS[fn].y(x, w))
    # Rounding in y's two values, in x + Δx itself (the step taken is not exactly Δx), and
    # the engine's own floor for the quotient.
    slope = abs(calculus.nudge(fn, x, w).dy_dx)
    eps = np.finfo(float).eps
    floating_point = (4 * eps * max(y, 1.0) + 2 * eps * slope * max(abs(x), 1.0)) / dx \
        + rounding[0]
    assert gaps[0] <= bound + floating_point


# --- the deep chain ---------------------------------------------------------------------------


@settings(max_examples=150)
@given(st.integers(1, 6), activations, reals, reals, st.booleans())
def test_gradient_flow_matches_central_differences(depth, activation, weight, x, residual):
    layers = calculus.gradient_flow(depth, activation, weight, x, residual)
    assert len(layers) == depth
    if activation == "relu":
        assume(all(abs(layer.z) > 1e-3 for layer in layers))
    weights = [weight] * depth
    scale = max(1.0, abs(layers[-1].a))
    for k, layer in enumerate(layers):
        a_in = x if k == 0 else layers[k - 1].a
        rest = weights[k:]

        def from_here(a, rest=rest):
            return calculus.chain_output(len(rest), activation, rest, a, residual)

        def with_weight(wk, k=k):
            ws = list(weights)
            ws[k] = wk
            return calculus.chain_output(depth, activation, ws, x, residual)

        # A smaller step than the default: steep tanh chains (weight 5, output near 0) have a
        # third derivative large enough that h = 1e-6 leaves a 1e-4 truncation error.
        assert close(layer.gradient, calculus.central_difference(from_here, a_in, h=1e-7), scale)
        assert close(layer.weight_gradient,
                     calculus.central_difference(with_weight, weight, h=1e-7), scale)


@given(st.integers(1, 50), reals, st.booleans())
def test_linear_layers_multiply_the_gradient_by_the_weight_each_time(depth, weight, residual):
    layers = calculus.gradient_flow(depth, "linear", weight, 1.0, residual)
    factor = weight + (1.0 if residual else 0.0)
    for k, layer in enumerate(layers):
        assert layer.local_derivative == pytest.approx(factor)
        assert layer.gradient == pytest.approx(factor ** (depth - k), rel=1e-9)


@given(st.integers(1, 50), reals, reals)
def test_sigmoid_gradients_never_exceed_the_quarter_power_bound(depth, weight, x):
    for k, layer in enumerate(calculus.gradient_flow(depth, "sigmoid", weight, x)):
        assert abs(layer.gradient) <= calculus.sigmoid_bound(weight, depth - k) * (1 + 1e-12)


def test_ten_sigmoid_layers_vanish_and_ten_relu_layers_pass_the_gradient_whole():
    sigmoid = calculus.gradient_flow(10, "sigmoid", 1.0, 1.0)
    relu = calculus.gradient_flow(10, "relu", 1.0, 1.0)
    assert sigmoid[0].gradient < calculus.chain_product(0.25, 10) < 1e-6
    assert relu[0].gradient == 1.0
    with_skip = calculus.gradient_flow(10, "sigmoid", 1.0, 1.0, residual=True)
    assert with_skip[0].gradient > 1.0  # the skip path carries it past the multiplications


def test_half_and_double_per_layer_give_the_intuition_numbers():
    assert calculus.gradient_flow(10, "linear", 0.5, 1.0)[0].gradient == pytest.approx(0.5 ** 10)
    assert calculus.gradient_flow(10, "linear", 2.0, 1.0)[0].gradient == 1024.0


# --- the real network -------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "linear"])
@pytest.mark.parametrize("residual", [False, True])
def test_network_gradient_norms_match_central_differences(activation, residual):
    depth, width, seed = 3, 4, 7
    x, readout, weights = calculus.network_setup(depth, width, "xavier", seed)
    layers = calculus.network_gradients(depth, width, activation, "xavier", seed, residual)

    def output(ws, a0=x):
        return calculus.network_output(ws, a0, readout, activation, residual)

    # ‖∂L/∂a₀‖ by perturbing each input component.
    grad = [calculus.central_difference(lambda t, i=i: output(weights, x + t * np.eye(width)[i]),
                                        0.0) for i in range(width)]
    assert layers[0].gradient_norm == pytest.approx(np.linalg.norm(grad), rel=1e-5)
    # ‖∂L/∂W_k‖ by perturbing every entry of each layer's weight matrix.
    for k in range(depth):
        entries = []
        for i in range(width):
            for j in range(width):
                bump = np.zeros_like(weights)
                bump[k, i, j] = 1.0
                entries.append(calculus.central_difference(
                    lambda t, b=bump: output(weights + t * b), 0.0))
        assert layers[k].weight_gradient_norm == pytest.approx(np.linalg.norm(entries), rel=1e-5)


def test_network_is_reproducible_from_its_seed_and_differs_across_seeds():
    a = calculus.network_gradients(8, 16, "tanh", "xavier", 3)
    b = calculus.network_gradients(8, 16, "tanh", "xavier", 3)
    c = calculus.network_gradients(8, 16, "tanh", "xavier", 4)
    assert a == b and a != c


def test_real_networks_show_the_same_vanishing_as_the_scalar_chain():
    sigmoid = calculus.network_gradients(20, 32, "sigmoid", "xavier", 0)
    relu = calculus.network_gradients(20, 32, "relu", "he", 0)
    assert sigmoid[0].gradient_norm < 1e-6 * sigmoid[-1].gradient_norm
    assert 0.05 < relu[0].gradient_norm / relu[-1].gradient_norm < 20


# --- training ---------------------------------------------------------------------------------


@given(reals, reals, reals, reals, st.floats(0.01, 2.0))
def test_gradient_step_moves_each_weight_against_its_gradient(x, w1, w2, target, eta):
    bp = calculus.backward(x, w1, w2, target)
    new_w1, new_w2 = calculus.gradient_step(x, w1, w2, target, eta)
    assert new_w1 == pytest.approx(w1 - eta * bp.dL_dw1)
    assert new_w2 == pytest.approx(w2 - eta * bp.dL_dw2)


def test_a_few_gradient_steps_lower_the_chapters_loss():
    losses = [h.loss for h in calculus.train(2.0, 0.5, 1.2, 1.0, eta=0.1, steps=5)]
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))


# --- the figures ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(widgets.BUILDERS))
@pytest.mark.parametrize("narrow", [False, True])
def test_each_figure_is_valid_plotly_with_one_frame_per_step(name, narrow):
    built = widgets.BUILDERS[name](narrow=narrow)
    go.Figure(built["figure"])  # raises on any property Plotly does not know
    assert [f["name"] for f in built["figure"]["frames"]] == [
        f"step-{i}" for i in range(len(built["steps"]))]
    json.dumps(built, allow_nan=False)


def test_nudge_figure_states_the_worked_example_in_words_and_table():
    built = nudge.nudge_figure()
    assert "0.105 × 2 = 0.210" in built["description"]
    assert built["summary"] == "outer × inner = total: 0.105 × 2 = 0.210"
    rows = dict((r[0], r[1]) for r in built["table"]["rows"])
    assert rows["dy/dx = f′(u) × g′(x)"] == "0.210"


def test_straight_line_composition_says_its_quotient_is_exact():
    built = nudge.nudge_figure(fn="double_triple")
    assert "exact for every Δx" in built["description"]
    assert "= 6" in built["description"]


def test_backprop_figure_ends_at_the_chapters_gradient():
    built = backprop.backprop_figure()
    assert "∂L/∂W₁ ≈ −0.116" in built["description"]
    assert "∂L/∂W₂ = ∂L/∂ŷ × h ≈ −0.179" in built["description"]
    assert built["steps"][-1].startswith("Backward: multiply by ∂z/∂W₁")


def test_backprop_training_reports_the_loss_falling():
    built = backprop.backprop_figure(eta=0.5, steps=3)
    losses = [t["loss"] for t in built["values"]["training"]]
    assert len(losses) == 4 and losses[-1] < losses[0]
    assert "After 3 gradient steps" in built["description"]


def test_backprop_training_that_diverges_stops_and_says_so():
    # η = 2 with a large input: each step overshoots further; the weights run away by step 6.
    built = backprop.backprop_figure(x=5, w1=0.1, w2=5, target=5, eta=2.0, steps=50)
    json.dumps(built, allow_nan=False)
    assert built["values"]["diverged"] is True
    assert built["values"]["steps_taken"] < 50
    assert "Training diverged" in built["description"]
    assert all(abs(t["w2"]) < MAX_TRAINED_WEIGHT for t in built["values"]["training"])


def test_vanishing_figure_draws_first_layer_on_the_left_and_a_dead_relu_as_a_gap():
    built = vanishing.vanishing_figure(depth=5, activation="relu", compare="none", x=-1.0)
    assert all(layer["gradient"] == 0 for layer in built["values"]["layers"])
    assert "exactly 0" in json.dumps(built["figure"]["layout"]["annotations"], ensure_ascii=False)
    built = vanishing.vanishing_figure(depth=5, activation="linear", weight=0.5, compare="none")
    series = built["figure"]["data"][0]
    assert series["x"] == [1, 2, 3, 4, 5]
    assert series["y"] == pytest.approx([0.5 ** 5, 0.5 ** 4, 0.5 ** 3, 0.5 ** 2, 0.5])


def test_vanishing_animation_reveals_layers_from_the_last_back_to_the_first():
    frames = vanishing.vanishing_figure(depth=4)["figure"]["frames"]
    revealed = [[y is not None for y in f["data"][0]["y"]] for f in frames]
    assert revealed[0] == [False] * 4
    assert revealed[1] == [False, False, False, True]
    assert revealed[-1] == [True] * 4


@pytest.mark.parametrize(("value", "text"), [
    (0.20998717, "0.210"), (2.0, "2"), (-0.1159, "−0.116"), (2.78e-7, "2.78 × 10⁻⁷"),
    (0.0, "0"), (7.2e10, "7.20 × 10¹⁰"), (0.00555, "0.00555"),
])
def test_numbers_are_written_as_the_chapter_writes_them(value, text):
    assert num(value) == text
