"""How the chapter writes a number it computed: "=" only where the written number is the
value itself, "≈" where it is a rounding of it."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from chapter.format import approx, num


def test_exact_values_are_written_with_equals():
    assert approx(0.5) == "= 0.500"  # σ(0)
    assert approx(-0.125) == "= −0.125"
    assert approx(2.0) == "= 2"


def test_rounded_values_are_written_with_approximately():
    assert approx(1 / (1 + math.exp(-2))) == "≈ 0.881"  # σ(2)
    assert approx(1 / 3) == "≈ 0.333"
    assert approx(1 / 3 * 1e-6).startswith("≈ 3.33 × 10")
    assert approx(123456.0).startswith("≈ 1.23 × 10")
    assert approx(-5e-4) == "= −5.00 × 10⁻⁴"  # exactly that: a power of ten can be exact


@given(st.floats(min_value=-1e3, max_value=1e3, allow_nan=False))
def test_equals_is_said_exactly_when_the_written_number_is_the_value(value):
    text = num(value)
    said = approx(value)
    written = text.replace("−", "-")
    if "×" in text:
        assert said.startswith("= ") == (float(f"{value:.2e}") == value), (value, said)
    else:
        assert said.startswith("= ") == (float(written) == value), (value, said)


def test_a_charts_short_number_rounds_its_two_digits_from_the_value_itself():
    """Inside a chart a power of ten has two digits: −9.96 × 10⁻¹⁴ is −1.0×10⁻¹³ (not
    −10.0×10⁻¹⁴), 2.78 × 10⁻⁷ is ≈ 2.8×10⁻⁷ (rounded, so not "="), and from 1000 up a number
    is written so too (≈ −2.2×10³), short enough for a phone's chart."""
    assert approx(-9.96e-14, True) == "≈ −1.0×10⁻¹³"
    assert approx(2.78e-7, True) == "≈ 2.8×10⁻⁷"
    assert approx(5e-4, True) == "= 5.0×10⁻⁴"
    assert approx(-2177.835, True) == "≈ −2.2×10³"
    assert approx(999.25, True) == "= 999.250"  # below 1000: as the prose writes it
    assert approx(0.881, True) == approx(0.881)  # between them, as the prose writes it
