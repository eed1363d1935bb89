"""The checkpoint over HTTP: parse the request, grade, store, answer. No grading or SQL here.

    POST /api/checkpoint/<qid>          JSON {"answer": …[, "token": …]} → the grade as JSON
    POST /checkpoint/<qid>              the page's form, without JavaScript → 303 to /#<qid>
    GET  /api/checkpoint/<qid>/variant  a fresh "Try another" practice question
    GET  /api/progress                  this reader's state per question, and a CSRF token

A reader is an anonymous learner id in Flask's signed session cookie, made on their first
attempt. Cross-site requests are refused before any route runs (web/csrf.py): form posts
from a reader with a learner id carry its CSRF token; JSON posts need
``Content-Type: application/json``.
"""

from __future__ import annotations

import os
from datetime import timedelta

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException

from chapter import views
from quizzes.bank import Question, default_bank, public_questions
from quizzes.grading import (
    InvalidAnswer,
    grade_answer,
    grade_practice,
    hint_sources,
    practice_prompt,
)
from quizzes.practice_items import public_practice_items
from quizzes.progress import NOT_LOADED, grade_dict, reader_state, reply_state
from quizzes.reveal import earned
from quizzes.review import ReviewSigner, mark_if_shown, unseen_variant
from quizzes.shared import (
    MAX_BODY,
    app_store,
    expired_form,
    flood_check,
    form_order,
    json_body,
    not_saved,
    question_for,
    reader_extras,
    refusal,
    store_limited,
    variant_for,
)
from quizzes.variants import VariantSigner, new_variant
from store import NewAttempt, StoreUnavailable
from store import help as help_store
from web import csrf, openapi, reader
from web.errors import respond

bp = Blueprint("checkpoint", __name__)
bp.register_error_handler(csrf.FormExpired, expired_form("answer"))


# --- one attempt ----------------------------------------------------------------------------

def _store_attempt(question: Question, result, learner: str, variant, token) -> dict:
    """Store the attempt, within the answer limits; then the grade, with the explanation only
    if it is earned now. An attempt that cannot be stored is a 503 that says nothing of the
    answer; one over a limit a 429 (quizzes/shared.py's store_limited)."""
    key = token if variant else None
    marks = (result.correct and variant is not None
             and question.id in default_bank().practice_items)
    if marks:
        flood_check(learner)  # before the variant is marked answered
        try:
            mark_if_shown(learner, question, variant.params, token,
                          len(hint_sources(question, variant)))
        except StoreUnavailable:  # the answer could not be stored either
            raise not_saved() from None
    recorded, extra, record = store_limited(
        NewAttempt(learner, question.id, result.answer, result.score, result.correct,
                   result.misconception, key), read_back=variant is None, counted_already=marks,
        review=result.correct and (variant is None or bool(question.title)))  # in a day
    attempt, ever = (recorded.number, recorded.ever_right) if recorded else (None, None)
    # A base question's reply: the record its own transaction read (the page's parts, help).
    state = reply_state(record) if record is not None else None
    available = result.correct
    if not available:
        try:
            if ever is None:  # not stored (the reader's cap): was it right before?
                _, ever = app_store().tries(learner, question.id, key)
            available = earned(question, attempt, ever, _revealed(question, state, learner, key))
        except StoreUnavailable:  # the grade still answers; the explanation waits
            pass
    return {**grade_dict(question, result, available, attempt), **extra, "_state": state}


def _revealed(question: Question, state: dict | None, learner: str, key) -> bool:
    """Whether the reader asked to see this question's (or variant's) explanation: from the
    state already read for a base question, else one read of its help."""
    if state is not None:
        if state["notice"] == NOT_LOADED:
            raise StoreUnavailable("progress not read")
        return state["states"][question.id]["revealed"]
    return help_store.help_for(app_store(), learner, question.id, key).revealed_at is not None


def _attempt(question: Question, answer: object, token: object = None) -> dict:
    """Parse and grade (InvalidAnswer → 422, nothing stored), then store and report."""
    variant = variant_for(question, token)
    try:
        result = (grade_practice(question, variant, answer) if variant
                  else grade_answer(question, answer))
    except InvalidAnswer as exc:
        raise refusal(422, exc.message, exc.field) from None
    learner = reader.ensure_learner()
    data = _store_attempt(question, result, learner, variant, token)
    if variant is not None:
        data["variant"] = True
    reader_extras(data, learner, question, data.pop("_state"))
    data["csrf"] = reader.current_csrf()
    return data


# --- routes -----------------------------------------------------------------------------------

def _json_body() -> dict:
    return json_body("Send the answer as JSON with Content-Type: application/json.",
                     'The body is not valid JSON. Send {"answer": "<choice id>"}.',
                     'Send a JSON object with an "answer", such as {"answer": "4e4"} or '
                     '{"answer": ["b", "a", "d", "c"]}.', required="answer")


@bp.route("/api/checkpoint/<qid>", methods=["GET", "PUT", "PATCH", "DELETE"])
def api_wrong_method(qid: str):
    response = jsonify({"error": "Answer with POST and a JSON body such as "
                        '{"answer": "4e4"}.', "field": "method"})
    response.headers["Allow"] = "POST"
    return response, 405


@bp.post("/api/checkpoint/<qid>")
def api_attempt(qid: str):
    question = question_for(qid)
    body = _json_body()
    data = _attempt(question, body["answer"], body.get("token"))
    response = jsonify({**data, "result_html": result_html(data)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/checkpoint/<qid>")
@csrf.limit_body(MAX_BODY)
def form_attempt(qid: str):
    question = question_for(qid)
    if question.kind == "ordering":
        answer: object = form_order(question)
    else:
        answer = request.form.get("answer")
        if answer is None:
            raise refusal(422, "Choose one of the answers, then press Check.", "answer")
    _attempt(question, answer)
    return redirect(url_for("chapter.index", _anchor=question.id), code=303)


@bp.get("/api/checkpoint/<qid>/variant")
def api_variant(qid: str):
    question = question_for(qid)
    if question.practice is None:
        raise refusal(404, f"{qid} has no practice variants; q1, q3 and the practice items "
                      "do.", "question")
    if qid in default_bank().practice_items:  # never one whose answer was shown
        variant = unseen_variant(reader.learner(), question)
    else:
        variant = new_variant(qid, question.practice.generator)
    token = current_app.extensions["checkpoint_signer"].dumps(
        variant, reader.ensure_learner(), app_store().now())  # this reader's, from now
    response = jsonify({"question": qid, "token": token,
                        "prompt": str(practice_prompt(question, variant)),
                        "format": question.practice.format})
    response.headers["Cache-Control"] = "no-store"
    return response


# What the result block shows of a grade (partials/result.html, partials/explanation.html);
# the attempt number is put in afterwards, so one rendering serves every attempt.
_BLOCK_KEYS = ("correct", "score", "answer_score", "near", "saved", "notice",
               "misconception_label", "feedback", "receipt", "explanation", "solution", "reveal")
_ATTEMPT_MARK = 987654321
_ATTEMPT_SPAN = '<span class="result-attempt">Attempt {}</span>'
MAX_BLOCKS = 1024  # rendered blocks kept per process (typed values make distinct receipts)


def result_html(grade: dict) -> str:
    """The result block, from the same partial the page uses, for the script to insert.
    Rendered once per distinct grade and kept (the template was ~7 % of an answer)."""
    attempt = grade.get("attempts") or grade.get("attempt")
    key = repr([grade.get(name) for name in _BLOCK_KEYS] + [bool(attempt)])
    blocks = current_app.extensions.setdefault("result_blocks", {})
    block = blocks.get(key)
    if block is None:
        block = render_template("partials/result.html", s={
            **grade, "attempts": _ATTEMPT_MARK if attempt else None, "attempt": None})
        if len(blocks) >= MAX_BLOCKS:
            blocks.clear()
        blocks[key] = block
    if not attempt:
        return block
    return block.replace(_ATTEMPT_SPAN.format(_ATTEMPT_MARK), _ATTEMPT_SPAN.format(attempt))


@bp.get("/api/progress")
def api_progress():
    state = reader_state() or {"questions": {}, "csrf": None, "notice": None, "summary": {
        "correct": 0, "attempted": 0, "total": len(default_bank().questions)}}
    for grade in state["questions"].values():
        grade["result_html"] = result_html(grade)
    state["ending_html"] = (render_template("partials/ending.html", ending=state["ending"])
                            if state.get("ending") else None)
    response = jsonify(state)
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    messages = {413: f"The body is larger than {MAX_BODY} bytes; an answer is much shorter."}
    return respond(refusal(error.code or 400,
                           messages.get(error.code, error.description or error.name),
                           "body" if error.code == 413 else None))


def openapi_part() -> dict:
    """The checkpoint's endpoints, with question ids from the bank."""
    qid = {"name": "qid", "in": "path", "required": True,
           "schema": {"type": "string", "enum": list(default_bank().questions)}}
    grade_ref = {"$ref": "#/components/schemas/Grade"}
    paths = {
        "/api/checkpoint/{qid}": {"post": {
            "summary": "Grade an answer and store the attempt",
            "parameters": [qid],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Answer"}}}},
            "responses": {"200": {"description": "The grade", "content": {
                "application/json": {"schema": grade_ref}}},
                **openapi.error_responses(400, 404, 413, 415, 422, 429, 503)},
        }},
        "/api/checkpoint/{qid}/variant": {"get": {
            "summary": "A fresh practice variant, with a signed token to answer it with",
            "parameters": [qid], "responses": {"200": {"description": "The variant"},
                                               **openapi.error_responses(404)}}},
        "/api/checkpoint/{qid}/hint": {"post": {
            "summary": "The next hint (each a step closer); stored as help, not as an attempt",
            "parameters": [qid],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Help"}}}},
            "responses": {"200": {"description": "The hint", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Hint"}}}},
                **openapi.error_responses(400, 404, 413, 415, 422, 503)}}},
        "/api/checkpoint/{qid}/reveal": {"post": {
            "summary": "Show the explanation (a variant's with its reference and worked "
                       "solution); the reveal is recorded",
            "parameters": [qid],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Help"}}}},
            "responses": {"200": {"description": "The explanation", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Reveal"}}}},
                **openapi.error_responses(400, 404, 413, 415, 422, 503)}}},
        "/api/progress": {"get": {
            "summary": "This reader's progress (from the session cookie)",
            "responses": {"200": {"description": "Per question: the last grade and attempts"}}}},
    }
    return {"paths": paths, "schemas": _schemas()}


def _schemas() -> dict:
    """The request and response bodies the paths name."""
    return {
        "Answer": {"type": "object", "required": ["answer"], "properties": {
            "answer": {"oneOf": [{"type": "string", "maxLength": 200},
                                 {"type": "array", "items": {"type": "string"}}]},
            "token": {"type": "string"}}},
        "Help": {"type": "object", "properties": {"token": {
            "type": "string", "description": "a practice variant's token; absent for the "
            "question itself"}}},
        "Hint": {"type": "object", "required": ["hint", "index", "last"], "properties": {
            "hint": {"type": "string"}, "index": {"type": "integer", "minimum": 1},
            "last": {"type": "boolean"}, "hints": {"type": "array", "items": {
                "type": "string"}}}},
        "Reveal": {"type": "object", "required": ["explanation"], "properties": {
            "explanation": {"type": "string"}, "solution": {"type": "string"},
            "receipt": {"type": "object"}, "html": {"type": "string"}}},
        "Grade": {"type": "object", "required": ["correct", "score", "feedback",
                                                 "explanation", "reveal"], "properties": {
            "correct": {"type": "boolean"},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "feedback": {"type": "string"},
            "explanation": {"type": ["string", "null"], "description": "null until earned: "
                            "a correct answer, the bank's number of tries, or a reveal"},
            "reveal": {"type": "object", "properties": {
                "after_tries": {"type": "integer"}, "tries_left": {"type": "integer"},
                "on_request": {"type": "boolean"}, "available": {"type": "boolean"}}},
            "solution": {"type": "string", "description": "a variant's worked solution"},
            "state": {"type": ["object", "null"]},
            "result_html": {"type": "string", "description": "the result block, as the page "
                            "draws it"},
            "saved": {"type": "boolean"}, "notice": {"type": ["string", "null"]}}},
    }


def init_app(app: Flask) -> None:
    """The variant and review signers, the routes, and the questions on the chapter's page.
    Session cookies are HttpOnly and SameSite=Lax by web/security.py."""
    app.config.setdefault("PRACTICE_TOKEN_HOURS",
                          float(os.environ.get("PRACTICE_TOKEN_HOURS", 24)))
    app.config.setdefault("RESUME_CODE_MINUTES",
                          float(os.environ.get("RESUME_CODE_MINUTES", 15)))
    app.extensions["checkpoint_signer"] = VariantSigner(
        app.config["SECRET_KEY"], timedelta(hours=app.config["PRACTICE_TOKEN_HOURS"]))
    app.extensions["review_signer"] = ReviewSigner(
        app.config["SECRET_KEY"], timedelta(hours=app.config["PRACTICE_TOKEN_HOURS"]))
    app.register_blueprint(bp)
    from quizzes import help_routes  # its routes use this module's helpers

    app.register_blueprint(help_routes.bp)
    from quizzes import resume_routes, review_routes, typed_openapi, typed_page, typed_routes
    from quizzes.review_cli import review_cli

    app.cli.add_command(review_cli)

    typed_routes.init_app(app)  # d1's own routes: typed derivatives
    app.register_blueprint(typed_page.bp)  # d1 without JavaScript
    app.register_blueprint(resume_routes.bp)
    app.register_blueprint(review_routes.bp)
    openapi.contribute(app, openapi_part())
    openapi.contribute(app, resume_routes.openapi_part())
    openapi.contribute(app, review_routes.openapi_part())
    openapi.contribute(app, typed_openapi.openapi_part())
    views.add_checkpoint(app, public_questions(), reader_state, public_practice_items())
