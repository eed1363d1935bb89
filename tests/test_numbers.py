"""The typed-number parser: what a reader may write, and what it refuses (with a reason)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.numbers import EXPECTED, NumberFormatError, parse_number
from tests.apps import own_cpu


@pytest.mark.parametrize(("text", "value"), [
    ("218.4", 218.4),
    ("  218.4 ", 218.4),
    ("2.18e2", 218.0),
    ("2.18E+2", 218.0),
    ("1e-10", 1e-10),
    (".5", 0.5),
    ("4.", 4.0),
    ("-3", -3.0),
    ("−3", -3.0),  # a typographic minus sign
    ("4e^4", 4 * math.e ** 4),
    ("4e4", 40000.0),  # scientific notation, as calculators read it
    ("4 e^4", 4 * math.e ** 4),
    ("4*exp(4)", 4 * math.exp(4)),
    ("4exp(4)", 4 * math.exp(4)),
    ("4·e^4", 4 * math.e ** 4),
    ("4 × e^4", 4 * math.e ** 4),
    ("e^4*2*2", 4 * math.e ** 4),
    ("0.1^10", 0.1 ** 10),
    ("0.1**10", 0.1 ** 10),
    ("10^-10", 1e-10),
    ("2^3^2", 512.0),  # powers group from the right
    ("-2^2", -4.0),  # the power binds before the sign
    ("(0.25)^10", 0.25 ** 10),
    ("1/1024", 1 / 1024),
    ("2(3+1)", 8.0),
    ("cos(4)*4", math.cos(4) * 4),
    ("sqrt(2)", math.sqrt(2)),
    ("ln(e)", 1.0),
    ("pi", math.pi),
    ("2π", 2 * math.pi),
    (7, 7.0),
    (0.5, 0.5),
    # the chapter's own notation for small numbers, and the ways people type it
    ("9.5×10⁻⁷", 9.5e-7),
    ("9.5 × 10⁻⁷", 9.5e-7),
    ("9.5 x 10^-7", 9.5e-7),
    ("9.5X10^-7", 9.5e-7),
    ("9.5·10^-7", 9.5e-7),
    ("9.5*10**-7", 9.5e-7),
    ("9.5e-7", 9.5e-7),
    ("9.5e−7", 9.5e-7),  # a typographic minus in the exponent
    ("−9.5×10⁻⁷", -9.5e-7),
    ("10⁻¹⁰", 1e-10),
    ("10⁺³", 1000.0),
    ("4e⁴", 4 * math.e ** 4),
    ("0.1¹⁰", 0.1 ** 10),
    ("0.5¹²·3", 0.5 ** 12 * 3),
    ("2 x (3+1)", 8.0),
])
def test_accepted_answers_have_the_value_a_calculator_gives(text, value):
    assert parse_number(text).value == pytest.approx(value, rel=1e-12)


def test_the_stored_text_is_trimmed_with_spaces_collapsed():
    assert parse_number("  4 *   e^4 ").text == "4 * e^4"


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"),
    ("   ", "empty"),
    ("0,5", "0,5 has a comma: use a point for decimals, 0.5 for zero point five."),
    ("4,2", "4,2 has a comma: use a point for decimals, 4.2 for four point two."),
    ("1,024", "1,024 has a comma: write 1024 for one thousand and twenty-four, or 1.024 for "
              "one point zero two four."),
    ("2,500", "write 2500 for two thousand five hundred, or 2.500 for two point five zero zero"),
    ("1,000,000", "1,000,000 has commas: write 1000000 for one million."),
    ("1,2,3", "Use a point for decimals and no commas between thousands."),
    ("x²", "“x” is not a name I know"),
    ("2x", "“x” is not a name I know"),  # an x multiplies only between two numbers
    ("9.5 x", "“x” is not a name I know"),
    ("10⁻", "The power “⁻” needs its digits after its sign, as in 10⁻⁷."),
    ("10²⁻", "The power “²⁻” needs its digits after its sign"),
    ("abc", "not a name I know"),
    ("__import__('os')", "not part of a number"),
    ("2 3", "Unexpected “3”"),
    ("4+", "Expected more"),
    ("(4", "Expected “)”"),
    ("4)", "Unexpected “)”"),
    ("exp 4", "with brackets"),
    ("1/0", "divides by zero"),
    ("0^-1", "divides by zero"),
    ("1e999", "not a finite number"),
    ("10^10^10", "too large"),
    ("exp(1000)", "too large"),
    ("1e308*10", "not a finite number"),
    ("(-8)^(1/3)", "not real"),
    ("sqrt(-1)", "not defined"),
    ("ln(0)", "not defined"),
    ("inf", "not a name I know"),
    ("nan", "not a name I know"),
    ("(" * 30 + "1" + ")" * 30, "nested"),
    ("-" * 30 + "1", "nested"),
    ("1" * 101, "longer than 100"),
    (None, "text or a number"),
    (True, "text or a number"),
    (["4"], "text or a number"),
])
def test_refused_answers_say_why_and_what_to_type(text, reason):
    with pytest.raises(NumberFormatError) as error:
        parse_number(text)
    assert reason in str(error.value)
    assert EXPECTED in str(error.value)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_any_number_python_prints_reads_back_exactly(value):
    assert parse_number(repr(value)).value == value


@given(st.text(max_size=120))
def test_any_text_either_parses_to_a_finite_number_or_is_refused(text):
    try:
        assert math.isfinite(parse_number(text).value)
    except NumberFormatError:
        pass


@pytest.mark.parametrize("text", [
    "1," * 50, "9" * 49 + "," + "9" * 50, "2x" * 50, " x " * 33, "⁻" * 100, "10" + "⁹" * 98,
    "1e1x" * 25, "(" * 19 + "9.5×10⁻⁷" + ")" * 19, "1" + "x1" * 49, ",5" * 50,
])
def test_the_longest_inputs_of_each_kind_are_read_or_refused_within_milliseconds(text):
    text = text[:100]
    with own_cpu() as took:  # the parser's own CPU: not the machine's or the process's
        for _ in range(20):
            try:
                parse_number(text)
            except NumberFormatError:
                pass
    assert took[0] / 20 < 0.005, text
