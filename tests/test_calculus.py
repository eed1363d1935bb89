"""The engine: every derivative against central finite differences, and the chapter's numbers."""

from __future__ import annotations

import decimal
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter import calculus

reals = st.floats(min_value=-5, max_value=5, allow_nan=False)


@given(reals)
def test_sigmoid_prime_matches_central_difference(u):
    assert calculus.sigmoid_prime(u) == pytest.approx(
        calculus.central_difference(calculus.sigmoid, u), abs=1e-7)


@given(st.floats(min_value=-800, max_value=800, allow_nan=False))
def test_sigmoid_is_finite_and_in_range_for_large_inputs(u):
    s = float(calculus.sigmoid(u))
    assert 0.0 <= s <= 1.0 and math.isfinite(s)


def test_sigmoid_prime_peaks_at_a_quarter_at_zero():
    grid = np.linspace(-10, 10, 20001)
    values = calculus.sigmoid_prime(grid)
    assert values.max() == pytest.approx(calculus.SIGMOID_PRIME_MAX)
    assert grid[values.argmax()] == pytest.approx(0.0, abs=1e-9)


@given(reals, reals)
def test_neuron_chain_derivative_matches_central_difference(x, w):
    chain = calculus.neuron_chain(x, w)
    numeric = calculus.central_difference(lambda t: calculus.sigmoid(w * t), x)
    assert chain.dy_dx == pytest.approx(numeric, abs=1e-6)
    assert chain.dy_dx == pytest.approx(chain.outer_derivative * chain.inner_derivative)


@given(reals, reals, reals, reals)
def test_backprop_weight_gradients_match_central_difference(x, w1, w2, target):
    bp = calculus.backward(x, w1, w2, target)
    loss = lambda a, b: calculus.forward(x, a, b, target)[3]  # noqa: E731
    assert bp.dL_dw1 == pytest.approx(
        calculus.central_difference(lambda a: loss(a, w2), w1), rel=1e-4, abs=1e-6)
    assert bp.dL_dw2 == pytest.approx(
        calculus.central_difference(lambda b: loss(w1, b), w2), rel=1e-4, abs=1e-6)


def test_worked_neuron_numbers():
    chain = calculus.neuron_chain(x=1.0, w=2.0)
    assert chain.u == 2.0
    assert round(chain.y, 3) == 0.881
    assert round(chain.outer_derivative, 3) == 0.105
    assert round(chain.dy_dx, 3) == 0.210


def test_concrete_backward_pass_numbers():
    bp = calculus.backward(x=2.0, w1=0.5, w2=1.2, target=1.0)
    forward = (bp.z, round(bp.h, 3), round(bp.y_hat, 3), round(bp.loss, 3))
    assert forward == (1.0, 0.731, 0.877, 0.015)
    assert round(bp.dL_dyhat, 3) == -0.245  # full precision; rounding ŷ first would give −0.246
    assert (bp.dyhat_dh, round(bp.dh_dz, 3), bp.dz_dw1) == (1.2, 0.197, 2.0)
    assert round(bp.dL_dw1, 3) == -0.116
    assert round(bp.dL_dw2, 3) == -0.179


@pytest.mark.parametrize(("factor", "layers", "expected"), [
    (0.25, 10, 9.5367e-7),
    (0.5, 10, 0.0009765625),
    (2.0, 10, 1024.0),
    (0.1, 10, 1e-10),
])
def test_chain_products(factor, layers, expected):
    assert calculus.chain_product(factor, layers) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize(("kind", "a"), [("pow", 2), ("pow", 3), ("sin", 0), ("lin", -2)])
@given(x=st.floats(min_value=-3, max_value=3, allow_nan=False))
def test_practice_inner_functions_derivative_matches_central_difference(kind, a, x):
    _, slope = calculus.inner_function(kind, a, x)
    numeric = calculus.central_difference(lambda t: calculus.inner_function(kind, a, t)[0], x)
    assert slope == pytest.approx(numeric, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize(("kind", "b"), [("exp", 0), ("sin", 0), ("sigmoid", 0), ("pow", 3)])
@given(u=st.floats(min_value=-3, max_value=3, allow_nan=False))
def test_practice_outer_functions_derivative_matches_central_difference(kind, b, u):
    _, slope = calculus.outer_function(kind, b, u)
    numeric = calculus.central_difference(lambda t: calculus.outer_function(kind, b, t)[0], u)
    assert slope == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def _reference_slope(name: str, u: float) -> float:
    """tanh′ or σ′ at u to 40 digits, from exponentials alone (no subtraction of near-equals)."""
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        e = decimal.Decimal(u).exp()
        if name == "tanh":  # 1/cosh²(u) = 4/(eᵘ + e⁻ᵘ)²
            return float(4 / (e + 1 / e) ** 2)
        return float(e / (1 + e) ** 2)  # σ′(u) = eᵘ/(1 + eᵘ)²


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
@pytest.mark.parametrize("u", [0.0, 1e-9, 0.3, -1.0, 2.5, 10.0, -19.0, 25.0, -40.0, 100.0,
                               -300.0, 350.0])
def test_tanh_and_sigmoid_slopes_match_a_high_precision_reference_far_into_the_tails(name, u):
    """Far out the slope is tiny, never 0: 1 − tanh²(25) rounded to 0 is not tanh′(25)."""
    prime = calculus.ACTIVATIONS[name].prime
    want = _reference_slope(name, u)
    assert want > 0
    for got in (prime(u), float(prime(np.array([u]))[0])):
        assert got == pytest.approx(want, rel=1e-13)


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
@pytest.mark.parametrize("u", [-3.0, -0.7, 0.0, 0.4, 2.0, 5.0])
def test_tanh_and_sigmoid_slopes_match_central_differences(name, u):
    act = calculus.ACTIVATIONS[name]
    assert act.prime(u) == pytest.approx(calculus.central_difference(act.fn, u), rel=1e-7)
