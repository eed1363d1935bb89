"""Spaced review over HTTP. After a right answer a question comes due for review after 1,
then 3, then 7 days (store/review.py); a wrong review starts again at a day.

    GET  /api/review          {"due": [{question, label, practice, prompt, token, format}],
                               "upcoming": [{question, label, due}]}
    POST /api/review/<qid>    JSON {"answer"[, "token"]} → the grade, "next_due"
    POST /review/<qid>        the page's review form, without JavaScript → 303 to /#review

q1 and q3 are reviewed with a fresh practice variant (its token signed as for "Try
another"); q2 and q4 ask the question itself again. A review answer is not an attempt: it
leaves the question's state alone, and is counted apart, for the dashboard's delayed-review
accuracy. A question that is not due is refused (409) and nothing is stored.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, session, url_for

from quizzes.bank import Question, default_bank
from quizzes.grading import InvalidAnswer, grade_answer, grade_practice
from quizzes.progress import grade_dict
from quizzes.review import LAST, due_items
from quizzes.shared import (
    MAX_BODY,
    app_store,
    expired_form,
    flood_check,
    form_order,
    json_body,
    question_for,
    refusal,
    variant_for,
)
from store import StoreUnavailable
from store import review as review_store
from web import csrf, reader

bp = Blueprint("review", __name__)
bp.register_error_handler(csrf.FormExpired, expired_form("answer"))


def _review(question: Question, answer: object, token: object) -> dict:
    variant = variant_for(question, token)
    if question.practice is not None and variant is None:
        raise refusal(422, f"Review {question.id} with the practice question GET /api/review "
                      'gives: send its "token" too.', "token")
    learner = reader.ensure_learner()
    store = app_store()
    if question.id not in review_store.due(store, learner):
        raise refusal(409, f"{question.id} is not due for review now.", "question")
    try:
        result = (grade_practice(question, variant, answer) if variant
                  else grade_answer(question, answer))
    except InvalidAnswer as exc:
        raise refusal(422, exc.message, exc.field) from None
    flood_check(learner)
    next_due = review_store.answer(store, learner, question.id, result.correct)
    return {**grade_dict(question, result, result.correct, None), "review": True,
            "next_due": next_due.isoformat() if next_due else None,
            "csrf": reader.current_csrf()}


@bp.get("/api/review")
def api_due():
    try:
        data = due_items(reader.learner())
    except StoreUnavailable:  # an empty list and a notice, not an error: the page still works
        data = {"due": [], "upcoming": [], "notice": "Reviews cannot be loaded just now."}
    response = jsonify(data)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/api/review/<qid>")
def api_answer(qid: str):
    question = question_for(qid)
    body = json_body("Send the answer as JSON with Content-Type: application/json.",
                     'The body is not valid JSON. Send {"answer": …}.',
                     'Send a JSON object with an "answer".', required="answer")
    response = jsonify(_review(question, body["answer"], body.get("token")))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/review/<qid>")
@csrf.limit_body(MAX_BODY)
@csrf.token_always  # a review is answered only by a reader with a session and a due item
def form_answer(qid: str):
    question = question_for(qid)
    answer = form_order(question) if question.kind == "ordering" else (
        request.form.get("answer"))
    if answer is None:
        raise refusal(422, "Give an answer, then press Check.", "answer")
    data = _review(question, answer, request.form.get("token"))
    session[LAST] = {"q": question.id, "correct": data["correct"], "next": data["next_due"]}
    return redirect(url_for("chapter.index", _anchor="review"), code=303)


def openapi_part() -> dict:
    from web import openapi

    qid = {"name": "qid", "in": "path", "required": True,
           "schema": {"type": "string", "enum": list(default_bank().questions)}}
    return {"paths": {
        "/api/review": {"get": {
            "summary": "What is due for spaced review now, each with a fresh practice "
                       "variant where the question has them, and what comes later",
            "responses": {"200": {"description": "Due and upcoming reviews"}}}},
        "/api/review/{qid}": {"post": {
            "summary": "Answer a review: right moves it to the next interval (1, 3, 7 "
                       "days), wrong back to a day",
            "parameters": [qid],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Answer"}}}},
            "responses": {"200": {"description": "The grade, and next_due"},
                          **openapi.error_responses(400, 404, 413, 415, 422)}}}}}
