"""The store: the app's handle on its database, and every query about attempts.

SQLite by default, PostgreSQL at scale, through SQLAlchemy Core so one piece of code serves
both. The tables are in ``schema.py``, the classes' queries in ``classes.py``, migrations in
``migrate.py`` and ``migrations/``.

Storage may fail (a read-only file, a database that is down). Every public method then raises
``StoreUnavailable``, so callers answer honestly instead of failing the request.

Storage gets a short time budget inside a request: SQLite waits at most twice
``SQLITE_BUSY_TIMEOUT_MS`` for a write lock; PostgreSQL gets ``PG_CONNECT_TIMEOUT_S`` to
connect and ``PG_STATEMENT_TIMEOUT_MS`` per statement, and the pool hands out a connection
within ``POOL_TIMEOUT_S`` or not at all; a server that stops answering altogether is cut off
by the client after ``deadline.DEADLINE_S`` (commit included), so an answer reported saved
was committed within that time. After a failure, the same request never touches
storage again, and a failure that looks like an unreachable, hung or locked database opens a
circuit breaker: for ``BREAKER_SECONDS`` every call raises ``StoreUnavailable`` at once,
without waiting on the database. On PostgreSQL the breaker then stays open until a thread of
its own has reached the server again (``deadline.probe_until_back``), so no reader's request
pays a connect timeout to learn that the server is still gone. A row held by another
transaction for longer than ``PG_LOCK_TIMEOUT_MS`` fails only the request waiting on it: the
server answered, so no breaker opens for everyone else (on PostgreSQL; SQLite's one lock is
the whole database's, and waiting on it still counts as an outage).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from store import deadline, migrate, page_read
from store.request_flags import request_flags
from store.schema import attempts, enrolments
from store.summaries import READ_SUMMARIES, Summary
from web.errors import ServiceUnavailable

log = logging.getLogger(__name__)

DEFAULT_FILE = "checkpoint.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 400  # workers queue for the write lock, but a request never stalls
PG_CONNECT_TIMEOUT_S = 2  # psycopg 3 raises any connect_timeout below 2 s to 2 s
PG_STATEMENT_TIMEOUT_MS = 1000  # a slow query is cancelled by the server
# A row another transaction holds (one learner's counters, an address's answer window) is
# waited on this long, then that one answer is refused: the server answered, so it is no outage.
# PostgreSQL times each wait on its own, and an answer may wait on up to five rows in turn (its
# two counters, a review, two windows): 5 × 0.2 s stays inside the client's deadline, which
# would otherwise cut the connection and open the breaker after all.
PG_LOCK_TIMEOUT_MS = 200
MOST_ROWS_AN_ANSWER_WAITS_ON = 5
ROW_BUSY_SQLSTATE = "55P03"  # lock_not_available: what PostgreSQL raises at the lock timeout
# A server that stops answering cannot cancel anything: the client's deadline (deadline.py)
# cuts the connection; keepalives and tcp_user_timeout notice a peer gone from the network.
PG_CONNECT_ARGS = {"connect_timeout": PG_CONNECT_TIMEOUT_S,
                   "options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS} "
                              f"-c lock_timeout={PG_LOCK_TIMEOUT_MS}",
                   "tcp_user_timeout": int(deadline.DEADLINE_S * 1000),
                   "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 1,
                   "keepalives_count": 3}
POOL_TIMEOUT_S = 1.0  # every pooled connection busy: give up instead of queueing 30 s
BREAKER_SECONDS = 5.0  # after an outage-like failure, fail at once for this long
MAX_ATTEMPTS_PER_LEARNER = 2000  # what one learner may store; beyond it answers are graded only
# A failure that took this long, or whose message says so, means waiting would not help.
MIGRATION_WAIT_S = 2.0  # a request queues this long at most behind another's lazy migration
SLOW_FAILURE_S = 0.1
OUTAGE_WORDS = ("connect", "timeout", "timed out", "locked", "canceling statement", "closed",
                "terminat", "server", "busy")


class StoreUnavailable(ServiceUnavailable):
    """The database could not be reached or written; nothing was stored. A route that lets it
    pass answers 503 (web/errors.py)."""


class AttemptCapReached(StoreUnavailable):
    """This learner has stored ``MAX_ATTEMPTS_PER_LEARNER`` attempts; this one was not."""


@dataclass(frozen=True)
class NewAttempt:
    learner_id: str
    question_id: str
    answer: str
    score: float
    correct: bool
    misconception: str | None = None
    variant: str | None = None


@dataclass(frozen=True)
class Attempt:
    id: int
    learner_id: str
    question_id: str
    variant: str | None
    answer: str
    score: float
    correct: bool
    misconception: str | None
    created_at: datetime
    class_id: int | None = None
    number: int | None = None  # its number for this learner and question (or variant)


@dataclass(frozen=True)
class Recorded:
    """A stored attempt: its number, and whether this question (or variant) was ever right."""

    number: int
    ever_right: bool


@dataclass(frozen=True)
class QuestionProgress:
    """One learner's record on one base question: how often they tried, and their last try."""

    attempts: int
    last: Attempt


def database_url(configured: str, instance_path: str) -> str:
    """The SQLAlchemy URL for ``DATABASE_URL``: a SQLite file in the instance folder when
    unset, and psycopg 3 for ``postgresql://`` (SQLAlchemy would otherwise pick psycopg2)."""
    if not configured:
        return f"sqlite:///{Path(instance_path) / DEFAULT_FILE}"
    for prefix in ("postgresql://", "postgres://"):
        if configured.startswith(prefix):
            return "postgresql+psycopg://" + configured[len(prefix):]
    return configured


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one worker writes; the busy timeout makes a second writer
    # wait for the lock instead of failing with "database is locked". synchronous=NORMAL in
    # WAL keeps every committed transaction across a crash of the app (kill -9); only a power
    # loss of the machine could lose the last commits.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # The attempts trigger keys a variant's counter row by its token's digest (migration
    # 0013): SQLite has no SHA-256 of its own, so the app adds one. A build that distrusts
    # the schema by default would refuse such a function inside a trigger; this file is the
    # app's own.
    cursor.execute("PRAGMA trusted_schema = ON")
    cursor.close()
    dbapi_connection.create_function("variant_key", 1, variant_key, deterministic=True)


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT_S)
    engine = create_engine(url, pool_timeout=POOL_TIMEOUT_S, connect_args=PG_CONNECT_ARGS)
    deadline.arm(engine)  # the client's own clock, and the ping under it
    return engine


def variant_key(variant: str | None) -> str:
    """A variant's key in ``question_counters``: "" for the base question, else a digest of
    its token (a fixed length, whatever the token's)."""
    return "" if variant is None else hashlib.sha256(variant.encode()).hexdigest()


def row_to_attempt(row) -> Attempt:
    return Attempt(**{key: row._mapping[key] for key in Attempt.__dataclass_fields__})


class Store:
    """The app's handle on its database. One per process; safe to share between threads."""

    def __init__(self, url: str, breaker_seconds: float = BREAKER_SECONDS,
                 clock=time.monotonic):
        self.url = url
        self.engine = make_engine(url)
        self.page_reads = page_read.kept_reads(self.engine)  # SQLite: the page's read, kept
        self._schema_ready = False
        self.breaker_seconds = breaker_seconds
        self._clock = clock
        self._open_until = 0.0
        self._lock = threading.Lock()
        self._probing = False  # PostgreSQL: a thread checks the server before the breaker closes
        self._closed = False

    def now(self) -> datetime:
        """The wall clock every stored time comes from (tests replace it)."""
        return datetime.now(UTC)

    def current_class(self, learner_id: str):
        """The learner's current class (the class link they opened last), as a subquery."""
        return (select(enrolments.c.class_id)
                .where(enrolments.c.learner_id == learner_id)
                .order_by(enrolments.c.joined_at.desc(), enrolments.c.id.desc())
                .limit(1).scalar_subquery())

    # --- the time budget -------------------------------------------------------------

    def breaker_open(self) -> bool:
        return self._probing or self._clock() < self._open_until

    @contextmanager
    def guard(self, what: str) -> Iterator[None]:
        """Run one storage operation: refused at once while the breaker is open or after this
        request already saw storage fail; any database failure becomes StoreUnavailable.
        IntegrityError (a constraint, not an outage) passes through unchanged."""
        flags = request_flags()
        if flags and flags.get(id(self)):
            raise StoreUnavailable(f"{what}: storage already failed in this request")
        if self.breaker_open():
            raise StoreUnavailable(f"{what}: storage failed a moment ago; not retried yet")
        started = self._clock()
        try:
            with deadline.budget():
                yield
        except (IntegrityError, AttemptCapReached):
            raise
        except StoreUnavailable as exc:  # the lazy migration inside failed
            if not isinstance(exc.__cause__, migrate.MigrationBusy):  # busy is no outage
                self._failed(exc, self._clock() - started, flags)
            raise
        except SQLAlchemyError as exc:
            self._failed(exc, self._clock() - started, flags)
            log.warning("%s: %s", what, exc)
            raise StoreUnavailable(str(exc)) from exc

    def _failed(self, exc: Exception, took: float, flags: dict | None) -> None:
        if flags is not None:
            flags[id(self)] = True
        if getattr(getattr(exc, "orig", None), "sqlstate", None) == ROW_BUSY_SQLSTATE:
            return  # one row held by another transaction: this request fails, no one else
        message = str(exc).lower()
        if took >= SLOW_FAILURE_S or any(word in message for word in OUTAGE_WORDS):
            with self._lock:
                self._open_until = self._clock() + self.breaker_seconds
                probe = self.engine.dialect.name == "postgresql" and not self._probing
                self._probing = self._probing or probe
            if probe:  # no request waits on a server that may be gone to find out it is back
                threading.Thread(target=deadline.probe_until_back, args=(self,),
                                 name="store-probe", daemon=True).start()

    # --- schema ------------------------------------------------------------------------

    def upgrade(self, revision: str = "head", retries: int = 3,
                wait: float | None = None) -> None:
        """Apply the migrations. Several workers starting at once may race to create the
        schema; the loser retries and finds it done. ``wait``: how long a request may queue
        behind another thread's migration (one that hangs on a dead server must not hold
        every request of the worker)."""
        for attempt in range(retries):
            try:
                migrate.upgrade(self.engine, revision, wait=wait)
                break
            except migrate.MigrationBusy as exc:
                raise StoreUnavailable(str(exc)) from exc
            except SQLAlchemyError as exc:
                if attempt == retries - 1:
                    raise StoreUnavailable(f"cannot migrate the database: {exc}") from exc
                time.sleep(0.2 * (attempt + 1))
        self._schema_ready = revision == "head"

    def ensure_schema(self) -> None:
        """Migrate once per process, lazily again if the database was down at start-up.
        One try, no sleeping between retries: this runs inside a reader's request."""
        if not self._schema_ready:
            self.upgrade(retries=1, wait=MIGRATION_WAIT_S)

    # --- attempts ------------------------------------------------------------------------

    def record_attempt(self, new: NewAttempt) -> int:
        """Store one attempt and return its number for this learner, question and variant."""
        return self.record(new).number

    def record(self, new: NewAttempt) -> Recorded:
        """Store one attempt: its number for this learner, question and variant, and whether
        that question (or variant) was ever answered right, in one transaction
        (``store.answers.record_answer``, which also counts the answer limits). Returns only
        after the transaction has committed. A learner who already stored
        ``MAX_ATTEMPTS_PER_LEARNER`` attempts gets ``AttemptCapReached`` and nothing stored."""
        return self.answer_transaction(new).recorded

    # store/answers.py, built on this module, puts its ``record_answer`` here when imported
    # (the store package imports it), so this module does not import it back.
    answer_transaction: Callable

    def summaries(self, learner_id: str) -> dict[str, Summary]:
        """The learner's summary per base question they tried, and under "" on everything:
        one indexed read."""
        with self.guard("progress not read"):
            self.ensure_schema()
            with self.engine.connect() as conn:
                rows = conn.execute(READ_SUMMARIES, {"learner_id": learner_id}).all()
        return {row.question_id: Summary(
            row.question_id, int(row.attempts), row.first_right, row.first_right_at,
            row.last_score, row.last_answer, tuple(row.misconceptions.split()))
            for row in rows}

    def tries(self, learner_id: str, question_id: str, variant: str | None) -> tuple[int, bool]:
        """How many attempts this learner made at this question (or variant), and whether
        any of them was correct."""
        same = attempts.c.variant.is_(None) if variant is None else attempts.c.variant == variant
        query = select(func.count(), func.max(attempts.c.score)).where(
            attempts.c.learner_id == learner_id, attempts.c.question_id == question_id, same)
        with self.guard("attempts not read"):
            self.ensure_schema()
            with self.engine.connect() as conn:
                count, best = conn.execute(query).one()
        return int(count), best is not None and float(best) >= 1.0

    def learner_progress(self, learner_id: str) -> dict[str, QuestionProgress]:
        """Per base question (practice variants excluded): attempt count and last attempt."""
        with self.guard("progress not read"):
            self.ensure_schema()
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(attempts).where(attempts.c.learner_id == learner_id,
                                           attempts.c.variant.is_(None))
                    .order_by(attempts.c.id)
                ).all()
        counts: dict[str, int] = {}
        last: dict[str, Attempt] = {}
        for row in rows:
            attempt = row_to_attempt(row)
            counts[attempt.question_id] = counts.get(attempt.question_id, 0) + 1
            last[attempt.question_id] = attempt
        return {qid: QuestionProgress(counts[qid], last[qid]) for qid in last}

    def attempts(self, learner_id: str | None = None, question_id: str | None = None,
                 question_ids: tuple[str, ...] | None = None) -> list[Attempt]:
        """Attempts in the order they were made, optionally for one learner, one question or
        some questions."""
        query = select(attempts).order_by(attempts.c.id)
        if learner_id is not None:
            query = query.where(attempts.c.learner_id == learner_id)
        if question_id is not None:
            query = query.where(attempts.c.question_id == question_id)
        if question_ids is not None:
            query = query.where(attempts.c.question_id.in_(question_ids))
        with self.guard("attempts not read"):
            self.ensure_schema()
            with self.engine.connect() as conn:
                return [row_to_attempt(row) for row in conn.execute(query)]

    def dispose(self) -> None:
        self._closed = True
        self.engine.dispose()


def init_app(app) -> Store:
    """Open the store ``DATABASE_URL`` names and migrate it. A database that is down at
    start-up does not stop the chapter: the store migrates on its first successful use."""
    store = Store(database_url(app.config.get("DATABASE_URL", ""), app.instance_path))
    try:
        store.upgrade()
    except StoreUnavailable as exc:
        app.logger.warning("storage unavailable at start-up: %s", exc)
    app.extensions["store"] = store
    app.cli.add_command(migrate.db_cli)
    return store
