"""Sending queued scores to the platforms, outside every reader's request.

A checkpoint answer only queues its score (lti/ags.py). Scores reach the LMS from here:

- ``Sender``: one thread per process, started by the first request the process serves (so it
  runs in each gunicorn worker after the fork); it sends what waits every
  ``LTI_SEND_INTERVAL`` seconds, or at once when an answer wakes it.
- ``flush()``: one round, also run by ``flask lti send-scores`` (a timer in the deployment).

A round leases waiting rows (``leased_until``), so two workers never send the same row; groups
them by platform and sends each platform's in its own thread, so a platform that hangs holds up
nobody else: the process's sender does not wait for a round's threads, and its next round
leaves out the platforms it is still sending to (``InFlight``); sends only the newest score of
each learner and line item (an AGS score replaces the one before). Every call has
``HTTP_TIMEOUT``; nothing sleeps to retry. A platform that fails backs off (``next_try_at``
on all its rows, shared by every worker): 2, 4, 8 … seconds, at most ``MAX_BACKOFF``, so
scores arrive within a minute after it recovers.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests
from flask import Flask, current_app

from lti import keys
from lti import registrations as regs
from store import lti_queries as q

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
TOKEN_MARGIN = 60  # seconds: a token this close to expiry is replaced
HTTP_TIMEOUT = (2.0, 3.0)  # connect, read: a hung platform costs a sender 5 s, never a reader
LEASE = timedelta(seconds=30)
MAX_BACKOFF = 30.0
ROUND_SIZE = 100


class SendFailed(Exception):
    pass


class Tokens:
    """Per process: (registration, scope) → (access token, when to stop using it). One lock
    per platform, so a platform whose token endpoint hangs blocks no other."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], tuple[str, float]] = {}
        self._locks: defaultdict[tuple[int, str], threading.Lock] = defaultdict(threading.Lock)
        self.fetched = 0  # how many tokens were asked for: the tests read it

    def get(self, registration: regs.Registration, scope: str = SCORE_SCOPE) -> str:
        key = (registration.id, scope)
        with self._locks[key]:
            cached = self._cache.get(key)
            if cached and time.monotonic() < cached[1]:
                return cached[0]
            token, lifetime = self._fetch(registration, scope)
            self._cache[key] = (token, time.monotonic() + max(0.0, lifetime - TOKEN_MARGIN))
            return token

    def forget(self, registration: regs.Registration, scope: str = SCORE_SCOPE) -> None:
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
        response = _checked(lambda: requests.post(
            registration.auth_token_url, data=body, timeout=HTTP_TIMEOUT))
        self.fetched += 1
        try:
            answer = response.json()
            return answer["access_token"], float(answer.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise SendFailed(f"the token endpoint answered {response.status_code} without "
                             "an access token") from None


def _checked(send) -> requests.Response:
    """``send()`` once; any network error or 4xx/5xx answer is a SendFailed."""
    try:
        response = send()
    except requests.RequestException as exc:
        raise SendFailed(f"the platform could not be reached: {exc}") from None
    if response.status_code >= 400:
        raise SendFailed(f"the platform answered {response.status_code}: "
                         f"{response.text[:200]}")
    return response


def scores_url(lineitem: str) -> str:
    path, _, query = lineitem.partition("?")
    return path.rstrip("/") + "/scores" + (f"?{query}" if query else "")


def _post_score(registration: regs.Registration, row, tokens: Tokens) -> None:
    for fresh in (False, True):
        if fresh:
            tokens.forget(registration)
        token = tokens.get(registration)
        try:
            _checked(lambda token=token: requests.post(
                scores_url(row.lineitem_url), data=row.score, timeout=HTTP_TIMEOUT,
                headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE}))
            return
        except SendFailed as exc:
            if fresh or "answered 401" not in str(exc):
                raise


# --- leasing and back-off (one worker's round sees only its own rows) --------------------------

class InFlight:
    """The registrations this process is sending to right now."""

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._lock = threading.Lock()

    def add(self, registration_id: int) -> None:
        with self._lock:
            self._ids.add(registration_id)

    def discard(self, registration_id: int) -> None:
        with self._lock:
            self._ids.discard(registration_id)

    def ids(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._ids)


def _lease(now: datetime, skip: frozenset[int]) -> list:
    """Rows no one else is sending, whose platform is not backing off nor still being sent
    to by this process, now ours."""
    return q.lease_scores(current_app.extensions["store"], now, LEASE, ROUND_SIZE, skip)


def _done(ids: list[int]) -> None:
    q.scores_sent(current_app.extensions["store"], ids)


def _back_off(registration_id: int, row, error: str, now: datetime) -> None:
    """This platform's rows all wait; the failed one counts a try."""
    wait = timedelta(seconds=min(MAX_BACKOFF, 2.0 ** (row.tries + 1)))
    q.back_off(current_app.extensions["store"], registration_id, row.id, row.tries + 1,
               error[:500], now + wait)


def _newest_per_learner(rows: list) -> list[tuple[object, list[int]]]:
    """(row to send, ids it replaces) — an AGS score replaces that learner's earlier one."""
    latest: dict[tuple[str, str], list] = {}
    for row in rows:
        try:
            user = str(json.loads(row.score).get("userId"))
        except (ValueError, AttributeError):
            user = f"row-{row.id}"
        latest.setdefault((row.lineitem_url, user), []).append(row)
    return [(group[-1], [r.id for r in group]) for group in latest.values()]


def _send_platform(app: Flask, registration_id: int, rows: list, tokens: Tokens) -> int:
    with app.app_context():
        registration = regs.by_id(registration_id)
        sent = 0
        for row, ids in _newest_per_learner(rows):
            try:
                if registration is None:
                    raise SendFailed("the registration is gone")
                _post_score(registration, row, tokens)
            except SendFailed as exc:
                current_app.logger.warning("LTI score %s not sent: %s", row.id, exc)
                _back_off(registration_id, row, str(exc), datetime.now(UTC))
                return sent
            _done(ids)
            sent += len(ids)
        return sent


def _platform_jobs() -> list:
    """This round's sends, one per platform (each marked in flight until it ends)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    tokens: Tokens = app.extensions["lti_tokens"]
    in_flight: InFlight = app.extensions["lti_in_flight"]
    by_platform: defaultdict[int, list] = defaultdict(list)
    for row in _lease(datetime.now(UTC), in_flight.ids()):
        by_platform[row.registration_id].append(row)

    def job(registration_id: int, rows: list) -> int:
        try:
            return _send_platform(app, registration_id, rows, tokens)
        finally:
            in_flight.discard(registration_id)

    for registration_id in by_platform:
        in_flight.add(registration_id)
    return [lambda item=item: job(*item) for item in by_platform.items()]


def flush() -> tuple[int, int]:
    """One round, waited for: send what waits, each platform on its own thread.
    (sent, still waiting)"""
    from lti.ags import pending_count

    jobs = _platform_jobs()
    sent = 0
    if jobs:
        with ThreadPoolExecutor(max_workers=min(8, len(jobs))) as pool:
            sent = sum(pool.map(lambda job: job(), jobs))
    return sent, pending_count()


def start_round(pool: ThreadPoolExecutor) -> None:
    """One round, not waited for: each platform's send handed to ``pool``."""
    for job in _platform_jobs():
        pool.submit(job)


class Sender:
    """The process's background sender: a daemon thread, restarted after a fork, until
    ``stop()``. A failing round is logged with its traceback once, then in one line while the
    same failure repeats (a database that is down fails every round)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.interval = float(app.config.get("LTI_SEND_INTERVAL", 5.0))
        self._wake = threading.Event()
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stopped = False
        self._last_failure = ""
        self._pool: ThreadPoolExecutor | None = None  # made after the fork, in the thread

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def ensure_running(self) -> None:
        if self._pid == os.getpid() or self._stopped:
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="lti-scores", daemon=True).start()

    def wake(self) -> None:
        self.ensure_running()
        self._wake.set()

    def _run(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lti-platform")
        while not self._stopped:
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stopped:
                return
            try:
                with self.app.app_context():
                    start_round(self._pool)
                self._last_failure = ""
            except Exception as exc:  # storage down, a bug: log it, try again next round
                failure = f"{type(exc).__name__}: {exc}"
                if failure != self._last_failure:
                    self.app.logger.exception("LTI scores: a sending round failed")
                else:
                    self.app.logger.warning("LTI scores: failed again: %s", failure[:200])
                self._last_failure = failure
