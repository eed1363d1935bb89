"""Differentiate it yourself without JavaScript: the question on a page of its own.

    GET  /checkpoint/d1   a fresh question (and, for a reader new here, a session); just
                          after a checked answer, that question with the answer's result
    POST /checkpoint/d1   its form: ``action`` preview, hint or reveal → the page again;
                          check → stored, then a redirect (303) to GET, so reloading the
                          result sends nothing again

Each post does what the JSON routes do (quizzes/typed_routes.py) and draws the page with the
outcome: the expression as understood (the preview, also shown with every graded answer),
the grade, the hints taken, the revealed derivative. An answer it cannot read comes back
on the page with the place and a proposed reading (422), and is not an attempt.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from quizzes import typed, typed_routes
from quizzes.shared import MAX_BODY, expired_form
from web import csrf, reader
from web.errors import ClientError

bp = Blueprint("typed_page", __name__)
bp.register_error_handler(csrf.FormExpired, expired_form("answer"))
ACTIONS = ("check", "preview", "hint", "reveal")


def _page(t: dict, status: int = 200, headers: dict | None = None):
    t = {**t, "page": True, "csrf": reader.current_csrf()}
    return render_template("partials/typed_page.html", t=t), status, {
        **(headers or {}), "Cache-Control": "private, no-store"}


CHECKED = "d1_checked"  # session: the answer just stored, shown once by the next GET


@bp.get("/checkpoint/d1")
def page():
    checked = session.pop(CHECKED, None)
    if isinstance(checked, dict):  # the redirect after a stored answer: its result, once
        token, answer = checked.get("token", ""), checked.get("answer", "")
        try:
            params = typed_routes.params_for(token)
            result = typed_routes.described(typed_routes.verdict(params, answer), params,
                                            checked.get("attempt"), token)
        except ClientError:  # the question's token has expired since: a fresh question
            pass
        else:
            return _page({"token": token, **_prompt(token), "answer": answer,
                          "result": result, "preview": result["preview"]})
    question = typed_routes.new_variant()
    return _page({"token": question["token"], "prompt_html": question["prompt_html"],
                  "prompt_speech": question["prompt_speech"]})


def _prompt(token: str) -> dict:
    question = typed.build(typed_routes.params_for(token))
    return {"prompt_html": question.prompt_html, "prompt_speech": question.prompt_speech}


@bp.post("/checkpoint/d1")
@csrf.limit_body(MAX_BODY)
def form():
    token, answer = request.form.get("token", ""), request.form.get("answer", "")
    action = request.form.get("action", "check")
    if action not in ACTIONS:
        action = "check"
    t = {"token": token, **_prompt(token), "answer": answer}
    try:
        if action == "hint":
            t["hints"] = typed_routes.hint(token)["hints"]
        elif action == "reveal":
            t["shown"] = typed_routes.reveal(token)
        elif action == "preview":
            t["preview"] = typed_routes.preview(answer)
        else:
            result = typed_routes.grade(answer, token)
            if result.get("saved", True):  # stored: show it from a GET, never re-sent
                session[CHECKED] = {"token": token, "answer": answer,
                                    "attempt": result.get("attempt")}
                return redirect(url_for("typed_page.page", _anchor="d1-practice"), code=303)
            t["result"], t["preview"] = result, result["preview"]
    except ClientError as error:
        if error.field != "answer":
            raise
        t["error"] = {"message": error.message, "position": error.extra.get("position")}
        return _page(t, error.status, error.headers)  # 422 unreadable, 503 not saved
    return _page(t)
