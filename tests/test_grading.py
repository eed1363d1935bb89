"""Grading as tables: each answer → score, the misconception it names, and its feedback."""

from __future__ import annotations

import re

import pytest

from quizzes.bank import default_bank
from quizzes.grading import InvalidAnswer, grade_answer, grade_practice, stored_response
from quizzes.variants import build

BANK = default_bank()


def text_of(markup) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", str(markup)).split())


@pytest.mark.parametrize(("qid", "answer", "score", "misconception", "says"), [
    ("q1", "4e4", 1.0, None, "Yes"),
    ("q1", "e4", 0.0, "forgot-inner-derivative", "inner derivative"),
    ("q1", "4e2", 0.0, "outer-at-x", "at the inner function"),
    ("q1", "2e4", 0.0, "inner-derivative-constant", "not"),
    ("q1", "e4-2x", 0.0, "left-unevaluated", "asks for a number"),
    ("q2", "false", 1.0, None, "in reverse"),
    ("q2", "true", 0.0, "forward-order", "starts at the loss"),
    ("q3", "1e-10", 1.0, None, "ten factors"),
    ("q3", "1", 0.0, "added-instead-of-multiplied", "adds"),
    ("q3", "0.1", 0.0, "no-compounding", "compound"),
    ("q3", "1e-9", 0.0, "off-by-one-layer", "one factor short"),
    ("q3", "1e10", 0.0, "inverted-derivative", "divides"),
    ("q4", ["b", "a", "d", "c"], 1.0, None, "Every step is in place"),
    ("q4", ["b", "a", "c", "d"], 5 / 6, "forward-order", "your order keeps 5."),
    ("q4", ["a", "b", "d", "c"], 5 / 6, "backward-before-forward", "forward pass comes first"),
    ("q4", ["b", "d", "a", "c"], 5 / 6, "loss-not-first", "starts at the loss"),
    ("q4", ["c", "d", "a", "b"], 0.0, "backward-before-forward", "your order keeps none"),
])
def test_each_answer_gets_its_score_misconception_and_feedback(qid, answer, score,
                                                                misconception, says):
    grade = grade_answer(BANK.questions[qid], answer)
    assert grade.score == pytest.approx(score)
    assert grade.correct is (score == 1.0)
    assert grade.misconception == misconception
    assert says in text_of(grade.feedback)
    assert text_of(grade.explanation).strip()


def test_two_steps_swapped_say_how_much_of_the_order_holds_and_what_breaks():
    grade = grade_answer(BANK.questions["q4"], ["b", "a", "c", "d"])
    assert 0 < grade.score < 1
    assert grade.in_place == (1, 2)
    feedback = text_of(grade.feedback)
    assert "your order keeps 5." in feedback  # 5 of 6: the score, 0.833, in words
    assert "multiplies outer derivatives first" in feedback


@pytest.mark.parametrize(("qid", "answer", "message"), [
    ("q1", "218.4", "No such choice for q1. Choose one of: e4, 4e2, 4e4, 2e4, e4-2x."),
    ("q1", 4, "No such choice"),
    ("q1", None, "No such choice"),
    ("q2", "False", "No such choice"),
    ("q4", ["b", "a", "d"], "That is not the set of steps"),
    ("q4", ["b", "a", "d", "d"], "That is not the set of steps"),
    ("q4", ["b", "a", "d", "c", "e"], "That is not the set of steps"),
    ("q4", "b,a,d,c", "must be a list of step ids"),
    ("q4", ["b", "a", "d", 4], "must be a list of step ids"),
])
def test_malformed_answers_are_refused_with_what_is_expected(qid, answer, message):
    with pytest.raises(InvalidAnswer) as error:
        grade_answer(BANK.questions[qid], answer)
    assert message in error.value.message
    assert error.value.field == "answer"


def _examples():
    for question in BANK.questions.values():
        for n, example in enumerate(question.examples):
            yield pytest.param(question.id, example, id=f"{question.id}-example-{n}")
        if question.practice:
            for n, example in enumerate(question.practice.examples):
                yield pytest.param(question.id, example, id=f"{question.id}-practice-{n}")


@pytest.mark.parametrize(("qid", "example"), list(_examples()))
def test_every_example_submission_in_the_bank_grades_as_it_says(qid, example):
    question = BANK.questions[qid]

    def run():
        if example.params is not None:
            variant = build(qid, question.practice.generator, example.params)
            return grade_practice(question, variant, example.answer)
        return grade_answer(question, example.answer)

    if example.invalid:
        with pytest.raises(InvalidAnswer) as error:
            run()
        assert example.invalid in error.value.message
        return
    grade = run()
    assert grade.score == pytest.approx(example.score, abs=1e-3)
    assert grade.misconception == example.misconception
    assert grade.near is example.near


def test_every_question_ships_a_correct_and_a_wrong_example():
    for question in BANK.questions.values():
        scores = {e.score for e in question.examples if not e.invalid}
        assert {0.0, 1.0} <= scores, question.id
        assert any(e.invalid for e in question.examples), question.id


@pytest.mark.parametrize("qid", ["q1", "q2", "q3", "q4"])
def test_a_stored_answer_regrades_to_the_same_grade(qid):
    question = BANK.questions[qid]
    example = next(e for e in question.examples if not e.invalid and e.score < 1)
    grade = grade_answer(question, example.answer)
    assert grade_answer(question, example.answer) == grade
    again = stored_response(question, grade.answer)
    assert grade_answer(question, list(again) if isinstance(again, tuple) else again) == grade


def test_every_wrong_choice_names_a_listed_misconception_and_has_its_own_feedback():
    for question in BANK.questions.values():
        feedbacks = [str(c.feedback_html) for c in question.choices]
        assert len(set(feedbacks)) == len(feedbacks)
        for choice in question.choices:
            if choice.id != question.key:
                assert choice.misconception in BANK.misconceptions


@pytest.mark.parametrize(("change", "reason"), [
    (('misconception = "outer-at-x"', 'misconception = "outer-at-y"'),
     "misconception 'outer-at-y' is not listed"),
    (('key = "4e4"', 'key = "4e5"'), "key '4e5' is not one of its choices"),
    (('key = ["b", "a", "d", "c"]', 'key = ["b", "a", "d"]'), "every step id exactly once"),
    (('generator = "depth"', 'generator = "width"'), "unknown generator 'width'"),
    (('kind = "truefalse"', 'kind = "essay"'), "unknown kind 'essay'"),
    (("its way back:\n${=d=}", "its way back:\n${=dd=}"),
     "practice explanation: unknown value"),
    (("  off-by-one-layer = '", "  off-by-one-layr = '"),
     "feedback for unknown misconception 'off-by-one-layr'"),
])
def test_a_broken_bank_stops_start_up_naming_file_line_and_reason(tmp_path, change, reason):
    from chapter.render import ContentError
    from quizzes.bank import load_bank

    broken = tmp_path / "checkpoint.toml"
    broken.write_text(BANK.path.read_text(encoding="utf-8").replace(*change, 1),
                      encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_bank(broken)
    assert reason in str(error.value)
    assert error.value.path == str(broken) and error.value.line > 1
