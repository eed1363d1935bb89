"""The instructor and student pages: create a class, join it, and the class's dashboard.

Routes parse, call store/classes.py and instructors' own modules, and render. Who sees what:

- ``/classes/new``: says how classes are made. Creating one needs the instructor code the
  operator sets (``INSTRUCTOR_CODE``, environment or config, compared in constant time);
  without one, the form is not offered and only ``flask --app app classes create NAME`` makes
  classes. The instructor link is shown once, never again. Wrong codes count as misses of
  the guessing limiter, and each address may create only a few classes an hour.
- ``/join/<token>``: the student link; its token is random (it says nothing about the class's
  row id or key). A student names themselves once, editable at ``/class/name``.
- ``/teach/<token>/<key>…``: the dashboard, its live data and the CSV exports. Anything but
  the class's own key answers exactly like an unknown page (404), and an address that keeps
  guessing is made to wait (instructors/ratelimit.py).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import secrets
import unicodedata
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from instructors import export, keys, stats
from instructors.charts import answer_figure
from instructors.practice import class_practice
from instructors.ratelimit import StoredBackoff, bucket
from quizzes.bank import default_bank
from quizzes.progress import question_states
from quizzes.scoring import Credit
from store import classes as class_store
from store import help as help_store
from store import review as review_store
from web import csrf, reader, security
from web.errors import ClientError, ServiceUnavailable

bp = Blueprint("instructors", __name__)

CLASS_KEY = "class"  # {"token", "name", "student"}: the reader's current class, for the banner
POLL_SECONDS = 10  # how often an open dashboard refreshes; DASHBOARD_POLL_SECONDS overrides
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the key is in the path: never send it anywhere
    "X-Robots-Tag": "noindex, nofollow",
}


def _store():
    return current_app.extensions["store"]


def _limiter() -> StoredBackoff:
    return current_app.extensions["instructor_backoff"]


def _address() -> str:
    return request.remote_addr or "unknown"


def instructor_code() -> str:
    """The code that lets a browser create a class; empty when the operator set none."""
    return (security.setting(current_app, "INSTRUCTOR_CODE") or "").strip()


def _too_many(wait: float, heading: str, message: str) -> ClientError:
    seconds = int(wait) + 1
    return ClientError(f"{message} Try again in {seconds} seconds.", status=429,
                       heading=heading, headers={"Retry-After": str(seconds)})


def _private(response: Response) -> Response:
    for name, value in PRIVATE_HEADERS.items():
        response.headers[name] = value
    return response


def _page(template: str, status: int = 200, **context) -> Response:
    return _private(Response(render_template(template, **context), status,
                             mimetype="text/html"))


EXPIRED = "This form had expired. It has been refreshed: send it again."


CODE_FIELD = "instructor_code"
WRONG_CODE = ("That instructor code is not right. Ask the person who runs this site for it, "
              "or have them make the class for you.")


@bp.route("/classes/new", methods=["GET", "POST"])
@csrf.token_always
def new_class():
    code = instructor_code()
    if request.method == "GET":
        return _page("instructors/new.html", name="", code_required=bool(code))
    if not code:  # no code set: classes are made from the command line only
        return _page("instructors/new.html", 403, name="", code_required=False,
                     refused=True)
    name = request.form.get("name", "")

    def again(status: int, error: str, field: str = "name") -> Response:
        return _page("instructors/new.html", status, name=name, code_required=True,
                     error=error, error_field=field)

    guesses = bucket(_address(), "instructor-code")
    if not keys.code_matches(request.form.get(CODE_FIELD), code):
        wait = _limiter().retry_after(guesses)
        if wait:
            raise _too_many(wait, "Too many wrong instructor codes.",
                            "Check the code you were given.")
        _limiter().miss(guesses)
        return again(403, WRONG_CODE, CODE_FIELD)
    try:
        clean = keys.clean_name(name, "name", keys.CLASS_NAME_MAX, "a name for the class")
    except keys.BadName as exc:
        return again(400, exc.message)
    wait = current_app.extensions["class_creation_window"].hit(_address())
    if wait:
        raise _too_many(wait, "Too many new classes.",
                        "This address has made several classes in the last hour.")
    key = keys.new_key()
    record = class_store.create_class(_store(), clean, keys.new_token(), keys.hash_key(key))
    return _page("instructors/created.html", cls=record,
                 student_url=url_for(".join", token=record.token, _external=True),
                 teach_url=url_for(".dashboard", token=record.token, key=key, _external=True))


# --- students ---------------------------------------------------------------------------------

def _remember(record: class_store.ClassRecord, display_name: str) -> None:
    session[CLASS_KEY] = {"token": record.token, "name": record.name, "student": display_name}


def _known_class(token: str) -> class_store.ClassRecord:
    if not keys.well_formed_token(token):
        abort(404)
    record = class_store.class_by_token(_store(), token)
    if record is None:
        abort(404)
    return record


def _save_name(record: class_store.ClassRecord, learner: str, editing: bool):
    """The join form and the rename form: check the name, store it, back to the chapter."""
    name = request.form.get("name", "")
    try:
        clean = keys.clean_name(name, "name", keys.DISPLAY_NAME_MAX,
                                 "your name or student ID")
    except keys.BadName as exc:
        return _page("instructors/join.html", 400, cls=record, name=name, editing=editing,
                     error=exc.message)
    class_store.enrol(_store(), record.id, learner, clean)
    if not editing:
        class_store.make_current(_store(), record.id, learner)
    _remember(record, clean)
    return redirect(url_for("chapter.index"), 303)


@bp.route("/join/<token>", methods=["GET", "POST"])
@csrf.token_always
def join(token: str):
    record = _known_class(token)
    if request.method == "GET":
        me = session.get(reader.LEARNER)
        enrolled = class_store.student(_store(), record.id, me) if me else None
        if enrolled is not None:  # asked once: the link now simply opens the chapter
            class_store.make_current(_store(), record.id, me)
            _remember(record, enrolled.display_name)
            return redirect(url_for("chapter.index"), 303)
        return _page("instructors/join.html", cls=record, name="", editing=False)
    return _save_name(record, reader.ensure_learner(), editing=False)


def _my_class() -> tuple[class_store.ClassRecord, class_store.Student]:
    """The reader's current class and their enrolment in it, or 404."""
    current = session.get(CLASS_KEY)
    me = session.get(reader.LEARNER)
    record = class_store.class_by_token(_store(), current["token"]) if current and me else None
    enrolled = class_store.student(_store(), record.id, me) if record else None
    if enrolled is None:
        abort(404)
    return record, enrolled


@bp.route("/class/name", methods=["GET", "POST"])
@csrf.token_always
def edit_name():
    record, enrolled = _my_class()
    me = enrolled.learner_id
    if request.method == "GET":
        return _page("instructors/join.html", cls=record, name=enrolled.display_name,
                     editing=True)
    return _save_name(record, me, editing=True)


def class_membership() -> dict | None:
    """For the banner in base.html: the reader's class and display name, or None. Read from
    the session only, so the page shared by readers without a cookie never changes."""
    current = session.get(CLASS_KEY) if session else None
    return current if isinstance(current, dict) else None


# --- instructors ------------------------------------------------------------------------------

def _instructor_class(token: str, key: str) -> class_store.ClassRecord:
    """The class whose token *and* key these are, or 404 — the same 404 as any unknown page.
    A wrong key and an unknown class cost the same time and count the same miss. The key is
    checked first, so the right one is never refused; only misses count, and only misses
    of a (address, class token) that kept missing are made to wait (429)."""
    if not (keys.well_formed_token(token) and keys.well_formed_key(key)):
        abort(404)
    record = class_store.class_by_token(_store(), token)
    stored_hash = record.key_hash if record else _NO_CLASS_HASH
    if keys.key_matches(key, stored_hash) and record is not None:
        return record
    guesses = bucket(_address(), token)
    wait = _limiter().retry_after(guesses)
    if wait:
        raise _too_many(wait, "Too many wrong instructor links.",
                        "Check the link you saved.")
    _limiter().miss(guesses)
    abort(404)


_NO_CLASS_HASH = keys.hash_key(secrets.token_urlsafe(32))  # matches no key anyone can send


def _when(moment: datetime | None) -> str:
    moment = export.as_utc(moment)
    return moment.astimezone(UTC).strftime("%-d %b, %H:%M") if moment else "—"  # all UTC


def _version(record: class_store.ClassRecord) -> str:
    """Changes whenever anything the dashboard shows does: a new attempt, student or name."""
    seen = class_store.class_version(_store(), record.id)
    return hashlib.sha256(json.dumps(seen).encode()).hexdigest()[:24]


def class_credit(record: class_store.ClassRecord) -> Credit:
    return Credit(record.revealed_credit, record.hinted_credit)


def _states(record: class_store.ClassRecord, students, summary) -> dict:
    """Each student's state and score per question, as their own page shows them: from the
    summary (reduced in the database), the help they asked for (one grouped query) and the
    class's credit."""
    return question_states(_store(), [s.learner_id for s in students],
                           default_bank().questions, summary=summary, class_id=record.id,
                           credit=class_credit(record))


def _rows(record: class_store.ClassRecord, students, summary,
          states: dict | None = None) -> list[stats.RosterRow]:
    states = _states(record, students, summary) if states is None else states
    return stats.roster(default_bank(), students, summary, states, class_credit(record))


def _dashboard_context(record: class_store.ClassRecord) -> dict:
    bank = default_bank()
    students = class_store.students(_store(), record.id)
    summary = class_store.class_summary(_store(), record.id)  # reduced in the database
    states = _states(record, students, summary)
    per_question = stats.class_stats(bank, summary, states)
    rows = _rows(record, students, summary, states)
    help_counts = help_store.class_help_counts(_store(), record.id)
    reviewed_right, reviewed = review_store.class_accuracy(_store(), record.id)
    practice, practice_tallies = class_practice(_store(), bank, record.id, students)
    return {"practice": practice, "practice_tallies": practice_tallies,
            "reviews": {"right": reviewed_right, "answered": reviewed,
                        "rate": reviewed_right / reviewed if reviewed else None},
            "cls": record, "bank": bank, "stats": per_question, "help_counts": help_counts,
            "credit": class_credit(record),
            "rows": rows, "students": students,
            "overview": stats.overview(bank, rows, help_counts),
            "attempt_count": summary.attempt_count, "when": _when, "now": datetime.now(UTC),
            "last_activity": summary.last_activity,
            "figures": {s.id: answer_figure(s) for s in per_question}}


def dashboard_page(record: class_store.ClassRecord, key: str, status: int = 200,
                   **extra) -> Response:
    poll = current_app.config.get("DASHBOARD_POLL_SECONDS", POLL_SECONDS)
    return _page("instructors/dashboard.html", status, poll_seconds=poll,
                 student_url=url_for("instructors.join", token=record.token, _external=True),
                 key=key, **_dashboard_context(record), **extra)


@bp.get("/teach/<token>/<key>")
def dashboard(token: str, key: str):
    return dashboard_page(_instructor_class(token, key), key)


@bp.get("/teach/<token>/<key>/data.json")
def live_data(token: str, key: str):
    """What the open dashboard polls: the numbers, and its regions rendered again — or just
    ``{"unchanged": true}`` when ``?since=`` names the current version, so polling an idle
    class costs a query and no rendering."""
    record = _instructor_class(token, key)
    version = _version(record)
    if request.args.get("since") == version:
        return _private(jsonify({"unchanged": True, "version": version}))
    context = _dashboard_context(record)
    html = {region: render_template(f"instructors/_{region}.html", **context)
            for region in ("summary", "questions", "roster", "practice")}
    return _private(jsonify({
        "students": len(context["students"]), "attempts": context["attempt_count"],
        "reviews": context["reviews"],
        "questions": [stats.question_numbers(s, context["help_counts"].get(s.id, {}))
                      for s in context["stats"]],
        "roster": [{"number": r.number, "name": r.name, "score": r.score,
                    "first_try": r.first_try,
                    "states": {q: c.state for q, c in r.cells.items()},
                    "labels": {q: c.label for q, c in r.cells.items()},
                    "attempts": {q: c.attempts for q, c in r.cells.items()},
                    "hints": {q: c.hints for q, c in r.cells.items()},
                    "revealed": {q: c.revealed for q, c in r.cells.items()}}
                   for r in context["rows"]],
        "figures": context["figures"], "html": html, "version": version}))


def _filename(record: class_store.ClassRecord, what: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", record.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:40] or "class"
    return f"{slug}-{what}.csv"


def _csv(record: class_store.ClassRecord, what: str, lines) -> Response:
    """A streamed CSV: lines are written as they are made (BOM first: spreadsheets then read
    UTF-8), so a large class is exported in constant memory. The lines need no request
    context (the store is already in hand), so none is held open while they are written."""
    body = itertools.chain(["\ufeff"], lines)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(record, what)}"')
    return _private(response)


@bp.get("/teach/<token>/<key>/roster.csv")
def roster_csv(token: str, key: str):
    record = _instructor_class(token, key)
    students = class_store.students(_store(), record.id)
    rows = _rows(record, students, class_store.class_summary(_store(), record.id))
    practice = class_practice(_store(), default_bank(), record.id, students)[0]
    return _csv(record, "roster", export.iter_roster_csv(
        default_bank(), rows, [practice.get(s.learner_id, {}) for s in students]))


@bp.get("/teach/<token>/<key>/attempts.csv")
def attempts_csv(token: str, key: str):
    """Every attempt, streamed: read from the database in chunks while the response is
    written. The students are read first, so storage that is down is still a 503."""
    record = _instructor_class(token, key)
    students = class_store.students(_store(), record.id)
    helped = help_store.class_help_times(_store(), record.id)
    return _csv(record, "attempts", export.iter_attempts_csv(
        default_bank(), students, class_store.iter_class_attempts(_store(), record.id),
        helped))


@bp.errorhandler(csrf.FormExpired)
def _expired(error: csrf.FormExpired) -> Response:
    """A class form whose token had expired (web/csrf.py): the same form again, with what the
    reader typed and a fresh token."""
    name = request.form.get("name", "")
    if request.endpoint == "instructors.new_class":
        if not instructor_code():
            return _page("instructors/new.html", 403, name="", code_required=False,
                         refused=True)
        return _page("instructors/new.html", 400, name=name, code_required=True,
                     error=EXPIRED, error_field="name")
    editing = request.endpoint == "instructors.edit_name"
    try:
        record = _my_class()[0] if editing else _known_class(request.view_args["token"])
    except (HTTPException, ServiceUnavailable) as exc:  # no such class; storage down
        return current_app.handle_user_exception(exc)
    return _page("instructors/join.html", 400, cls=record, name=name, editing=editing,
                 error=EXPIRED)
