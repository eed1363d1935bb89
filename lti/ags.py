"""Grade passback (LTI Assignment and Grade Services): after each checkpoint attempt the
learner's score goes to the line item of the link they launched from.

Every score is first written to ``lti_pending_scores``, then sent; it is deleted only when the
platform accepted it, so a platform that is down, slow or refusing loses nothing — the next
attempt (or ``flask lti send-scores``) sends what is waiting, oldest first.
``pending_count(class_id)`` says how many are waiting, for the dashboard.

The access token comes from the platform's token endpoint by the client-credentials grant
with a JWT client assertion signed by the tool's key (private_key_jwt), and is reused until
``TOKEN_MARGIN`` before it expires. 429 and 5xx answers are retried after
``LTI_RETRY_DELAYS`` seconds (honouring a short Retry-After).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import UTC, datetime

import requests
from flask import current_app
from sqlalchemy import func, select

from lti import db, keys
from lti import registrations as regs
from quizzes.bank import default_bank
from quizzes.progress import question_states
from quizzes.scoring import DEFAULT_CREDIT, REVEALED, WITH_HINTS, Credit, total
from store import classes as class_store
from store.lti import pending_scores

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
TOKEN_MARGIN = 60  # seconds: a token this close to expiry is replaced
HTTP_TIMEOUT = 10
MAX_RETRY_AFTER = 5.0


class SendFailed(Exception):
    pass


class Tokens:
    """Per process: (registration, scope) → (access token, when to stop using it)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], tuple[str, float]] = {}
        self._lock = threading.Lock()
        self.fetched = 0  # how many tokens were asked for: the tests read it

    def get(self, registration: regs.Registration, scope: str = SCORE_SCOPE) -> str:
        with self._lock:
            cached = self._cache.get((registration.id, scope))
            if cached and time.monotonic() < cached[1]:
                return cached[0]
            token, lifetime = self._fetch(registration, scope)
            self._cache[(registration.id, scope)] = (
                token, time.monotonic() + max(0.0, lifetime - TOKEN_MARGIN))
            return token

    def forget(self, registration: regs.Registration, scope: str = SCORE_SCOPE) -> None:
        with self._lock:
            self._cache.pop((registration.id, scope), None)

    def _fetch(self, registration: regs.Registration, scope: str) -> tuple[str, float]:
        now = int(time.time())
        assertion = keys.sign({
            "iss": registration.client_id, "sub": registration.client_id,
            "aud": registration.token_audience or registration.auth_token_url,
            "iat": now, "exp": now + 300, "jti": secrets.token_urlsafe(16)})
        body = {"grant_type": "client_credentials",
                "client_assertion_type":
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion, "scope": scope}
        response = _with_retries(lambda: requests.post(
            registration.auth_token_url, data=body, timeout=HTTP_TIMEOUT))
        self.fetched += 1
        try:
            answer = response.json()
            return answer["access_token"], float(answer.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise SendFailed(f"the token endpoint answered {response.status_code} without "
                             "an access token") from None


def _with_retries(send) -> requests.Response:
    """``send()`` until it is neither 429 nor 5xx nor a network error, within the delays."""
    delays = list(current_app.config.get("LTI_RETRY_DELAYS", (0.5, 1.0, 2.0)))
    while True:
        try:
            response = send()
        except requests.RequestException as exc:
            if not delays:
                raise SendFailed(f"the platform could not be reached: {exc}") from None
            time.sleep(delays.pop(0))
            continue
        if response.status_code != 429 and response.status_code < 500:
            if response.status_code >= 400:
                raise SendFailed(f"the platform answered {response.status_code}: "
                                 f"{response.text[:200]}")
            return response
        if not delays:
            raise SendFailed(f"the platform answered {response.status_code} every time")
        delay = delays.pop(0)
        retry_after = response.headers.get("Retry-After", "")
        if retry_after.isdigit():
            delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER))
        time.sleep(delay)


def scores_url(lineitem: str) -> str:
    path, _, query = lineitem.partition("?")
    return path.rstrip("/") + "/scores" + (f"?{query}" if query else "")


# --- what a score says ------------------------------------------------------------------------

def score_for(learner_id: str, sub: str, class_id: int | None = None) -> dict:
    """The learner's checkpoint as an AGS score: ``scoreGiven`` is the sum of the questions'
    scores by the one rule the page and the roster use (quizzes/scoring.py: a revealed
    question earns the class's revealed credit, 0 unless its instructor says otherwise). With
    ``class_id`` only that class's attempts and help count, as on its roster, with its credit.
    The comment names the revealed questions, the ones right with hints, and the
    misconceptions the answers showed."""
    store = db.store()
    bank = default_bank()
    mine = store.attempts(learner_id)
    if class_id is not None:
        mine = [a for a in mine if a.class_id == class_id]
    record = class_store.class_by_id(store, class_id) if class_id is not None else None
    credit = Credit(record.revealed_credit, record.hinted_credit) if record else DEFAULT_CREDIT
    states = question_states(store, [learner_id], bank.questions, attempts=mine,
                             class_id=class_id, credit=credit)[learner_id]
    return {
        "userId": sub, "scoreGiven": total(states.values()),
        "scoreMaximum": len(bank.questions), "comment": score_comment(bank, states, mine),
        "activityProgress": "Completed" if all(s.done for s in states.values())
        else "InProgress",
        "gradingProgress": "FullyGraded",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


def score_comment(bank, states: dict, attempts) -> str:
    """What the gradebook's comment says: how many right, which were revealed or right with
    hints, and the misconceptions shown."""
    def numbers(state: str) -> str:
        return ", ".join(f"Q{bank.questions[q].number}" for q, s in states.items()
                         if s.state == state)

    right = sum(1 for s in states.values() if s.right)
    comment = f"{right} of {len(bank.questions)} checkpoint questions right."
    if numbers(WITH_HINTS):
        comment += f" Right with hints: {numbers(WITH_HINTS)}."
    if numbers(REVEALED):
        comment += f" Answer revealed before a right answer: {numbers(REVEALED)}."
    shown = list(dict.fromkeys(a.misconception for a in attempts
                               if a.misconception and not a.correct))
    if shown:
        comment += " Misconceptions shown: " + "; ".join(
            f"{bank.misconceptions.get(name, name)} ({name})" for name in shown) + "."
    else:
        comment += " No misconceptions shown."
    return comment


# --- the queue --------------------------------------------------------------------------------

def queue(registration_id: int, lineitem: str, class_id: int | None, score: dict) -> None:
    db.run(lambda conn: conn.execute(pending_scores.insert().values(
        registration_id=registration_id, lineitem_url=lineitem, class_id=class_id,
        score=json.dumps(score), tries=0, created_at=datetime.now(UTC))), write=True)


def pending_count(class_id: int | None = None) -> int:
    """Scores not yet accepted by the platform (for one class, or all)."""
    query = select(func.count()).select_from(pending_scores)
    if class_id is not None:
        query = query.where(pending_scores.c.class_id == class_id)
    return int(db.run(lambda conn: conn.execute(query).scalar_one()))


def _send(row, tokens: Tokens) -> None:
    registration = regs.by_id(row.registration_id)
    if registration is None:
        raise SendFailed("the registration is gone")
    for fresh in (False, True):
        if fresh:
            tokens.forget(registration)
        token = tokens.get(registration)
        try:
            _with_retries(lambda token=token: requests.post(
                scores_url(row.lineitem_url), data=row.score, timeout=HTTP_TIMEOUT,
                headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE}))
            return
        except SendFailed as exc:
            if fresh or "answered 401" not in str(exc):
                raise


def flush(limit: int = 20) -> tuple[int, int]:
    """Send waiting scores, oldest first: (sent, still waiting)."""
    tokens: Tokens = current_app.extensions["lti_tokens"]
    rows = db.run(lambda conn: conn.execute(
        select(pending_scores).order_by(pending_scores.c.id).limit(limit)).all())
    sent = 0
    for row in rows:
        try:
            _send(row, tokens)
        except SendFailed as exc:
            current_app.logger.warning("LTI score %s not sent: %s", row.id, exc)
            db.run(lambda conn, row=row, exc=exc: conn.execute(pending_scores.update().where(
                pending_scores.c.id == row.id).values(tries=row.tries + 1,
                                                      last_error=str(exc)[:500])), write=True)
            continue
        db.run(lambda conn, row=row: conn.execute(pending_scores.delete().where(
            pending_scores.c.id == row.id)), write=True)
        sent += 1
    return sent, pending_count()
