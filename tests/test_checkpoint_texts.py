"""The checkpoint's sentences: from the bank, with its grammar, signs and examples."""

from __future__ import annotations

import re

import pytest

from quizzes.bank import default_bank
from quizzes.grading import InvalidAnswer, grade_answer, grade_practice
from quizzes.variants import build

BANK = default_bank()


def text_of(markup) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", str(markup)).split())


@pytest.mark.parametrize(("order", "says"), [
    (["b", "d", "c", "a"], "Of the 6 places where a step needs another one done before it, "
                           "your order keeps 4."),
    (["b", "a", "c", "d"], "your order keeps 5."),
    (["c", "d", "a", "b"], "your order keeps none: it runs the computation backwards."),
    (["d", "a", "c", "b"], "your order keeps 2."),
])
def test_the_placement_sentence_comes_from_the_bank_with_its_grammar(order, says):
    grade = grade_answer(BANK.questions["q4"], order)
    assert grade.feedback_ids[0].startswith("placement:")
    assert says in text_of(grade.feedback)
    for words in BANK.questions["q4"].placement.values():
        assert "{=" not in text_of(grade.feedback) and words


def test_grades_are_data_that_name_bank_texts():
    grade = grade_answer(BANK.questions["q1"], "e4")
    assert grade.feedback_ids == ("choice:e4",)
    assert grade.feedback == BANK.questions["q1"].choice_by_id["e4"].feedback_html


def test_q3_practice_asks_for_q3_style_numbers_when_the_input_is_unreadable():
    question = BANK.questions["q3"]
    variant = build("q3", "depth", {"depth": 12, "d": 0.3})
    with pytest.raises(InvalidAnswer) as error:
        grade_practice(question, variant, "tiny")
    assert "0.3^12" in error.value.message and "218.4" not in error.value.message


def test_one_factor_too_many_has_its_own_feedback():
    question = BANK.questions["q3"]
    variant = build("q3", "depth", {"depth": 12, "d": 0.3})
    grade = grade_practice(question, variant, "0.3^13")
    assert grade.misconception == "extra-layer"
    assert "one factor too many" in text_of(grade.feedback)


def test_receipts_use_the_minus_sign_and_exact_values_say_equals():
    question = BANK.questions["q1"]
    variant = build("q1", "composition", {"inner": "lin", "a": -2, "outer": "pow", "b": 3,
                                          "x": 1.5})
    receipt = grade_practice(question, variant, "1").receipt.as_dict()
    assert receipt["reference_text"].startswith("−") and "-" not in receipt["low_text"]
    explanation = str(grade_practice(question, variant, "1").explanation)
    assert "≈" not in text_of(explanation)  # every value of this variant is exact


def test_both_practice_prompts_state_the_precision_they_expect():
    for qid in ("q1", "q3"):
        assert "within 1 %" in BANK.questions[qid].practice.prompt
        assert BANK.questions[qid].practice.tolerance == 1e-2


def test_q1_says_which_4_is_which_and_q2_does_not_call_a_forward_order_impossible():
    q1 = text_of(BANK.questions["q1"].explanation_html)
    assert "coincidence" in q1 and "Try another" in q1
    q2 = BANK.questions["q2"]
    for fragment in (q2.explanation_html, q2.choice_by_id["true"].feedback_html):
        words = text_of(fragment)
        assert "cannot" not in words and "reuse" in words
