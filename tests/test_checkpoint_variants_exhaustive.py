"""Every practice variant the generators can hand out, checked one by one: no modelled slip
is graded correct, and no variant is a base question (its receipt would give the key away)."""

from __future__ import annotations

import pytest

from chapter.calculus import inner_function, outer_function
from quizzes import variants
from quizzes.bank import default_bank
from quizzes.grading import accepted_interval, grade_practice

BANK = default_bank()
QUESTIONS = {"composition": BANK.questions["q1"], "depth": BANK.questions["q3"]}


def handed_out(generator: str) -> list[variants.Variant]:
    qid = QUESTIONS[generator].id
    built = [variants.build(qid, generator, p) for p in variants.all_params(generator)]
    return [v for v in built if variants.handed_out(v)]


def independent_slips(v: variants.Variant) -> list[float]:
    """The slips the brief names, computed here from the parameters, not from variants.py."""
    p = v.params
    if v.generator == "depth":
        n, d = p["depth"], p["d"]
        return [n * d, d, d ** (n - 1), d ** (n + 1), (1 / d) ** n, (1 / d) ** (n - 1),
                (1 / d) ** (n + 1), 1 / d ** n]
    g, g1 = inner_function(p["inner"], p["a"], p["x"])
    f_at = lambda u: outer_function(p["outer"], p["b"], u)  # noqa: E731
    slips = [f_at(g)[1] * g, f_at(g1)[1] * g1, f_at(p["x"])[1] * g1, f_at(g)[1],
             f_at(p["x"])[1], -v.reference, f_at(g)[1] + g1, g1]
    if p["outer"] != "exp":  # for eᵘ, f = f′: using the function is using the derivative
        slips += [f_at(g)[0], f_at(g)[0] * g1]  # f(g(x)), and f(g(x))·g′(x)
    if p["outer"] == "pow":  # the power rule without lowering the exponent: b·uᵇ
        slips.append(p["b"] * g ** p["b"] * g1)
    if p["inner"] == "pow":
        slips += [f_at(g)[1] * p["a"], f_at(g)[1] * p["a"] * p["x"] ** p["a"]]
    return slips


@pytest.mark.parametrize("generator", ["composition", "depth"])
def test_no_modelled_slip_of_any_handed_out_variant_is_graded_correct(generator):
    question = QUESTIONS[generator]
    pool = handed_out(generator)
    checked = 0
    for v in pool:
        low, high = accepted_interval(v.reference, question.practice.tolerance)
        for slip in independent_slips(v) + [value for _, value in v.slips]:
            assert not low <= slip <= high, (v.params, slip)
            assert not grade_practice(question, v, repr(slip)).correct, (v.params, slip)
            checked += 1
        assert grade_practice(question, v, repr(v.reference)).correct
    assert checked > 10 * len(pool)


@pytest.mark.parametrize("generator", ["composition", "depth"])
def test_no_handed_out_variant_is_a_base_question_or_shares_its_key(generator):
    base = variants.build(QUESTIONS[generator].id, generator, variants.BASE_PARAMS[generator])
    low, high = accepted_interval(base.reference, QUESTIONS[generator].practice.tolerance)
    for v in handed_out(generator):
        assert v.params != variants.BASE_PARAMS[generator]
        assert not low <= v.reference <= high, v.params


def test_the_pools_are_large_and_q1_always_separates_the_inner_value_from_its_derivative():
    q1, q3 = handed_out("composition"), handed_out("depth")
    assert len(q1) >= 100 and len(q3) >= 150
    assert {v.params["outer"] for v in q1} == set(variants.OUTER)
    assert {v.params["inner"] for v in q1} == set(variants.INNER)
    for v in q1:
        g, g1 = inner_function(v.params["inner"], v.params["a"], v.params["x"])
        assert abs(g - g1) > 0.1 * max(abs(g), abs(g1)), v.params
    # the multiply-by-g(x) slip of the issue is refused: x² at 2 and 4x at 1 never come out
    assert all(v.params not in ({**variants.BASE_PARAMS["composition"]},
                                {"inner": "lin", "a": 4, "outer": "exp", "b": 0, "x": 1.0})
               for v in q1)


def test_q3_practice_reaches_the_chapters_scale_of_vanishing():
    smallest = min(v.reference for v in handed_out("depth"))
    assert 1e-13 < smallest < 1e-11


@pytest.mark.parametrize("generator", ["composition", "depth"])
def test_no_slip_is_the_key_and_slips_that_coincide_are_all_named(generator):
    """Every parameter set handed out: no modelled slip lies within the grading tolerance of
    the key, and two slips with different names either lie apart (no typed number matches
    both) or give the same number, which is then graded with both names in its feedback."""
    question = QUESTIONS[generator]
    tolerance = question.practice.tolerance
    coinciding = 0
    for v in handed_out(generator):
        for name, value in v.slips:
            assert abs(value - v.reference) > tolerance * abs(v.reference), (v.params, name)
        for i, (name_a, a) in enumerate(v.slips):
            for name_b, b in v.slips[i + 1:]:
                if name_a == name_b:
                    continue
                # a number within the tolerance of both: only when they are one number
                if abs(a - b) <= tolerance * (abs(a) + abs(b)):
                    ids = grade_practice(question, v, repr(a)).feedback_ids
                    assert {f"practice:{name_a}", f"practice:{name_b}"} <= set(ids), (
                        v.params, name_a, name_b, ids)
                    coinciding += 1
    if generator == "composition":
        assert coinciding > 0  # the rule is exercised: x·e^u-style pairs do occur


def test_the_wrong_methods_once_graded_correct_are_named_in_every_set_that_had_them():
    """f(g(x))·g′(x) for f = uᵇ at u = b, and b·uᵇ·g′(x) at u = ±1: each set where one of
    them met the key is no longer handed out, and elsewhere each is graded by its name."""
    question = QUESTIONS["composition"]
    met_the_key = 0
    for p in variants.all_params("composition"):
        v = variants.build(question.id, "composition", p)
        if p["outer"] != "pow":
            continue
        g, g1 = inner_function(p["inner"], p["a"], p["x"])
        methods = {"outer-not-differentiated": g ** p["b"] * g1,
                   "power-not-lowered": p["b"] * g ** p["b"] * g1}
        for name, value in methods.items():
            if abs(value - v.reference) <= question.practice.tolerance * abs(v.reference):
                met_the_key += 1
                assert not variants.handed_out(v), (p, name)
            elif variants.handed_out(v):
                grade = grade_practice(question, v, repr(value))
                assert not grade.correct and f"practice:{name}" in grade.feedback_ids, (p, name)
    assert met_the_key >= 8
