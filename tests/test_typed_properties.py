"""Properties of typed-derivative grading over the whole family and the whole grammar
(hypothesis): the reference typed three ways is right, each slip is named, a reading reads
back to the same values, and no input costs more than 50 ms of CPU or raises anything but
``Unreadable``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes import typed, typed_family
from quizzes.expression_sympy import X, from_sympy, to_sympy
from quizzes.expression_write import evaluate, reading, speech
from quizzes.expressions import parse
from tests.apps import own_cpu

CPU_BUDGET_S = 0.05
VARIANTS = typed.all_params()
SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def handwritten(text: str) -> str:
    """The same expression as a person might type it: · for *, √, superscript squares and
    cubes, typographic minus signs."""
    text = re.sub(r"\^([23])(?![\d.])", lambda m: "²³"[int(m.group(1)) - 2], text)
    return text.replace("*", "·").replace("sqrt(", "√(").replace("-", "−")


@SETTINGS
@given(st.sampled_from(VARIANTS))
def test_the_reference_typed_three_ways_is_right_and_each_slip_is_named(params):
    derivative = sympy.diff(to_sympy(typed_family.function(params)), X)
    forms = [typed.build(params).answer,
             reading(from_sympy(sympy.expand(derivative))),
             handwritten(reading(from_sympy(sympy.factor(derivative))))]
    for text in forms:
        assert typed.grade(params, text).correct, (params, text)
    for slug, tree in typed_family.slips(params).items():
        for text in (reading(tree), handwritten(reading(tree))):
            verdict = typed.grade(params, text)
            assert (verdict.correct, verdict.misconception) == (False, slug), (params, text)


def _trees(depth: int):
    leaves = st.one_of(st.just(("x",)), st.just(("e",)), st.just(("pi",)),
                       st.integers(0, 12).map(lambda n: ("num", float(n))),
                       st.sampled_from([0.5, 1.5, 2.25]).map(lambda v: ("num", v)))
    if depth == 0:
        return leaves
    smaller = _trees(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(st.sampled_from(["add", "sub", "mul", "div", "pow"]), smaller, smaller),
        st.tuples(st.just("neg"), smaller),
        st.tuples(st.just("fn"), st.sampled_from(["sin", "cos", "tan", "exp", "ln", "sqrt",
                                                  "sigma"]), smaller))


@SETTINGS
@given(_trees(4))
def test_a_reading_reads_back_to_the_same_values(tree):
    text = reading(tree)
    again = parse(text)
    assert reading(again) == text
    points = np.linspace(0.2, 2.9, 7)
    with np.errstate(all="ignore"):
        first, second = evaluate(tree, points), evaluate(again, points)
    assert np.allclose(first, second, rtol=1e-9, equal_nan=True)
    words = speech(tree)
    assert words and "(" not in words
    if tree[0] == "fn":
        assert " of " in words


PIECES = ["x", "2", "0.5", "12", "e", "pi", "π", "+", "-", "−", "*", "/", "^", "**", "·",
          "(", ")", " ", "sin", "cos", "tan", "ln", "log", "exp", "sqrt", "√", "sigma", "σ",
          "²", "⁻ˣ", "e^", "x^", "[", "]", "1e6", "9^9^9", "sin^2", ",", "=", "y", "u", "ab",
          "((", "))", "'"]


def _timed_grade(params: dict, text: str) -> float:
    with own_cpu() as took:  # the grader's own CPU: not the machine's or the process's
        try:
            verdict = typed.grade(params, text)
            assert isinstance(verdict, typed.Verdict)
        except typed.Unreadable as refused:
            assert refused.message and 0 <= refused.position <= len(text)
    return took[0]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(VARIANTS),
       st.one_of(st.lists(st.sampled_from(PIECES), max_size=90).map("".join),
                 st.text(max_size=260)))
def test_no_input_costs_over_fifty_ms_or_raises_anything_but_unreadable(params, text):
    typed.grade(params, "x")  # the variant's points, computed once per process
    assert _timed_grade(params, text) <= CPU_BUDGET_S
    try:
        shown = typed.preview(text)
    except typed.Unreadable:
        return
    assert typed.preview(shown["reading"])["reading"] == shown["reading"]
    assert shown["speech"] and "(" not in shown["speech"]
    ET.fromstring(shown["mathml"])


def test_the_hardest_inputs_within_the_limits_stay_within_budget():
    params = VARIANTS[0]
    typed.grade(params, "x")
    hardest = [
        "(" * 20 + "x" + ")" * 20,
        "sin(" * 19 + "x" + ")" * 19,
        "x^" * 19 + "x",
        "9^9^9^9^9^9^9^9^9^9",
        "+".join(["sigma(x)^2*sin(x)"] * 11),
        "-" * 20 + "x",
        "sin " * 19 + "x",
        "√" * 19 + "x",
        "x" * 200,
        "999999*" * 28 + "9",
        "e^" * 19 + "x",
        "(((((((((((((((((((" + "x" * 150 + ")))))))))))))))))))",
    ]
    for text in hardest:
        assert len(text) <= 200, text
        assert _timed_grade(params, text) <= CPU_BUDGET_S, text


def test_limits_are_refused_before_anything_is_evaluated(monkeypatch):
    def no_evaluation(*_):
        raise AssertionError("evaluated")

    monkeypatch.setattr(typed, "evaluate", no_evaluation)
    params = VARIANTS[0]
    for text in ["x+" * 100 + "x", "(" * 21 + "x" + ")" * 21, "2e99*x", "1234567*x",
                 "-" * 21 + "x", "sin(" * 21 + "x" + ")" * 21, "x^" * 21 + "x"]:
        try:
            typed.grade(params, text)
        except typed.Unreadable:
            continue
        raise AssertionError(f"{text!r} was not refused")
