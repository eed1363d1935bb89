"""Typed derivatives graded by meaning (quizzes/typed.py): equivalent forms are right, each slip
is named from the question's own f and g, and nothing a reader is shown gives the answer away."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
import sympy

from quizzes import typed, typed_family
from quizzes.expression_sympy import X, from_sympy, to_sympy
from quizzes.expression_write import reading
from quizzes.typed_text import FEEDBACK

EQUIVALENT = {  # five (here six) derivatives, each typed in many equivalent ways
    ("sin", "power", 2): ["2x cos(x^2)", "2*x*cos(x**2)", "cos(x²)·2x", "2xcos(x^2)",
                          "x cos(x^2) + x cos(x^2)", "cos(x^2)(x+x)", "2 x cos x^2",
                          "sin(x^2 + pi/2)*2x"],
    ("sigma", "linear", 2, 0): ["2σ(2x)(1-σ(2x))", "2e^(-2x)/(1+e^(-2x))^2",
                                "2*sigma(2x) - 2*sigma(2x)^2", "2/(e^x+e^-x)^2",
                                "sigma(2x)*sigma(-2x)*2", "2 e^(2x)/(1 + e^(2x))²"],
    ("ln", "quadratic", 1, 1): ["(2x+1)/(x^2+x)", "(2x+1)/(x(x+1))", "1/x + 1/(x+1)",
                                "(2x+1)(x^2+x)^-1", "2x/(x²+x) + 1/(x²+x)", "(1+2x)/(x+x^2)"],
    ("power", "linear", 3, 2, 1): ["6(2x+1)^2", "6(2x+1)²", "24x^2+24x+6", "3(2x+1)^2*2",
                                   "6(4x²+4x+1)", "(2x+1)(12x+6)", "6*(2*x+1)**2"],
    ("sqrt", "exp"): ["e^x/(2√(e^x))", "√(e^x)/2", "e^(x/2)/2", "0.5e^(0.5x)",
                      "1/2 exp(x/2)", "(1/2)·e^(x/2)"],
    ("cos", "sin"): ["-sin(sin x) cos x", "-cos(x)sin(sin(x))", "−cos x·sin(sin x)",
                     "cos(x)*(-sin(sin(x)))", "-(sin(sin(x))*cos(x))", "sin(-sin(x))cos(x)"],
}
_NAMES = {("sin", "power"): ("n",), ("sigma", "linear"): ("a", "b"), ("ln", "quadratic"):
          ("a", "b"), ("power", "linear"): ("m", "a", "b")}


def _params(spec: tuple) -> dict:
    outer, inner, *numbers = spec
    return {"outer": outer, "inner": inner,
            **dict(zip(_NAMES.get((outer, inner), ()), numbers, strict=True))}


def test_at_least_thirty_equivalent_forms_of_five_derivatives():
    assert len(EQUIVALENT) >= 5
    assert sum(len(forms) for forms in EQUIVALENT.values()) >= 30


@pytest.mark.parametrize(("spec", "text"), [
    (spec, text) for spec, forms in EQUIVALENT.items() for text in forms])
def test_an_equivalent_form_is_right(spec, text):
    verdict = typed.grade(_params(spec), text)
    assert verdict == typed.Verdict(True, None, verdict.feedback)


@pytest.mark.parametrize("spec", list(EQUIVALENT))
def test_a_near_miss_of_the_same_shape_is_wrong(spec):
    params = _params(spec)
    answer = typed.build(params).answer
    for wrong in (f"1.001*({answer})", f"{answer} + 0.001", f"({answer})*x/x*1.01"):
        assert not typed.grade(params, wrong).correct


def test_every_reference_is_what_sympy_differentiates_from_the_tree():
    for params in typed.all_params():
        derivative = sympy.diff(to_sympy(typed_family.function(params)), X)
        assert typed.grade(params, reading(from_sympy(derivative))).correct, params


def test_every_slip_is_named_on_at_least_ten_variants_and_never_confused():
    named = Counter()
    for params in typed.all_params():
        for slug, tree in typed_family.slips(params).items():
            verdict = typed.grade(params, reading(tree))
            assert (verdict.correct, verdict.misconception) == (False, slug), (params, slug)
            assert verdict.feedback == FEEDBACK[slug]
            named[slug] += 1
    assert set(named) == set(typed.SLUGS)
    assert min(named.values()) >= 10, named


def test_a_slip_typed_another_way_is_still_named():
    params = {"outer": "sin", "inner": "quadratic", "a": 3, "b": 2}
    for text, slug in [("cos(3x²+2x)", "forgot-inner"), ("(6x+2)cos x", "outer-at-x"),
                       ("6x+2", "inner-only"), ("(6x+2)·sin(3x^2+2x)",
                                                "outer-not-differentiated"),
                       ("cos(6x+2)", "derivative-of-derivative"),
                       ("cos x·(3x²+2x) + sin x·(6x+2)", "product-rule"),
                       ("-(6x+2)cos(3x^2+2x)", "sign")]:
        assert typed.grade(params, text).misconception == slug, text
    power = {"outer": "power", "inner": "linear", "m": 3, "a": 2, "b": 1}
    assert typed.grade(power, "6(2x+1)^3").misconception == "power-not-lowered"
    assert typed.grade(power, "3(2x+1)^2").misconception == "forgot-inner"


def test_a_wrong_answer_that_is_no_slip_is_named_none():
    params = {"outer": "sin", "inner": "quadratic", "a": 3, "b": 2}
    verdict = typed.grade(params, "x^7")
    assert (verdict.correct, verdict.misconception) == (False, None)


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&#x2061;", "").replace("&#x2062;", "")


def _attempt(params: dict, text: str) -> bool:
    try:
        return typed.grade(params, text).correct
    except typed.Unreadable:
        return False


def test_no_hint_typed_as_written_grades_right():
    for params in typed.all_params():
        question = typed.build(params)
        for hint in question.hints:
            assert not _attempt(params, _plain(hint)), (params, hint)
            for formula in re.findall(r"<math.*?</math>", hint):
                text = _plain(formula)
                for side in [text, *text.split("=")]:
                    assert not _attempt(params, side), (params, side)
        for piece in (question.inner, question.outer, question.function):
            assert not _attempt(params, piece), (params, piece)


def test_no_hint_and_no_feedback_contains_the_answer():
    for params in typed.all_params():
        question = typed.build(params)
        shown = [*question.hints, question.prompt_html]
        feedback = [typed.grade(params, reading(tree)).feedback
                    for tree in typed_family.slips(params).values()]
        feedback.append(typed.grade(params, "x^7").feedback)
        for text in [*shown, *feedback]:
            assert question.answer not in text
            assert question.answer not in _plain(text)
        for text in feedback:
            assert "<" not in text and question.inner not in text


def test_the_worked_solution_ends_at_the_answer_and_names_every_step():
    for params in typed.all_params()[::17]:
        question = typed.build(params)
        steps = re.findall(r"<li>(.*?)</li>", question.solution_html)
        assert len(steps) == 5
        assert "Name the inner function" in steps[0]
        assert "Evaluate it at the inner function" in steps[3]
        last = re.findall(r"<mo>=</mo>", steps[4])
        assert len(last) == 3


def test_a_variant_handed_out_has_no_two_slips_alike():
    for params in typed.all_params():
        assert typed_family.distinguishable(params)
        assert not typed_family.degenerate(params)


def test_every_text_shown_is_well_formed_markup_with_its_maths_in_mathml():
    for params in typed.all_params():
        question = typed.build(params)
        for html in (question.prompt_html, *question.hints, question.solution_html):
            root = ET.fromstring(html)
            assert root.iter("{http://www.w3.org/1998/Math/MathML}math")
        assert question.prompt_speech.startswith("y equals ")


def _shifted(function: str, by: str) -> str:
    return "(" + re.sub(r"\bx\b", f"(x{by})", function) + ")"


def test_a_difference_quotient_is_close_but_not_the_derivative():
    """A difference quotient of y with a small step agrees with dy/dx to far better than
    the float check's tolerance, yet is not the derivative: refused, and said to be an
    approximation, for every variant where it is not an identity (a central difference is
    exactly the derivative of a square of a linear function)."""
    refused = 0
    for params in typed.all_params():
        question = typed.build(params)
        for h in ("0.001", "0.00001", "0.0000001"):
            central = (f"({_shifted(question.function, '+' + h)} - "
                       f"{_shifted(question.function, '-' + h)})/(2*{h})")
            forward = f"({_shifted(question.function, '+' + h)} - ({question.function}))/{h}"
            for text in (central, forward):
                verdict = typed.grade(params, text)
                exact = text is central and re.fullmatch(r"\(\d\*x [+-] \d\)\^2",
                                                         question.function)
                assert verdict.correct == bool(exact), (question.function, text)
                if verdict.feedback == typed.typed_text.APPROXIMATE:
                    refused += 1
    assert refused > 1000  # most refusals name the approximation (the rest: not close)


def test_a_right_answer_padded_with_a_runaway_term_is_not_right():
    """Terms that vanish in floating point only by overflowing (1/e^(e^(e^(e^x)))) or that
    no real arithmetic can carry are not the derivative's; each is judged at once."""
    params = _params(("cos", "sin"))
    answer = typed.build(params).answer
    for extra in ("0*exp(exp(exp(exp(exp(x)))))", "sin(10^300*x)*0", "1/(x^(x^(x^x)))*0"):
        assert not typed.grade(params, f"{answer} + {extra}").correct
