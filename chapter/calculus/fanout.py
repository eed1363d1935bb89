"""Fan-out: one value feeding two later stages, and its gradient as a sum over paths.

The chapter's example is x → a = x², x → b = 2x + 1, then y = a·b (practice varies the power
n and the line c·x + d). The input reaches y along two paths, so the multivariable chain
rule adds one product of local derivatives per path:

    dy/dx = ∂y/∂a · da/dx + ∂y/∂b · db/dx = b·n·xⁿ⁻¹ + a·c.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FanOut:
    x: float
    a: float  # xⁿ (x² in the chapter)
    b: float  # c·x + d (2x + 1 in the chapter)
    y: float  # a·b
    da_dx: float  # n·xⁿ⁻¹
    db_dx: float  # c
    dy_da: float  # b, with b held fixed
    dy_db: float  # a, with a held fixed
    path_a: float  # ∂y/∂a · da/dx: the product along the path through a
    path_b: float  # ∂y/∂b · db/dx: the product along the path through b
    dy_dx: float  # path_a + path_b: the gradient is the sum over paths


def fan_out(x: float, power: int = 2, slope: float = 2.0, shift: float = 1.0) -> FanOut:
    """Forward through a = xⁿ, b = c·x + d, y = a·b (n = ``power``, c = ``slope``,
    d = ``shift``); then each path's product, and their sum."""
    x = float(x)
    a, b = x ** power, slope * x + shift
    da_dx, db_dx = power * x ** (power - 1), float(slope)
    dy_da, dy_db = b, a
    path_a, path_b = dy_da * da_dx, dy_db * db_dx
    return FanOut(x=x, a=a, b=b, y=a * b, da_dx=da_dx, db_dx=db_dx, dy_da=dy_da,
                  dy_db=dy_db, path_a=path_a, path_b=path_b, dy_dx=path_a + path_b)
