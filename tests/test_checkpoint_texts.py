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
    assert "0.9^7" in error.value.message and "12.7" not in error.value.message
    assert "0.3^12" not in error.value.message  # the example is never a variant's key


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


NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def test_the_intro_states_the_policy_in_the_words_of_the_buttons(client):
    """The page says what counts as first try, that hints are recorded, what a shown answer
    scores and when the explanation comes (the bank's number of tries), beside buttons named
    Check, Hint and "Show answer (counts as revealed)"."""
    page = client.get("/").get_data(as_text=True)
    start = page.index('id="checkpoint"')
    intro = text_of(page[start:page.index("data-checkpoint", start)])
    assert "reveal it" not in intro and "Reveal" not in intro
    for says in ("press Check", "Right first try", "no hint taken and no answer shown",
                 "Hints are recorded", "counts as revealed", "scores 0"):
        assert says in intro, says
    tries = re.search(r"after (\w+) tries", intro).group(1)
    assert {q.reveal_after for q in BANK.questions.values()} == {NUMBER_WORDS[tries]}
    buttons = re.findall(r'<button type="submit"[^>]*data-role="(\w+)"[^>]*>(.*?)</button>', page)
    labels = {(role, text_of(label)) for role, label in buttons}
    assert {("submit", "Check"), ("hint", "Hint"),
            ("reveal", "Show answer (counts as revealed)")} <= labels
    assert not any(label in ("Reveal", "Show me the answer") for _, label in labels)
