"""Differentiate it yourself (``d1``) over HTTP: a typed derivative, graded by quizzes/typed.py.

    GET  /api/checkpoint/d1/variant  a fresh y = f(g(x)) with a signed token
    POST /api/checkpoint/d1/preview  {"answer"} → the expression as understood (or 422 + where)
    POST /api/checkpoint/d1          {"answer", "token"} → the grade; unreadable → 422, no attempt
    POST /api/checkpoint/d1/hint     {"token"} → the next hint (stored as help)
    POST /api/checkpoint/d1/reveal   {"token"} → the derivative and its worked solution
    GET  /checkpoint/d1              the same without JavaScript: a page with a fresh question
    POST /checkpoint/d1              its form: preview, check, hint or reveal → the page again

The token carries the variant's parameters, signed, bound to its reader and issue time like a
"Try another" token (quizzes/variants.py's ``check_holder``). Attempts and help are stored as
for any practice variant (question ``d1``, the token as the variant), so the item's state,
the dashboard and both CSVs follow from quizzes/practice_items.py. The preview needs no
storage and no session; it is rate-limited per address in this worker's memory.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

from quizzes import typed
from quizzes.bank import Question, default_bank
from quizzes.help_routes import NOT_RECORDED, NOT_RECORDED_HINT
from quizzes.practice_items import TYPED_FORMAT, TYPED_SALT
from quizzes.reveal import reveal_info
from quizzes.review import mark_if_shown, unseen_typed
from quizzes.shared import (
    app_store,
    explanation_earned,
    flood_check,
    json_body,
    not_saved,
    reader_extras,
    refusal,
    store_limited,
)
from quizzes.variants import InvalidVariant, check_holder
from store import NewAttempt, StoreUnavailable
from store import help as help_store
from web import reader, security

QID = "d1"
SALT = TYPED_SALT
PREVIEWS_PER_MINUTE = 1200  # per address: a class typing behind one school address
FORMAT = TYPED_FORMAT
bp = Blueprint("typed", __name__)


def _item() -> Question:
    return default_bank().practice_items[QID]


# --- tokens ------------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _new_token(params: dict, learner: str) -> str:
    issued = int(app_store().now().timestamp())
    return _serializer().dumps({"q": QID, "p": params, "l": learner, "t": issued,
                                "n": secrets.token_hex(4)})


def params_for(token: object) -> dict:
    """The variant a token names, or a 422 saying why not."""
    remedy = "press Try another for a fresh one"
    try:
        if not isinstance(token, str) or len(token) > 1000:
            raise InvalidVariant("send the token the question came with")
        try:
            data = _serializer().loads(token)
        except BadSignature:
            raise InvalidVariant("it is not one this server made for this question") from None
        if not isinstance(data, dict) or data.get("q") != QID:
            raise InvalidVariant("it is not a token of this question")
        hours = current_app.config["PRACTICE_TOKEN_HOURS"]
        check_holder(data, reader.learner(), app_store().now(), timedelta(hours=hours),
                     "practice question", remedy)
        typed.build(data.get("p"))  # ValueError: not a variant handed out
    except (InvalidVariant, ValueError) as exc:
        raise refusal(422, f"The practice token is not valid: {exc}.", "token") from None
    return data["p"]


# --- the work each route does ------------------------------------------------------------------

def new_variant() -> dict:
    params = unseen_typed(reader.learner(), _item())  # never one whose answer was shown
    question = typed.build(params)
    token = _new_token(params, reader.ensure_learner())
    return {"question": QID, "token": token, "prompt_html": question.prompt_html,
            "prompt": question.prompt_html, "prompt_speech": question.prompt_speech,
            "function": question.function,
            "inner": question.inner, "outer": question.outer, "format": FORMAT}


def _text(answer: object) -> str:
    if not isinstance(answer, str):
        raise refusal(422, "Send the answer as text, such as \"2*x*cos(x^2)\".", "answer")
    if not answer.strip():
        raise refusal(422, "Type the derivative first: an expression in x.", "answer")
    return answer


def preview(answer: object) -> dict:
    """The expression as understood; an unreadable one → 422 with where and a proposal."""
    wait = current_app.extensions["preview_window"].hit(request.remote_addr or "unknown")
    if wait:
        error = refusal(429, f"Too many previews at once. Wait {int(wait) + 1} seconds.",
                        "answer")
        error.headers["Retry-After"] = str(int(wait) + 1)
        raise error
    try:
        return typed.preview(_text(answer))
    except typed.Unreadable as exc:
        raise _unreadable(exc) from None


def _unreadable(exc: typed.Unreadable):
    error = refusal(422, exc.message, "answer")
    error.extra = {"position": exc.position}
    return error


_SCROLL = Markup('<div class="typed-scroll" tabindex="0" role="region" aria-label="{}">{}</div>')


def _solution(params: dict) -> dict:
    """The derivative and its worked solution, each scrolling sideways in its own focusable
    box where a phone is narrower than the maths."""
    question = typed.build(params)
    shown = typed.preview(question.answer)
    explanation = Markup("<p>The derivative: {} (typed: <code>{}</code>).</p>").format(
        Markup(shown["mathml"]), question.answer)
    return {"explanation": str(_SCROLL.format("The derivative", explanation)),
            "solution": str(_SCROLL.format("Worked solution", Markup(question.solution_html))),
            "derivative": question.answer}


def verdict(params: dict, answer: object) -> dict:
    """The verdict as JSON, the slip named, the expression as understood; no explanation
    yet. Unreadable → 422 (nothing is stored). A review of d1 (quizzes/review_routes.py)
    uses it as it is, the worked solution added with a right answer."""
    text = _text(answer)
    try:
        found, shown = typed.grade(params, text), typed.preview(text)
    except typed.Unreadable as exc:
        raise _unreadable(exc) from None
    return {"question": QID, "correct": found.correct,
            "score": 1.0 if found.correct else 0.0, "misconception": found.misconception,
            "misconception_label": default_bank().misconceptions.get(
                found.misconception or ""),
            "feedback": str(Markup.escape(found.feedback)), "answer": text,
            "preview": shown, "explanation": None, "reveal": None}


def grade(answer: object, token: object) -> dict:
    """Grade (unreadable → 422, nothing stored), store the attempt, say what was earned."""
    params = params_for(token)
    data = verdict(params, answer)
    learner = reader.ensure_learner()
    item = _item()
    if data["correct"]:
        flood_check(learner)  # before the variant is marked answered
        _mark_if_shown(learner, item, params, token)
    # Stored, counted in the answer windows and (right: back in a day, with another
    # y = f(g(x))) its review scheduled, in one transaction (quizzes/shared.py).
    recorded, extra, _ = store_limited(
        NewAttempt(learner, QID, data["answer"], data["score"], data["correct"],
                   data["misconception"], token),
        counted_already=data["correct"], review=data["correct"])
    data.update(extra)
    return described(data, params, recorded.number if recorded else None, token)


def described(data: dict, params: dict, attempt: int | None, token: str) -> dict:
    """A graded answer's reply: the explanation and worked solution if earned, the reveal
    note, the reader's summary and state. Also what the page without JavaScript shows again
    after its redirect (quizzes/typed_page.py), for the attempt already stored."""
    learner, item = reader.ensure_learner(), _item()
    available = data["correct"] or explanation_earned(item, attempt, learner, token)
    data.update(variant=True, reveal=reveal_info(item, attempt, available))
    if available:
        data.update(_solution(params))
    reader_extras(data, learner, item)
    data["csrf"] = reader.current_csrf()
    return data


def _mark_if_shown(learner: str, item: Question, params: dict, token: str) -> None:
    try:
        mark_if_shown(learner, item, params, token, len(typed.build(params).hints))
    except StoreUnavailable:  # the answer could not be stored either
        raise not_saved() from None


def review_solution(params: dict) -> dict:
    """The derivative and its worked solution, for a review answered right."""
    return _solution(params)


def _helper() -> str:
    learner = reader.ensure_learner()
    wait = security.answer_wait(learner, request.remote_addr)
    if wait:
        error = refusal(429, f"Too many requests at once. Wait {int(wait) + 1} seconds.",
                        "question")
        error.headers["Retry-After"] = str(int(wait) + 1)
        raise error
    return learner


def hint(token: object) -> dict:
    """The next hint, once taking it is recorded: the item's state is its variant's, so a
    hint storage never saw would leave the right answer after it a clean first try."""
    params = params_for(token)
    hints = typed.build(params).hints
    learner = _helper()
    try:
        index = help_store.take_hint(app_store(), learner, QID, token, len(hints))
    except StoreUnavailable:
        raise refusal(503, NOT_RECORDED_HINT, "question") from None
    return {"question": QID, "hint": hints[index - 1], "index": index,
            "last": index >= len(hints), "hints": list(hints[:index]), "saved": True,
            "csrf": reader.current_csrf()}


def reveal(token: object) -> dict:
    """Record the reveal, then the derivative and its worked solution; nothing unrecorded."""
    params = params_for(token)
    learner = _helper()
    try:
        help_store.record_reveal(app_store(), learner, QID, token)
    except StoreUnavailable:
        raise refusal(503, NOT_RECORDED, "question") from None
    data = {"question": QID, "saved": True, "variant": True, **_solution(params)}
    data["html"] = render_template("partials/explanation.html", s=data)
    reader_extras(data, learner, _item())
    data["csrf"] = reader.current_csrf()
    return data


# --- routes ------------------------------------------------------------------------------------

def _json(data: dict):
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


def _body(required: str | None = "answer") -> dict:
    return json_body("Send JSON with Content-Type: application/json.",
                     'The body is not valid JSON. Send {"answer": "2*x*cos(x^2)", '
                     '"token": "…"}.',
                     'Send a JSON object such as {"answer": "2*x*cos(x^2)", "token": "…"}.',
                     required=required, empty_ok=required is None)


@bp.get("/api/checkpoint/d1/variant")
def api_variant():
    return _json(new_variant())


@bp.post("/api/checkpoint/d1/preview")
def api_preview():
    return _json(preview(_body()["answer"]))


@bp.post("/api/checkpoint/d1")
def api_answer():
    body = _body()
    data = grade(body["answer"], body.get("token"))
    data["result_html"] = render_template("partials/result.html", s=data)
    return _json(data)


@bp.post("/api/checkpoint/d1/hint")
def api_hint():
    return _json(hint(_body(None).get("token")))


@bp.post("/api/checkpoint/d1/reveal")
def api_reveal():
    return _json(reveal(_body(None).get("token")))


def init_app(app: Flask) -> None:
    app.config.setdefault("PREVIEWS_PER_MINUTE", int(os.environ.get(
        "PREVIEWS_PER_MINUTE", PREVIEWS_PER_MINUTE)))
    app.extensions["preview_window"] = security.RateWindow(app.config["PREVIEWS_PER_MINUTE"],
                                                           60.0)
    app.register_blueprint(bp)

