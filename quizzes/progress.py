"""A reader's progress: per attempted question, their last answer graded again, and a summary.

The page fills its checkpoint from this, and ``GET /api/progress`` returns it. Feedback and
explanation come from grading the stored answer with the current bank, so a corrected bank
text reaches readers who answered before the correction.
"""

from __future__ import annotations

from flask import current_app, session

from quizzes.bank import Question, default_bank
from quizzes.grading import Grade, InvalidAnswer, grade, stored_response
from quizzes.store import StoreUnavailable
from web import reader

NOT_SAVED = "Your answer was graded, but your progress was not saved. Try again later."
NOT_LOADED = "Your saved progress could not be loaded just now; answers are still graded."


def grade_dict(question: Question, result: Grade) -> dict:
    data = {"question": question.id, "correct": result.correct, "score": round(result.score, 4),
            "feedback": str(result.feedback), "explanation": str(result.explanation),
            "misconception": result.misconception,
            "misconception_label": default_bank().misconceptions.get(result.misconception or ""),
            "answer": result.answer}
    if result.in_place is not None:
        data["in_place"] = list(result.in_place)
    if result.receipt is not None:
        data["receipt"] = result.receipt.as_dict()
        data["near"] = result.near
    return data


def reader_state(learner: str | None = None) -> dict | None:
    """What this reader has done: per attempted question its last answer, grade, feedback
    and explanation, and attempt count; a summary. None for a reader with no learner id."""
    learner = learner or reader.learner()
    if learner is None:
        return None
    bank = default_bank()
    questions: dict[str, dict] = {}
    notice = None
    try:
        progress = current_app.extensions["checkpoint_store"].learner_progress(learner)
    except StoreUnavailable:
        progress, notice = {}, NOT_LOADED
    for qid, record in progress.items():
        question = bank.questions.get(qid)
        try:
            result = grade(question, stored_response(question, record.last.answer))
        except (InvalidAnswer, AttributeError, KeyError):
            continue  # an answer the current bank no longer has; nothing to show for it
        questions[qid] = {**grade_dict(question, result), "attempts": record.attempts}
    pending = session.get("unsaved")
    if pending and pending.get("q") in bank.questions and pending["q"] not in questions:
        question = bank.questions[pending["q"]]
        try:
            result = grade(question, stored_response(question, pending["a"]))
            questions[question.id] = {**grade_dict(question, result), "attempts": None}
            notice = NOT_SAVED
        except InvalidAnswer:
            pass
    correct = sum(1 for q in questions.values() if q["correct"])
    return {"questions": questions, "csrf": reader.current_csrf(), "notice": notice,
            "summary": {"correct": correct, "attempted": len(questions),
                        "total": len(bank.questions)}}
