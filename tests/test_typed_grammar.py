"""The typed-expression grammar (quizzes/expressions.py): what a reader may write, how it is
read back, and what it refuses, with the message and the place it points at."""

from __future__ import annotations

import numpy as np
import pytest

from quizzes import typed
from quizzes.expression_write import evaluate
from quizzes.expressions import Unreadable, parse

ACCEPTED = [  # typed, reading in the answer grammar
    ("2x", "2*x"),
    ("2 x", "2*x"),
    ("x(x+1)", "x*(x + 1)"),
    ("2sin(x)", "2*sin(x)"),
    ("(x+1)(x-1)", "(x + 1)*(x - 1)"),
    ("x^3", "x^3"),
    ("x**3", "x^3"),
    ("x²", "x^2"),
    ("x³+1", "x^3 + 1"),
    ("√x", "sqrt(x)"),
    ("√(x+1)", "sqrt(x + 1)"),
    ("sqrt x", "sqrt(x)"),
    ("2·x", "2*x"),
    ("2×x", "2*x"),
    ("−x", "-x"),
    ("e^x", "e^x"),
    ("exp(2x)", "exp(2*x)"),
    ("log(x)", "ln(x)"),  # log is the natural logarithm
    ("ln x", "ln(x)"),
    ("ln x + 1", "ln(x) + 1"),  # a bare argument stops at a sign
    ("tan x", "tan(x)"),
    ("σ(x)", "sigma(x)"),
    ("sigmoid(x)", "sigma(x)"),
    ("sigma(x)(1 − sigma(x))", "sigma(x)*(1 - sigma(x))"),
    ("cos^2(x)", "cos(x)^2"),
    ("cos²x", "cos(x)^2"),
    ("cos(x)^2", "cos(x)^2"),
    ("sin x", "sin(x)"),
    ("sinx", "sin(x)"),
    ("sin 2x", "sin(2*x)"),  # a bare argument is the product that follows
    ("sin x^2", "sin(x^2)"),
    ("sin x cos x", "sin(x)*cos(x)"),  # ... up to the next function
    ("2 sin x cos x", "2*sin(x)*cos(x)"),
    ("-3 sin(3x + 1)", "-3*sin(3*x + 1)"),
    ("6x cos(3x^2)", "6*x*cos(3*x^2)"),
    ("6x·cos(3x²)", "6*x*cos(3*x^2)"),
    ("e^(x²)·2x", "e^(x^2)*2*x"),
    ("1/(2√x)", "1/(2*sqrt(x))"),
    ("2x/(x²+1)", "2*x/(x^2 + 1)"),
    ("x^-1", "x^(-1)"),
    ("e^-x", "e^(-x)"),
    ("e⁻ˣ", "e^(-x)"),
    ("e^-x^2", "e^(-x^2)"),
    ("e^x^2", "e^(x^2)"),  # powers group from the right
    ("e^2 x", "e^2*x"),  # a space ends the power
    ("-x^2", "-x^2"),
    ("e^{2x}", "e^(2*x)"),
    ("[x+1]^2", "(x + 1)^2"),
    ("6(2x+1)²", "6*(2*x + 1)^2"),
    ("x^2(x+1)", "x^2*(x + 1)"),
    ("πx", "pi*x"),
    ("0.5x^-0.5", "0.5*x^(-0.5)"),
    (".5x", "0.5*x"),
    ("xe^x", "x*e^x"),
    ("SIN X", "sin(x)"),
    ("y′ = 2x", "2*x"),  # the reader restating the question
    ("dy/dx = 2x", "2*x"),
    ("x - -x", "x - (-x)"),
]

REFUSED = [  # typed, part of the message, position pointed at
    ("ln*x", "did you mean ln(x)?", 2),
    ("e^2x", "e^(2*x) or e^2*x", 3),
    ("e^-2x", "e^(-2x), or e^-2 times x", 4),
    ("√2x", "√(2*x) or √2*x", 2),
    ("x2", "did you mean x^2 or 2x?", 1),
    ("sin x2", "did you mean x^2 or 2x?", 5),
    ("(x+1", "never closed: did you mean (x+1)?", 0),
    ("sin(x", "did you mean sin(x)?", 3),
    ("x+1)", "no opening bracket", 3),
    (")(", "no opening bracket", 0),
    ("x^", "did you mean x^2?", 2),
    ("2**", "“**” needs a power after it", 2),
    ("", "empty", 0),
    ("   ", "empty", 0),
    ("sinh(x)", "Did you mean sin?", 0),
    ("tanh(x)", "Did you mean tan?", 0),
    ("sec(x)", "write 1/cos(x)", 0),
    ("abs(x)", "The names I read are", 0),
    ("u^2", "write u as the inner function of x", 0),
    ("y = 2x", "I do not read “y”", 0),
    ("sin", "sin(x)", 3),
    ("sin -x", "sin(−x)", 4),
    ("sin x (x+1)", "Write sin(x)*(…) or sin(x*(…))", 6),
    ("1/2x", "Write 1/(2*x) or (1/2)*x", 3),
    ("cos(x)/2sqrt(sin(x))", "cos(x)/(2*sqrt(sin(x))) or (cos(x)/2)*sqrt(sin(x))", 8),
    ("sin^-1(x)", "inverse functions are not part of this grammar", 3),
    ("sin()", "The brackets are empty", 3),
    ("2 3", "did you mean 23 or 2*3?", 2),
    ("2.5.3", "two decimal points", 3),
    ("3,5", "use a point for decimals", 1),
    ("x = 2", "without “=”", 2),
    ("|x|", "absolute-value bars", 0),
    ("x%", "I cannot read “%”", 1),
    (".", "I cannot read “.”", 0),
    ("x.", "I cannot read “.”", 1),
    ("*x", "needs something before it", 0),
    ("2x+", "stops too soon", 3),
    ("1e7", "too large", 0),
    ("x" * 201, "longer than 200 characters", 200),
    ("(" * 21 + "x" + ")" * 21, "nest more than 20 deep", 20),
    ("-" * 21 + "x", "nests more than 20 deep", 20),
    ("sin(" * 21 + "x" + ")" * 21, "nest more than 20 deep", 83),
    ("sin " * 21 + "x", "nests more than 20 deep", 80),
    ("x^" * 21 + "x", "nests more than 20 deep", 41),
    ("√" * 21 + "x", "nests more than 20 deep", 20),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted_inputs_read_as_stated(text, expected):
    assert typed.preview(text)["reading"] == expected


@pytest.mark.parametrize(("text", "_"), ACCEPTED)
def test_a_reading_reads_back_as_itself_with_the_same_values(text, _):
    tree = parse(text)
    again = parse(typed.preview(text)["reading"])
    points = np.linspace(0.3, 2.7, 9)
    with np.errstate(all="ignore"):
        assert np.allclose(evaluate(tree, points), evaluate(again, points), equal_nan=True)
    assert typed.preview(typed.preview(text)["reading"])["reading"] == \
        typed.preview(text)["reading"]


@pytest.mark.parametrize(("text", "message", "position"), REFUSED)
def test_refusals_say_where_and_what_to_type(text, message, position):
    with pytest.raises(Unreadable) as raised:
        typed.preview(text)
    assert message in raised.value.message
    assert raised.value.position == position
    assert raised.value.message == str(raised.value)


@pytest.mark.parametrize("text", ["(" * 20 + "x" + ")" * 20, "sin(" * 20 + "x" + ")" * 20,
                                  "-" * 20 + "x", "x^" * 20 + "x", "√" * 20 + "x",
                                  "sin " * 20 + "x", "-(" * 10 + "x" + ")" * 10])
def test_twenty_levels_are_read(text):
    typed.preview(text)


def test_the_tables_are_as_large_as_promised():
    assert len(ACCEPTED) >= 40
    assert len(REFUSED) >= 20


def test_a_refusal_that_proposes_a_reading_proposes_one_the_grammar_reads():
    for text, proposal in [("ln*x", "ln(x)"), ("e^2x", "e^(2*x)"), ("e^2x", "e^2*x"),
                           ("(x+1", "(x+1)"), ("x^", "x^2"), ("sec(x)", "1/cos(x)"),
                           ("1/2x", "1/(2*x)"), ("1/2x", "(1/2)*x")]:
        with pytest.raises(Unreadable) as raised:
            typed.preview(text)
        assert proposal in raised.value.message
        typed.preview(proposal)


@pytest.mark.parametrize("text", [t for t, _ in ACCEPTED if any(
    name in typed.preview(t)["reading"] for name in ("sin", "cos", "tan", "ln", "exp",
                                                    "sqrt", "sigma"))])
def test_speech_reads_function_application_as_of(text):
    spoken = typed.preview(text)["speech"]
    assert " of " in spoken
    assert "(" not in spoken and "*" not in spoken


def test_speech_says_what_a_bracket_holds():
    assert typed.preview("sin(x^2)")["speech"] == \
        "sine of open bracket, x squared, close bracket"
    assert typed.preview("sin(x)^2")["speech"] == "open bracket, sine of x, close bracket squared"
    assert typed.preview("ln(x)")["speech"] == "the natural log of x"


@pytest.mark.parametrize(("one", "other"), [("x^4 + 1", "x^(4 + 1)"), ("e^x + 1", "e^(x + 1)"),
                                            ("x^1/2", "x^(1/2)"), ("2^x*x", "2^(x*x)"),
                                            ("sin(x)^2", "sin(x^2)"), ("-x^2", "(-x)^2"),
                                            ("x - (x - 1)", "x - x - 1")])
def test_speech_tells_apart_what_the_reading_tells_apart(one, other):
    assert typed.preview(one)["speech"] != typed.preview(other)["speech"]


def test_mathml_applies_functions_and_escapes_nothing_typed():
    mathml = typed.preview("2x cos(x^2) + σ(x)")["mathml"]
    assert mathml.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
    assert "<mi>cos</mi><mo>&#x2061;</mo>" in mathml
    assert "<mi>σ</mi>" in mathml
    assert "<msup>" in mathml
