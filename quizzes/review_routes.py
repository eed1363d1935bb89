"""Spaced review over HTTP. After a right answer a question comes due for review after 1,
then 3, then 7 days (store/review.py); a wrong review starts again at a day.

    GET  /api/review          {"due": [{question, label, practice, prompt_html, token, …}],
                               "upcoming": [{question, label, due, due_words}], "next"}
    POST /api/review/<qid>    JSON {"answer", "token"} → the grade, "next_due", "result_html"
    POST /review/<qid>        the page's review form, without JavaScript → 303 to /#review,
                              where its result or its error is shown in the review section

Every due item comes with a review token (quizzes/review.py): made for this reader, this item,
now, and spent by its answer. A token missing, not made by GET /api/review (a practice token
included), another reader's, past its age, already answered, or given up with "Show answer"
is refused (422, field "token") and nothing is stored. q1 and q3 are reviewed with a fresh
practice variant inside the token; q2 and q4 ask the question itself again. A review answer
is not an attempt: it leaves the question's state alone, and is counted apart, for the
dashboard's delayed-review accuracy. A question that is not due is refused (409). When the
answer cannot be saved the reader is told so (503, "not saved") and may try again: the token
is spent only with the stored answer.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for

from quizzes import typed_routes
from quizzes.bank import Question, default_bank
from quizzes.grading import InvalidAnswer, grade_answer, grade_practice
from quizzes.progress import grade_dict
from quizzes.review import LAST, due_items, seen_params, when_words
from quizzes.shared import (
    MAX_BODY,
    app_store,
    expired_form,
    flood_check,
    form_order,
    json_body,
    question_for,
    read_review_token,
    refusal,
)
from store import StoreUnavailable
from store import review as review_store
from web import csrf, reader
from web.errors import ClientError

bp = Blueprint("review", __name__)
bp.register_error_handler(csrf.FormExpired, expired_form("answer"))


SPENT = {
    "answered": "This review question was answered already: each counts once. Reload the "
                "page (or GET /api/review) to see what is due now.",
    "revealed": "You asked to see this review question's answer, so it counts as not known "
                "and comes back in a day. Reload the page to see what is due now.",
}
NOT_SAVED = ("Your review was not saved: storage cannot be reached just now. Try again in a "
             "minute.")


def _review(question: Question, answer: object, token: object) -> dict:
    if token is None:
        raise refusal(422, f"Review {question.id} with the question GET /api/review (or the "
                      'page) gives: send its "token" too.', "token")
    item = read_review_token(question, token)
    learner = reader.ensure_learner()
    store = app_store()
    how = review_store.spent(store, item.nonce)
    if how is not None:
        raise refusal(422, SPENT[how], "token")
    if question.id not in review_store.due(store, learner):
        raise refusal(409, f"{question.id} is not due for review now.", "question")
    seen = item.variant.params if item.variant is not None else item.params
    if seen is not None and seen in seen_params(learner, question):
        _give_up_seen(store, learner, question, item)
    if item.params is not None:  # d1: a typed derivative
        return _answered(store, learner, question, item,
                         typed_routes.verdict(item.params, answer))
    try:
        result = (grade_practice(question, item.variant, answer) if item.variant
                  else grade_answer(question, answer))
    except InvalidAnswer as exc:
        raise refusal(422, exc.message, exc.field) from None
    grade = {**grade_dict(question, result, result.correct, None), "reveal": None}
    return _answered(store, learner, question, item, grade)


def _answered(store, learner: str, question: Question, item, grade: dict) -> dict:
    """Spend the token with the stored review answer; the grade and when it comes back."""
    flood_check(learner)
    try:
        next_due = review_store.answer(store, learner, question.id, grade["correct"],
                                       item.nonce)
    except review_store.TokenSpent:  # the same token answered at the same moment elsewhere
        raise refusal(422, SPENT["answered"], "token") from None
    if item.params is not None and grade["correct"]:
        grade.update(typed_routes.review_solution(item.params))
    return {**grade, "review": True,
            "next_due": next_due.isoformat() if next_due else None,
            "next_due_words": when_words(next_due, store.now()) if next_due else None,
            "csrf": reader.current_csrf()}


def _give_up_seen(store, learner: str, question: Question, item) -> None:
    """A review question whose very numbers the reader was shown the answer to in practice:
    it counts as not known (back in a day), and this token is spent."""
    try:
        review_store.give_up(store, learner, question.id, item.nonce)
    except review_store.TokenSpent:
        pass
    raise refusal(422, "You were shown the answer to this very question in practice, so "
                  "this review counts as not known and comes back in a day.", "token")


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
    try:
        data = _review(question, body["answer"], body.get("token"))
    except StoreUnavailable:  # a review's own words: not saved, try again (no generic 503)
        raise refusal(503, NOT_SAVED) from None
    data["result_html"] = render_template("partials/result.html", s=data)
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/review/<qid>")
@csrf.limit_body(MAX_BODY)
@csrf.token_always  # a review is answered only by a reader with a session and a due item
def form_answer(qid: str):
    """The no-JS review form: the result, or what was wrong with the answer, is shown in the
    review section of the page (never a separate error page), with a text answer kept."""
    request.max_content_length = MAX_BODY
    question = question_for(qid)
    typed = request.form.get("answer")
    try:
        answer = form_order(question) if question.kind == "ordering" else typed
        if answer is None:
            raise refusal(422, "Give an answer, then press Check.", "answer")
        data = _review(question, answer, request.form.get("token"))
        session[LAST] = {"q": question.id, "correct": data["correct"],
                         "next": data["next_due"], "next_words": data["next_due_words"],
                         "feedback": data.get("feedback")}
    except ClientError as exc:
        session[LAST] = {"q": question.id, "error": exc.message,
                         "typed": (typed or "")[:80] if question.practice else ""}
    except StoreUnavailable:  # shown in the review section, as the page's other errors are
        session[LAST] = {"q": question.id, "error": NOT_SAVED,
                         "typed": (typed or "")[:80] if question.practice else ""}
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
            "summary": "Answer a review with the token GET /api/review gave (once): right "
                       "moves it to the next interval (1, 3, 7 days), wrong back to a day",
            "parameters": [qid],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Answer"}}}},
            "responses": {"200": {"description": "The grade, and next_due"},
                          **openapi.error_responses(400, 404, 413, 415, 422)}}}}}
