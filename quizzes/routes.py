"""The checkpoint over HTTP: parse the request, grade, store, answer. No grading or SQL here.

    POST /api/checkpoint/<qid>          JSON {"answer": …[, "token": …]} → the grade as JSON
    POST /checkpoint/<qid>              the page's form, without JavaScript → 303 to /#<qid>
    GET  /api/checkpoint/<qid>/variant  a fresh "Try another" practice question
    GET  /api/progress                  this reader's state per question, and a CSRF token

A reader is an anonymous learner id in Flask's signed session cookie, made on their first
attempt. Form posts from a reader who has a session carry its CSRF token; a form post with
no session at all cannot ride anyone's session, so it is accepted and starts a new one.
JSON posts need ``Content-Type: application/json``, which a page on another site cannot send
without a CORS preflight this app never grants; that is their CSRF protection.
"""

from __future__ import annotations

import hmac
import json
import secrets

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from quizzes import store as store_module
from quizzes.bank import Question, default_bank
from quizzes.grading import (
    Grade,
    InvalidAnswer,
    grade,
    grade_answer,
    grade_practice,
    practice_prompt,
    stored_response,
)
from quizzes.store import NewAttempt, StoreUnavailable
from quizzes.variants import InvalidVariant, VariantSigner, new_variant

MAX_BODY = 4096  # an answer is a few bytes; anything bigger is refused with 413
NOT_SAVED = "Your answer was graded, but your progress was not saved. Try again later."
NOT_LOADED = "Your saved progress could not be loaded just now; answers are still graded."

bp = Blueprint("checkpoint", __name__)


class BadRequest(Exception):
    """A request this module refuses, with the status, message and field to report."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


# --- the reader ---------------------------------------------------------------------------

def _learner() -> str | None:
    """The learner id in the session, without creating a session for a reader who has none."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    return session.get("learner")


def _ensure_learner() -> str:
    learner = _learner()
    if learner is None:
        session.clear()
        session.permanent = True  # progress survives closing the browser, not just a reload
        learner = session["learner"] = secrets.token_urlsafe(16)
        session["csrf"] = secrets.token_urlsafe(24)
    return learner


def _csrf_ok(sent: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and sent) and hmac.compare_digest(str(expected), str(sent))


def _question(qid: str) -> Question:
    question = default_bank().questions.get(qid)
    if question is None:
        known = ", ".join(default_bank().questions)
        raise BadRequest(404, f"There is no question {qid!r}. The questions are {known}.",
                         "question")
    return question


def _store():
    return current_app.extensions["checkpoint_store"]


# --- state for a reader, for the page and for /api/progress --------------------------------

def _grade_dict(question: Question, result: Grade) -> dict:
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
    learner = learner or _learner()
    if learner is None:
        return None
    bank = default_bank()
    questions: dict[str, dict] = {}
    notice = None
    try:
        progress = _store().learner_progress(learner)
    except StoreUnavailable:
        progress, notice = {}, NOT_LOADED
    for qid, record in progress.items():
        question = bank.questions.get(qid)
        try:
            result = grade(question, stored_response(question, record.last.answer))
        except (InvalidAnswer, AttributeError, KeyError):
            continue  # an answer the current bank no longer has; nothing to show for it
        questions[qid] = {**_grade_dict(question, result), "attempts": record.attempts}
    pending = session.get("unsaved")
    if pending and pending.get("q") in bank.questions and pending["q"] not in questions:
        question = bank.questions[pending["q"]]
        try:
            result = grade(question, stored_response(question, pending["a"]))
            questions[question.id] = {**_grade_dict(question, result), "attempts": None}
            notice = NOT_SAVED
        except InvalidAnswer:
            pass
    correct = sum(1 for q in questions.values() if q["correct"])
    return {"questions": questions, "csrf": session.get("csrf"), "notice": notice,
            "summary": {"correct": correct, "attempted": len(questions),
                        "total": len(bank.questions)}}


# --- one attempt ----------------------------------------------------------------------------

def _attempt(question: Question, answer: object, token: object = None) -> dict:
    """Parse and grade (InvalidAnswer → 422, nothing stored), then store and report."""
    variant = None
    if token is not None:
        if question.practice is None:
            raise BadRequest(422, f"{question.id} has no practice variants; send only "
                             "an answer.", "token")
        try:
            variant = current_app.extensions["checkpoint_signer"].loads(token, question.id)
        except InvalidVariant as exc:
            raise BadRequest(422, f"The practice token is not valid: {exc}.", "token") from None
    try:
        result = (grade_practice(question, variant, answer) if variant
                  else grade_answer(question, answer))
    except InvalidAnswer as exc:
        raise BadRequest(422, exc.message, exc.field) from None
    learner = _ensure_learner()
    data = _grade_dict(question, result)
    try:
        attempt = _store().record_attempt(NewAttempt(
            learner, question.id, result.answer, result.score, result.correct,
            result.misconception, token if variant else None))
        data.update(attempt=attempt, saved=True, notice=None)
        session.pop("unsaved", None)
    except StoreUnavailable:
        data.update(attempt=None, saved=False, notice=NOT_SAVED)
        if variant is None:
            session["unsaved"] = {"q": question.id, "a": result.answer}
    if variant is not None:
        data["variant"] = True
    state = reader_state(learner)
    data["summary"] = state["summary"] if state and not state["notice"] else None
    data["csrf"] = session.get("csrf")
    return data


# --- routes -----------------------------------------------------------------------------------

def _json_body() -> dict:
    request.max_content_length = MAX_BODY
    if request.mimetype != "application/json":
        raise BadRequest(415, "Send the answer as JSON with Content-Type: application/json.",
                         "content-type")
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):
        raise BadRequest(400, 'The body is not valid JSON. Send {"answer": "<choice id>"}.',
                         "body") from None
    if not isinstance(body, dict) or "answer" not in body:
        raise BadRequest(400, 'Send a JSON object with an "answer", such as '
                         '{"answer": "4e4"} or {"answer": ["b", "a", "d", "c"]}.', "answer")
    return body


@bp.route("/api/checkpoint/<qid>", methods=["GET", "PUT", "PATCH", "DELETE"])
def api_wrong_method(qid: str):
    response = jsonify({"error": "Answer with POST and a JSON body such as "
                        '{"answer": "4e4"}.', "field": "method"})
    response.headers["Allow"] = "POST"
    return response, 405


@bp.post("/api/checkpoint/<qid>")
def api_attempt(qid: str):
    question = _question(qid)
    body = _json_body()
    response = jsonify(_attempt(question, body["answer"], body.get("token")))
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_order(question: Question) -> list[str]:
    """Steps in the order the reader chose: by the position each was given, when the page
    offered position menus (no JavaScript), else in the order they were posted."""
    order = request.form.getlist("order")
    positions = request.form.getlist("position")
    if not positions:
        return order
    if len(positions) != len(order) or not all(p.isdigit() for p in positions):
        raise BadRequest(422, "Give every step a position number.", "position")
    if len(set(positions)) != len(positions):
        raise BadRequest(422, "Give each step a different position: 1 for the first step, "
                         "2 for the next, and so on.", "position")
    return [step for _, step in sorted(zip((int(p) for p in positions), order, strict=True))]


@bp.post("/checkpoint/<qid>")
def form_attempt(qid: str):
    request.max_content_length = MAX_BODY
    question = _question(qid)
    if _learner() is not None and not _csrf_ok(request.form.get("csrf_token")):
        raise BadRequest(403, "This form has expired. Reload the page and answer again.",
                         "csrf_token")
    if question.kind == "ordering":
        answer: object = _form_order(question)
    else:
        answer = request.form.get("answer")
        if answer is None:
            raise BadRequest(422, "Choose one of the answers, then press Reveal.", "answer")
    _attempt(question, answer)
    return redirect(url_for("chapter.index", _anchor=question.id), code=303)


@bp.get("/api/checkpoint/<qid>/variant")
def api_variant(qid: str):
    question = _question(qid)
    if question.practice is None:
        raise BadRequest(404, f"{qid} has no practice variants; q1 and q3 do.", "question")
    variant = new_variant(qid, question.practice.generator)
    response = jsonify({"question": qid, "token": current_app.extensions[
        "checkpoint_signer"].dumps(variant), "prompt": str(practice_prompt(question, variant)),
        "format": question.practice.format})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/progress")
def api_progress():
    state = reader_state() or {"questions": {}, "csrf": None, "notice": None, "summary": {
        "correct": 0, "attempted": 0, "total": len(default_bank().questions)}}
    response = jsonify(state)
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


# --- errors: JSON for the API, a friendly page for the form ----------------------------------

def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error(status: int, message: str, field: str | None):
    if _wants_json():
        return jsonify({"error": message, "field": field}), status
    qid = (request.view_args or {}).get("qid", "")
    back = url_for("chapter.index", _anchor=qid) if qid in default_bank().questions else (
        url_for("chapter.index"))
    detail = Markup('{} <a href="{}">Back to the question</a>.').format(message, back)
    headings = {403: "This form has expired.", 404: "That question isn't part of the chapter.",
                413: "That was more than this form accepts.",
                422: "That answer couldn't be graded."}
    page = render_template("error.html", code=status, detail=detail,
                           heading=headings.get(status, "That request couldn't be handled."))
    return page, status


@bp.errorhandler(BadRequest)
def _bad_request(error: BadRequest):
    return _error(error.status, error.message, error.field)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    messages = {413: f"The body is larger than {MAX_BODY} bytes; an answer is much shorter."}
    return _error(error.code or 400, messages.get(error.code, error.description or error.name),
                  "body" if error.code == 413 else None)


def init_app(app: Flask) -> None:
    """The store (migrated), the variant signer, the routes. Session cookies are HttpOnly and
    SameSite=Lax by chapter/security.py."""
    store_module.init_app(app)
    app.extensions["checkpoint_signer"] = VariantSigner(app.config["SECRET_KEY"])
    app.register_blueprint(bp)
