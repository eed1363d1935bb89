"""The typed-derivative question's façade (quizzes/typed.py): what the routes rely on."""

from __future__ import annotations

import json
import random

import pytest

from quizzes import typed


def test_every_variant_builds_and_its_answer_grades_right():
    variants = typed.all_params()
    assert len(variants) > 300
    for params in variants:
        json.dumps(params)
        question = typed.build(params)
        assert question.params == params
        assert len(question.hints) == 3
        assert typed.grade(params, question.answer).correct, params


def test_random_params_are_handed_out_variants_of_many_kinds():
    rng = random.Random(7)
    drawn = [typed.random_params(rng) for _ in range(200)]
    handed_out = typed.all_params()
    assert all(params in handed_out for params in drawn)
    assert len({p["outer"] for p in drawn}) == 7
    assert len({p["inner"] for p in drawn}) == 6


@pytest.mark.parametrize("params", [
    {}, {"outer": "sin"}, {"outer": "sin", "inner": "linear", "a": 2, "b": 99},
    {"outer": "sin", "inner": "linear", "a": 2.0, "b": 1},
    {"outer": "sin", "inner": "linear", "a": True, "b": 1},
    {"outer": "sin", "inner": "linear", "a": 2, "b": 1, "extra": 1},
    {"outer": "exp", "inner": "ln"}, "sin", None, [],
])
def test_parameters_not_handed_out_are_refused(params):
    with pytest.raises(ValueError):
        typed.build(params)
    with pytest.raises(ValueError):
        typed.grade(params, "x")


def test_an_unreadable_answer_raises_with_a_message_and_a_place():
    params = typed.all_params()[0]
    with pytest.raises(typed.Unreadable) as raised:
        typed.grade(params, "ln*x")
    assert "ln(x)" in raised.value.message
    assert raised.value.position == 2


def test_preview_reads_function_application_as_of():
    shown = typed.preview("2x cos(x^2)")
    assert shown["reading"] == "2*x*cos(x^2)"
    assert "cosine of" in shown["speech"]
    assert shown["mathml"].startswith("<math")


def test_checking_parameters_agrees_with_the_list_handed_out():
    from quizzes import typed_family
    listed = typed.all_params()
    for outer in typed_family.OUTER_KINDS:
        for inner in typed_family.INNER_KINDS:
            for o in typed_family._choices("outer", outer):
                for i in typed_family._choices("inner", inner):
                    params = {"outer": outer, "inner": inner, **o, **i}
                    assert typed_family.is_handed_out(params) == (params in listed)


def test_every_slug_has_feedback_and_a_label_and_nothing_else_does():
    from quizzes.typed_text import FEEDBACK
    assert set(typed.SLUGS) == set(FEEDBACK) == set(typed.SLIP_LABELS)
    assert typed.SLUGS == ("forgot-inner", "outer-at-x", "inner-only",
                           "outer-not-differentiated", "derivative-of-derivative",
                           "product-rule", "power-not-lowered", "sign")


def test_no_typed_module_evaluates_text():
    """The grammar builds trees; nothing calls eval, exec, compile, or SymPy's text readers
    (sympify, parse_expr, lambdify, which evaluates generated code)."""
    import ast
    from pathlib import Path

    forbidden = {"eval", "exec", "compile", "sympify", "parse_expr", "lambdify", "S",
                 "__import__"}
    root = Path(__file__).resolve().parent.parent / "quizzes"
    for name in ("typed", "typed_family", "typed_text", "expressions", "expression_tokens",
                 "expression_write", "expression_sympy"):
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            called = node.func if isinstance(node, ast.Call) else None
            label = getattr(called, "id", None) or getattr(called, "attr", None)
            owner = getattr(getattr(called, "value", None), "id", None)
            assert label not in forbidden or owner == "re", f"{name}.py calls {label}"
            if isinstance(node, ast.ImportFrom):
                assert not {a.name for a in node.names} & forbidden, name
