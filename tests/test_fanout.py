"""Fan-out: where one value feeds two stages, its gradient is the sum over the paths."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter import calculus


@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_the_sum_over_paths_matches_central_difference(x):
    fan = calculus.fan_out(x)
    numeric = calculus.central_difference(lambda t: calculus.fan_out(t).y, x, h=1e-5)
    assert fan.dy_dx == pytest.approx(numeric, rel=1e-6, abs=1e-6)
    assert fan.dy_dx == pytest.approx(fan.path_a + fan.path_b)


@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_each_path_is_the_product_of_its_local_derivatives(x):
    fan = calculus.fan_out(x)
    assert fan.a == pytest.approx(x * x) and fan.b == pytest.approx(2 * x + 1)
    assert fan.y == pytest.approx(fan.a * fan.b)
    # ∂y/∂a holds b fixed, ∂y/∂b holds a fixed: each checked by nudging one of them alone.
    assert fan.dy_da == pytest.approx(calculus.central_difference(lambda a: a * fan.b, fan.a))
    assert fan.dy_db == pytest.approx(calculus.central_difference(lambda b: fan.a * b, fan.b))
    assert fan.path_a == pytest.approx(fan.dy_da * fan.da_dx)
    assert fan.path_b == pytest.approx(fan.dy_db * fan.db_dx)


def test_one_path_alone_is_not_the_gradient():
    fan = calculus.fan_out(3.0)
    assert (fan.path_a, fan.path_b, fan.dy_dx) == (42.0, 18.0, 60.0)
    assert fan.dy_dx != fan.path_a and fan.dy_dx != fan.path_b
