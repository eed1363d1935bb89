"""Compositions y = f(g(x)): the nudge through two stages, and the checkpoint's practice pairs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from chapter.calculus.activations import sigmoid, sigmoid_prime


@dataclass(frozen=True)
class NeuronChain:
    """y = σ(w·x) seen as a composition: inner g(x) = w·x, outer f(u) = σ(u)."""

    x: float
    w: float
    u: float  # g(x) = w·x
    y: float  # f(u) = σ(u)
    inner_derivative: float  # g′(x) = w
    outer_derivative: float  # f′(u) = σ′(u), evaluated at u = g(x), not at x
    dy_dx: float  # outer × inner


def neuron_chain(x: float, w: float) -> NeuronChain:
    u = w * x
    outer = float(sigmoid_prime(u))
    return NeuronChain(
        x=x,
        w=w,
        u=u,
        y=float(sigmoid(u)),
        inner_derivative=w,
        outer_derivative=outer,
        dy_dx=outer * w,
    )


@dataclass(frozen=True)
class Composition:
    """y = f(g(x)) as two stages. ``w`` is the neuron's weight; only σ(wx) uses it."""

    name: str
    formula: str  # y = …, in plain text
    inner_formula: str  # u = g(x)
    outer_formula: str  # y = f(u)
    uses_w: bool
    inner: Callable  # g(x, w)
    inner_prime: Callable  # g′(x, w)
    outer: Callable  # f(u)
    outer_prime: Callable  # f′(u)

    def y(self, x, w):
        return self.outer(self.inner(x, w))


def _arr(x):
    return np.asarray(x, dtype=float)


COMPOSITIONS: dict[str, Composition] = {
    "sigmoid": Composition(
        "sigmoid", "y = σ(wx)", "u = wx", "y = σ(u)", True,
        lambda x, w: _arr(x) * w, lambda x, w: np.full_like(_arr(x), w),
        sigmoid, sigmoid_prime),
    "sin_square": Composition(
        "sin_square", "y = sin(x²)", "u = x²", "y = sin(u)", False,
        lambda x, w: _arr(x) ** 2, lambda x, w: 2.0 * _arr(x),
        lambda u: np.sin(_arr(u)), lambda u: np.cos(_arr(u))),
    "exp_square": Composition(
        "exp_square", "y = e^(x²)", "u = x²", "y = e^u", False,
        lambda x, w: _arr(x) ** 2, lambda x, w: 2.0 * _arr(x),
        lambda u: np.exp(_arr(u)), lambda u: np.exp(_arr(u))),
    "double_triple": Composition(
        "double_triple", "y = 3(2x)", "u = 2x", "y = 3u", False,
        lambda x, w: 2.0 * _arr(x), lambda x, w: np.full_like(_arr(x), 2.0),
        lambda u: 3.0 * _arr(u), lambda u: np.full_like(_arr(u), 3.0)),
}


@dataclass(frozen=True)
class Nudge:
    """A nudge Δx through y = f(g(x)): inner stage scales it by g′(x), outer by f′(u)."""

    fn: str
    x: float
    w: float
    dx: float
    u: float
    y: float
    inner_derivative: float  # g′(x), evaluated at x
    outer_derivative: float  # f′(u), evaluated at u = g(x), not at x
    dy_dx: float  # outer × inner
    du: float  # g′(x)·Δx, the nudge after the inner stage (along its tangent)
    dy: float  # f′(u)·g′(x)·Δx, the nudge after both stages


def nudge(fn: str, x: float, w: float = 1.0, dx: float = 0.5) -> Nudge:
    comp = COMPOSITIONS[fn]
    u = float(comp.inner(x, w))
    inner = float(comp.inner_prime(x, w))
    outer = float(comp.outer_prime(u))
    return Nudge(fn=fn, x=x, w=w, dx=dx, u=u, y=float(comp.outer(u)),
                 inner_derivative=inner, outer_derivative=outer, dy_dx=outer * inner,
                 du=inner * dx, dy=outer * inner * dx)


def difference_quotients(fn: str, x: float, w: float, dxs):
    """(y(x + Δx) − y(x)) / Δx for each Δx, its gap to the chain rule's f′(g(x))·g′(x), and the
    size of gap that floating-point rounding alone can make.

    The gap shrinks in proportion to Δx: the chain rule is the limit of the quotient. A gap
    under the rounding floor means the quotient is exact (a straight line).
    """
    return quotient_grid(fn, x, w, nudge(fn, x, w).dy_dx, dxs)


def quotient_grid(fn: str, x, w, slope, dxs):
    """``difference_quotients`` at many points in one pass: ``x``, ``w`` and ``slope`` (each
    point's ``nudge(...).dy_dx``) as columns, one row per point, and ``dxs`` a row or a grid.
    Element by element the same arithmetic as at one point."""
    comp = COMPOSITIONS[fn]
    dxs = _arr(dxs)
    y0 = comp.y(x, w)
    quotients = (comp.y(x + dxs, w) - y0) / dxs
    gaps = np.abs(quotients - slope)
    # Relative to the numbers subtracted, never absolute: y's own rounding, and the rounding
    # of x + Δx carried through the slope. A tiny y (a saturated σ) has a tiny floor.
    rounding = 8 * np.finfo(float).eps * (np.abs(y0) + np.abs(slope) * (np.abs(x) + dxs)) / dxs
    return quotients, gaps, rounding


def tangent(at: float, value: float, slope: float, ts):
    """The tangent line value + slope·(t − at): what a small nudge follows."""
    return value + slope * (_arr(ts) - at)

# --- practice compositions: the checkpoint's "Try another" variants ---------------------------
# Inner functions g with a parameter a: x^a, sin x, a·x. Outer functions f with a parameter b:
# e^u, sin u, σ(u), u^b. Each returns (value, derivative) at the point given.


def inner_function(kind: str, a: int, x: float) -> tuple[float, float]:
    """g(x) and g′(x) for ``kind`` in pow (x^a), sin, lin (a·x)."""
    if kind == "pow":
        return x**a, a * x ** (a - 1)
    if kind == "sin":
        return math.sin(x), math.cos(x)
    if kind == "lin":
        return a * x, float(a)
    raise ValueError(f"unknown inner function {kind!r}")


def outer_function(kind: str, b: int, u: float) -> tuple[float, float]:
    """f(u) and f′(u) for ``kind`` in exp, sin, sigmoid, pow (u^b)."""
    if kind == "exp":
        return math.exp(u), math.exp(u)
    if kind == "sin":
        return math.sin(u), math.cos(u)
    if kind == "sigmoid":
        return float(sigmoid(u)), float(sigmoid_prime(u))
    if kind == "pow":
        return u**b, b * u ** (b - 1)
    raise ValueError(f"unknown outer function {kind!r}")
