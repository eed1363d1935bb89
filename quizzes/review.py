"""What is due for spaced review, for the page and ``GET /api/review``: each due question with
what to answer it with (a fresh practice variant for q1 and q3, the question itself for q2
and q4), and what comes later. The routes are in review_routes.py."""

from __future__ import annotations

from flask import current_app

from quizzes.bank import default_bank
from quizzes.grading import practice_prompt
from quizzes.variants import new_variant
from store import review as review_store

LAST = "review_result"  # the no-JS form's last review result, for the page


def due_items(learner: str | None) -> dict:
    """What is due now (each with what to answer it with) and what comes later."""
    if learner is None:
        return {"due": [], "upcoming": []}
    bank = default_bank()
    store = current_app.extensions["store"]
    now = store.now()
    due, upcoming = [], []
    for qid, (step, at) in sorted(review_store.items(store, learner).items()):
        question = bank.questions.get(qid)
        if question is None:
            continue
        label = f"Question {question.number}"
        if at > now:
            upcoming.append({"question": qid, "label": label, "due": at.isoformat()})
            continue
        item = {"question": qid, "label": label, "practice": question.practice is not None,
                "step": step}
        if question.practice is not None:
            variant = new_variant(qid, question.practice.generator)
            item.update(token=current_app.extensions["checkpoint_signer"].dumps(variant),
                        prompt=str(practice_prompt(question, variant)),
                        format=question.practice.format)
        due.append(item)
    return {"due": due, "upcoming": upcoming}
