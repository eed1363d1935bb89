"""A nudge's real changes beside the tangent line's estimates of them.

The chain rule multiplies slopes, so g′(x)·Δx and f′(u)·g′(x)·Δx are first-order estimates;
the composition itself moves by g(x + Δx) − g(x) and f(g(x + Δx)) − f(g(x)). Figure 1 shows
both, so a reader never takes the estimate for the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from chapter.calculus.activations import sigmoid
from chapter.calculus.compositions import COMPOSITIONS


@dataclass(frozen=True)
class NudgeChanges:
    du_actual: float  # g(x + Δx) − g(x)
    dy_actual: float  # f(g(x + Δx)) − f(g(x))
    du_linear: float  # g′(x)·Δx, along the inner stage's tangent
    dy_linear: float  # f′(u)·g′(x)·Δx, the chain rule's first-order estimate


def nudge_changes(fn: str, x: float, w: float, dx: float) -> NudgeChanges:
    """The changes a nudge Δx really makes, and the tangent lines' estimates of them."""
    comp = COMPOSITIONS[fn]
    u, u_nudged = float(comp.inner(x, w)), float(comp.inner(x + dx, w))
    inner, outer = float(comp.inner_prime(x, w)), float(comp.outer_prime(u))
    if fn == "sigmoid" and min(u, u_nudged) > 0:
        # Near 1, σ(b) − σ(a) subtracts two numbers that agree in most digits; the same change
        # as (1 − σ(a)) − (1 − σ(b)) = σ(−a) − σ(−b) subtracts two small, exact ones.
        dy_actual = float(sigmoid(-u)) - float(sigmoid(-u_nudged))
    else:
        dy_actual = float(comp.outer(u_nudged)) - float(comp.outer(u))
    return NudgeChanges(du_actual=u_nudged - u, dy_actual=dy_actual,
                        du_linear=inner * dx, dy_linear=outer * inner * dx)
