"""Hints and "Show answer" over HTTP: the JSON API and the no-JS form posts.

    POST /api/checkpoint/<qid>/hint     JSON {} or {"token": …} → {"hint", "index", "last", …}
    POST /api/checkpoint/<qid>/reveal   JSON {} or {"token": …} → {"explanation", …}
    POST /checkpoint/<qid>/hint         the page's Hint button, without JavaScript → 303
    POST /checkpoint/<qid>/reveal       its Show answer button → 303

Each hint is a step closer (which functions are inner and outer; their derivatives where each
stage sees its input; the product). Hints are stored as help, never as attempts; a reveal is
stored once. A hint or a reveal on the question itself that cannot be recorded is not
shown (503): a right answer after it would otherwise count as unaided. Cross-site requests
are refused before these run (web/csrf.py).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from chapter.format import minus, plain_number
from quizzes.bank import Question, default_bank
from quizzes.grading import (
    accepted_interval,
    hint_html,
    hint_sources,
    solution_html,
    variant_explanation_html,
)
from quizzes.shared import (
    MAX_BODY,
    app_store,
    expired_form,
    json_body,
    question_for,
    reader_extras,
    refusal,
    review_token_for,
    variant_for,
)
from store import StoreUnavailable
from store import help as help_store
from store import review as review_store
from web import csrf, reader, security

bp = Blueprint("checkpoint_help", __name__)
bp.register_error_handler(csrf.FormExpired, expired_form("try"))
NOT_RECORDED_HINT = ("Can't record a hint right now — try again in a minute. A hint is shown "
                     "only once taking it has been recorded.")
NOT_RECORDED = ("Can't record that right now — try again in a minute. The answer is shown "
                "only once showing it has been recorded.")


def _help_body() -> dict:
    return json_body("Send JSON with Content-Type: application/json: {} for the question, "
                     'or {"token": …} for a practice variant.',
                     'The body is not valid JSON. Send {} or {"token": "…"}.',
                     'Send a JSON object: {} for the question, or {"token": …} for a '
                     "practice variant.", empty_ok=True)


def _learner() -> str:
    learner = reader.ensure_learner()
    wait = security.answer_wait(learner, request.remote_addr)
    if wait:
        error = refusal(429, f"Too many requests at once. Wait {int(wait) + 1} seconds.",
                        "question")
        error.headers["Retry-After"] = str(int(wait) + 1)
        raise error
    return learner


def hint(question: Question, token: object) -> dict:
    """Take the next hint (the last one again once all are taken) and return it."""
    variant = variant_for(question, token)
    available = len(hint_sources(question, variant))
    learner = _learner()
    key = token if variant else None
    try:
        index = help_store.take_hint(app_store(), learner, question.id, key, available)
        saved = True
    except StoreUnavailable:
        # A hint the record never saw would leave a right answer clean: a question's, or a
        # practice item's (its state is its variant's). "Try another" on q1 and q3 counts
        # for nothing, so its hint is shown unsaved.
        if variant is None or question.id in default_bank().practice_items:
            raise refusal(503, NOT_RECORDED_HINT, "question") from None
        index, saved = 1, False
    return {"question": question.id, "hint": str(hint_html(question, variant, index)),
            "index": index, "last": index >= available, "saved": saved,
            "hints": [str(hint_html(question, variant, n)) for n in range(1, index + 1)],
            "csrf": reader.current_csrf()}


def _reference(question: Question, variant) -> dict:
    low, high = accepted_interval(variant.reference, question.practice.tolerance)
    return {"reference": variant.reference, "low": low, "high": high,
            "reference_text": minus(plain_number(variant.reference, 6)),
            "low_text": minus(plain_number(low, 4)), "high_text": minus(plain_number(high, 4))}


def reveal(question: Question, token: object) -> dict:
    """Record the reveal; return the explanation (a variant's with its reference value and
    worked solution). On a review question's token the review is given up: it counts as
    not known, and that token can no longer be answered (quizzes/review.py). A reveal that
    cannot be recorded is refused (503) and shows nothing: otherwise a right answer after it
    would count as clean."""
    review_item = review_token_for(question, token)
    variant = review_item.variant if review_item else variant_for(question, token)
    learner = _learner()
    if review_item is not None:
        _give_up_review(question, learner, review_item)
    try:
        key = token if variant else None
        help_store.record_reveal(app_store(), learner, question.id, key)
    except StoreUnavailable:  # an answer shown but not recorded would let a later one count
        raise refusal(503, NOT_RECORDED, "question") from None
    data: dict = {"saved": True, "question": question.id}
    if variant is None:
        data["explanation"] = str(question.explanation_html)
    else:
        values = tuple(sorted(variant.texts.items()))
        data.update(explanation=str(variant_explanation_html(question, variant)),
                    solution=str(solution_html(question, values)),
                    receipt=_reference(question, variant), variant=True)
    data["html"] = render_template("partials/explanation.html", s=data)
    reader_extras(data, learner, question)  # a practice item's state line turns "Revealed"
    data["csrf"] = reader.current_csrf()
    return data


def _give_up_review(question: Question, learner: str, item) -> None:
    """Spend a review token as revealed before its answer is shown: refused if it is spent
    already, and not shown at all if that cannot be recorded."""
    try:
        review_store.give_up(app_store(), learner, question.id, item.nonce)
    except review_store.TokenSpent:
        raise refusal(422, "This review question was answered or shown already; reload the "
                      "page to see what is due now.", "token") from None
    except StoreUnavailable:
        raise refusal(503, "Can't record that right now, so the answer is not shown. Try "
                      "again in a minute.") from None


def _json(data: dict):
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/checkpoint/<qid>/hint")
def api_hint(qid: str):
    question = question_for(qid)
    return _json(hint(question, _help_body().get("token")))


@bp.post("/api/checkpoint/<qid>/reveal")
def api_reveal(qid: str):
    question = question_for(qid)
    return _json(reveal(question, _help_body().get("token")))


@bp.post("/checkpoint/<qid>/hint")
@csrf.limit_body(MAX_BODY)
def form_hint(qid: str):
    question = question_for(qid)
    hint(question, None)
    return redirect(url_for("chapter.index", _anchor=f"{question.id}-help"), code=303)


@bp.post("/checkpoint/<qid>/reveal")
@csrf.limit_body(MAX_BODY)
def form_reveal(qid: str):
    question = question_for(qid)
    reveal(question, None)
    return redirect(url_for("chapter.index", _anchor=f"{question.id}-help"), code=303)

