"""Carry on another device, without an account: a short resume code and its link.

    POST /api/resume          JSON {} → {"code", "link", "csrf"}: a new code for this reader
    POST /resume/new          the same from the page's form, without JavaScript → a page
    GET  /resume              a form to type a code (``?code=`` goes to its link)
    GET  /resume/<code>       a confirmation page, never more: a link preview takes nothing
    POST /resume/<code>       with the page's form token: this browser becomes that reader

A code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), random, shown
as ``ABCDE-FGHJK``; only its HMAC (keyed with the app's secret) is stored. A code is a
one-time key: it works once, for ``RESUME_CODE_MINUTES`` (15), and making a new code revokes
the old one. Nothing personal is asked. Wrong codes count as misses per address in the
database (store/limits.py), so every worker sees the same count: a few are free, then each
further miss doubles the wait.

Borrowing a record and going back. A code moves a browser from one learner to another, and
each learner's page shows the explanations that learner has earned. Without a rule, browser B
(learner b) could make a code for b, take A's code, read A's explanations, take b's code back
and answer "Right first try". So a switch carries what was shown, both ways, as reveals
(store/help.py), before the browser changes hands:

- the learner the browser arrives at gets a reveal for every question whose explanation the
  learner it leaves has on screen (it was shown in this browser) and that it has not yet
  answered right;
- the learner it leaves gets a reveal for every question whose explanation the learner it
  arrives at has earned (it is about to be shown here, and a code for the learner left may be
  in the reader's pocket) and that it has not yet answered right.
- hints travel the same way: each learner is counted as having taken as many hints on a
  question as the other's page shows, where it has not yet answered right, so hints read on
  a borrowed page make a later right answer "right with hints", not a first try.

Questions already answered right keep their state: a reveal after the first right answer
changes nothing. Practice variants need nothing: their tokens belong to one learner
(variants.py), so none travels with the browser. If the reveals cannot be recorded, the
browser does not switch. What no code can stop is a second device, or a cleared browser, used
to look at someone's progress: that is a person showing their screen. What the rule ensures
is that codes add no path: within one browser, no sequence of codes records a clean right
answer after an explanation was shown. An LMS launch that changes a browser's learner
(lti/routes.py) applies the same rule.

The device that made a code stays signed in: carrying on at home and at school is the point.
Each further device needs a fresh code from one that is signed in, and the code is single use,
short-lived, and personal (the page says so), so it cannot be passed round a class.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from quizzes.bank import default_bank
from quizzes.reveal import earned
from quizzes.shared import MAX_BODY, app_store, expired_form, json_body, refusal
from store import StoreUnavailable, limits
from store import help as help_store
from store import resume as resume_store
from web import csrf, reader, security
from web.errors import ClientError

bp = Blueprint("resume", __name__)

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0, O, 1, I, L
LENGTH = 10
FREE_MISSES, MAX_WAIT, FORGET_AFTER = 5, 300.0, 900.0
NOT_KNOWN = ("That code is not known: each code works once, and a newer code replaces it. "
             "Check it, or make a new code on the device that has your progress.")
EXPIRED = ("That code has expired: a code works for {minutes} minutes. Make a new one on the "
           "device that has your progress.")
DOWN = "Saved progress cannot be reached just now. Try again in a minute."


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normal(text: str) -> str | None:
    """The code typed or linked (any case, dashes and spaces) in canonical form, or None."""
    code = "".join(ch for ch in str(text).upper() if ch not in "- ")[:64]
    return code if len(code) == LENGTH and all(ch in ALPHABET for ch in code) else None


def code_hash(code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"resume:" + code.encode(), hashlib.sha256).hexdigest()


def wait_after(misses: int) -> float:
    return 0.0 if misses <= FREE_MISSES else min(MAX_WAIT, 2.0 ** (misses - FREE_MISSES - 1))


def _bucket() -> str:
    return f"{(request.remote_addr or 'unknown')[:100]} resume"


def _retry_after() -> float:
    now = time.time()
    record = limits.read(app_store(), _bucket())
    if record is None or now - record.last_miss > FORGET_AFTER:
        return 0.0
    return max(0.0, record.blocked_until - now)


def _make(learner: str) -> dict:
    code = new_code()
    resume_store.replace_code(app_store(), learner, code_hash(code))
    return {"code": shown(code), "link": url_for("resume.confirm", code=code, _external=True),
            "csrf": reader.current_csrf()}


def _flood(learner: str, field: str) -> None:
    wait = security.answer_wait(learner, request.remote_addr)
    if wait:
        error = refusal(429, f"Too many requests at once. Wait {int(wait) + 1} seconds.",
                        field)
        error.headers["Retry-After"] = str(int(wait) + 1)
        raise error


@bp.post("/api/resume")
def api_new():
    json_body("Send JSON ({}) with Content-Type: application/json.",
              "The body is not valid JSON. Send {}.", "Send a JSON object: {}.", empty_ok=True)
    learner = reader.ensure_learner()
    _flood(learner, "body")
    response = jsonify(_make(learner))
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(status: int = 200, **context):
    context.setdefault("minutes", f"{current_app.config['RESUME_CODE_MINUTES']:g}")
    response = current_app.make_response(
        (render_template("partials/resume_page.html", **context), status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the code is in the path
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.post("/resume/new")
@csrf.limit_body(MAX_BODY)
def form_new():
    learner = reader.ensure_learner()
    _flood(learner, "csrf_token")
    return _page(mode="made", made=_make(learner))


@bp.get("/resume")
def enter():
    typed = request.args.get("code")
    if typed is None:
        return _page(mode="enter", csrf=reader.csrf_token())
    code = normal(typed)
    if code is None:
        return _page(400, mode="enter", csrf=reader.csrf_token(), typed=typed[:40],
                     error=f"A code has {LENGTH} letters and digits, like ABCDE-FGHJK.")
    return redirect(url_for("resume.confirm", code=code), 303)


@bp.get("/resume/<code>")
def confirm(code: str):
    """Only a page with a button: opening (or previewing) the link changes nothing."""
    return _page(mode="confirm", code=normal(code) or code[:40], csrf=reader.csrf_token(),
                 well_formed=normal(code) is not None)


@bp.post("/resume/<code>")
@csrf.limit_body(MAX_BODY)
@csrf.token_always  # it makes this browser another reader: never without this page's token
def take(code: str):
    try:
        return _take(normal(code))
    except StoreUnavailable:  # the same page again, to press once storage is back
        return _page(503, mode="confirm", code=code[:40], csrf=reader.csrf_token(),
                     well_formed=True, error=DOWN)


@bp.errorhandler(csrf.FormExpired)
def _expired(error: csrf.FormExpired):
    """Taking a code: the confirmation page again, with a fresh token. Else the refusal."""
    if request.endpoint != "resume.take":
        return expired_form("try")(error)
    code = (request.view_args or {}).get("code", "")
    return _page(400, mode="confirm", code=code[:40], csrf=reader.csrf_token(),
                 well_formed=normal(code) is not None,
                 error="This page had expired. It has been refreshed: press the button again.")


def _take(code: str | None):
    wait = _retry_after()
    if wait:
        seconds = int(wait) + 1
        raise ClientError(f"Too many wrong codes from this address. Try again in {seconds} "
                          "seconds.", "code", status=429, heading="Too many wrong codes.",
                          headers={"Retry-After": str(seconds)})
    lifetime = timedelta(minutes=current_app.config["RESUME_CODE_MINUTES"])
    hashed = code_hash(code) if code else ""
    learner = resume_store.peek(app_store(), hashed, lifetime) if code else None
    if learner == resume_store.EXPIRED:
        resume_store.revoke(app_store(), hashed)
        return _refused(410, code, EXPIRED.format(minutes=f"{lifetime.total_seconds() / 60:g}"))
    if learner is None:
        limits.record(app_store(), _bucket(), time.time(), FORGET_AFTER, wait_after)
        return _refused(404, code, NOT_KNOWN)
    leaving = reader.learner()
    if leaving and leaving != learner:  # recorded before the code is spent, or no switch
        carry_what_was_shown(leaving, learner)
    if not resume_store.use(app_store(), hashed, learner):  # taken a moment ago elsewhere
        return _refused(404, code, NOT_KNOWN)
    session.pop("hints", None)  # this browser's notes about its old progress
    session.permanent = True
    session[reader.LEARNER] = learner
    session[reader.CSRF] = secrets.token_urlsafe(24)  # a new reader here: a new token
    return redirect(url_for("chapter.index", _anchor="checkpoint-carry"), 303)


def _refused(status: int, code: str | None, error: str):
    return _page(status, mode="confirm", code=(code or "")[:40], csrf=reader.csrf_token(),
                 well_formed=code is not None, error=error)


def _shown_and_right(learner: str) -> tuple[set[str], set[str], dict[str, int]]:
    """The base questions whose explanation this learner has earned (it is on their page),
    those they have answered right, and the hints their page shows per question."""
    store, shown, right, hints = app_store(), set(), set(), {}
    for qid, question in default_bank().questions.items():
        tries, ever_right = store.tries(learner, qid, None)
        help_ = help_store.help_for(store, learner, qid, None)
        if earned(question, tries, ever_right, help_.revealed_at is not None):
            shown.add(qid)
        if ever_right:
            right.add(qid)
        hints[qid] = help_.hints
    return shown, right, hints


def _carry_hints(to: str, seen: dict[str, int], have: dict[str, int], right: set[str]) -> None:
    """Hints another learner's page showed in this browser count as taken by ``to``, wherever
    ``to`` has fewer and has not answered right yet."""
    store = app_store()
    for qid in sorted(q for q in seen if q not in right and seen[q] > have.get(q, 0)):
        for _ in range(seen[qid] - have.get(qid, 0)):
            help_store.take_hint(store, to, qid, None, seen[qid])


def carry_what_was_shown(leaving: str, arriving: str) -> None:
    """A browser switching learners: what one learner's page shows (explanations, hints)
    counts as revealed (as taken) for the other, wherever the other has not answered right
    yet (see the module's docstring)."""
    shown_left, right_left, hints_left = _shown_and_right(leaving)
    shown_new, right_new, hints_new = _shown_and_right(arriving)
    store = app_store()
    for qid in sorted(shown_left - right_new):
        help_store.record_reveal(store, arriving, qid, None)
    for qid in sorted(shown_new - right_left):
        help_store.record_reveal(store, leaving, qid, None)
    _carry_hints(arriving, hints_left, hints_new, right_new)
    _carry_hints(leaving, hints_new, hints_left, right_left)


def openapi_part() -> dict:
    from web import openapi

    return {"paths": {"/api/resume": {"post": {
        "summary": "A new resume code and link for this reader (the old code stops working)",
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object"}}}},
        "responses": {"200": {"description": "The code and its link", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ResumeCode"}}}},
            **openapi.error_responses(400, 413, 415, 429)}}}},
        "schemas": {"ResumeCode": {"type": "object", "required": ["code", "link"],
                                   "properties": {"code": {"type": "string"},
                                                  "link": {"type": "string"},
                                                  "csrf": {"type": ["string", "null"]}}}}}
