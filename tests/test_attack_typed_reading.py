"""How d1 reads a division written on one line, from a mathematician's side."""

from __future__ import annotations

import pytest

from quizzes import typed

SQRT_LINEAR = {"outer": "sqrt", "inner": "linear", "a": 3, "b": 1}  # y = √(3x + 1)


def test_a_run_on_denominator_is_asked_about_not_named_a_slip():
    """3/2√(3x+1) may mean 3/(2√(3x+1)) or (3/2)·√(3x+1): the reader is asked, with both
    readings, before anything is graded (not named a slip they did not make)."""
    with pytest.raises(typed.Unreadable) as asked:
        typed.grade(SQRT_LINEAR, "3/2√(3x+1)")
    assert "two ways" in asked.value.message and "3/(2" in asked.value.message
    assert typed.grade(SQRT_LINEAR, "3/(2√(3x+1))").correct


LN_SQUARE = {"outer": "ln", "inner": "power", "n": 2}  # y = ln(x²), defined for every x ≠ 0


@pytest.mark.parametrize(("params", "wrong"), [
    (LN_SQUARE, "2/sqrt(x^2)"),  # 2/|x|: right for x > 0 only; dy/dx = 2/x on both sides
    ({"outer": "ln", "inner": "power", "n": 4}, "4/√(x²)"),
    ({"outer": "ln", "inner": "linear", "a": 2, "b": 2}, "2/(2*sqrt(x^2) + 2)"),
])
def test_an_answer_right_on_one_side_of_the_domain_only_is_not_right(params, wrong):
    """The ten points that tell the slips apart can all lie where x > 0 (a slip such as the
    product rule's ln x needs it); a right answer must agree on the whole domain of y."""
    verdict = typed.grade(params, wrong)
    assert not verdict.correct


def test_every_reference_is_right_on_its_whole_sampled_domain():
    for params in typed.all_params():
        assert typed.grade(params, typed.build(params).answer).correct, params
