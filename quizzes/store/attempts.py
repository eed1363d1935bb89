"""The store: the app's handle on its database, and every query about attempts.

SQLite by default, PostgreSQL at scale, through SQLAlchemy Core so one piece of code serves
both. The tables are in ``schema.py``, the classes' queries in ``classes.py``, migrations in
``migrate.py`` and ``migrations/``.

Storage may fail (a read-only file, a database that is down). Every public method then raises
``StoreUnavailable`` so callers can still grade, and tell the reader their progress was not
saved, instead of failing the request.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from quizzes.store import migrate
from quizzes.store.schema import attempts, enrolments

log = logging.getLogger(__name__)

DEFAULT_FILE = "checkpoint.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 5000  # concurrent gunicorn workers queue for the write lock
PG_CONNECT_TIMEOUT_S = 3  # a server that is down answers "not saved" quickly, not after minutes


class StoreUnavailable(Exception):
    """The database could not be reached or written; nothing was stored."""


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
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {"connect_timeout": PG_CONNECT_TIMEOUT_S} if parsed.get_backend_name() == (
        "postgresql") else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def row_to_attempt(row) -> Attempt:
    return Attempt(**{key: row._mapping[key] for key in Attempt.__dataclass_fields__})


class Store:
    """The app's handle on its database. One per process; safe to share between threads."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._schema_ready = False

    # --- schema ------------------------------------------------------------------------

    def upgrade(self, revision: str = "head", retries: int = 3) -> None:
        """Apply the migrations. Several workers starting at once may race to create the
        schema; the loser retries and finds it done."""
        for attempt in range(retries):
            try:
                migrate.upgrade(self.engine, revision)
                break
            except SQLAlchemyError as exc:
                if attempt == retries - 1:
                    raise StoreUnavailable(f"cannot migrate the database: {exc}") from exc
                time.sleep(0.2 * (attempt + 1))
        self._schema_ready = revision == "head"

    def ensure_schema(self) -> None:
        """Migrate once per process, lazily again if the database was down at start-up.
        One try, no sleeping between retries: this runs inside a reader's request."""
        if not self._schema_ready:
            self.upgrade(retries=1)

    # --- attempts ------------------------------------------------------------------------

    def record_attempt(self, new: NewAttempt) -> int:
        """Store one attempt and return its number for this learner, question and variant.
        Returns only after the transaction has committed."""
        try:
            self.ensure_schema()
            # The attempt carries the learner's current class (the class link they opened
            # last), read in the same statement: no route has to know about classes.
            class_id = (select(enrolments.c.class_id)
                        .where(enrolments.c.learner_id == new.learner_id)
                        .order_by(enrolments.c.joined_at.desc(), enrolments.c.id.desc())
                        .limit(1).scalar_subquery())
            with self.engine.begin() as conn:
                conn.execute(attempts.insert().values(
                    learner_id=new.learner_id, question_id=new.question_id,
                    variant=new.variant, answer=new.answer, score=float(new.score),
                    correct=bool(new.correct), misconception=new.misconception,
                    created_at=datetime.now(UTC), class_id=class_id))
                same_variant = (attempts.c.variant.is_(None) if new.variant is None
                                else attempts.c.variant == new.variant)
                count = conn.execute(
                    select(func.count()).select_from(attempts).where(
                        attempts.c.learner_id == new.learner_id,
                        attempts.c.question_id == new.question_id, same_variant)
                ).scalar_one()
            return int(count)
        except SQLAlchemyError as exc:
            log.warning("attempt not stored: %s", exc)
            raise StoreUnavailable(str(exc)) from exc

    def learner_progress(self, learner_id: str) -> dict[str, QuestionProgress]:
        """Per base question (practice variants excluded): attempt count and last attempt."""
        try:
            self.ensure_schema()
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(attempts).where(attempts.c.learner_id == learner_id,
                                           attempts.c.variant.is_(None))
                    .order_by(attempts.c.id)
                ).all()
        except SQLAlchemyError as exc:
            log.warning("progress not read: %s", exc)
            raise StoreUnavailable(str(exc)) from exc
        counts: dict[str, int] = {}
        last: dict[str, Attempt] = {}
        for row in rows:
            attempt = row_to_attempt(row)
            counts[attempt.question_id] = counts.get(attempt.question_id, 0) + 1
            last[attempt.question_id] = attempt
        return {qid: QuestionProgress(counts[qid], last[qid]) for qid in last}

    def attempts(self, learner_id: str | None = None,
                 question_id: str | None = None) -> list[Attempt]:
        """Attempts in the order they were made, optionally for one learner or question."""
        query = select(attempts).order_by(attempts.c.id)
        if learner_id is not None:
            query = query.where(attempts.c.learner_id == learner_id)
        if question_id is not None:
            query = query.where(attempts.c.question_id == question_id)
        try:
            self.ensure_schema()
            with self.engine.connect() as conn:
                return [row_to_attempt(row) for row in conn.execute(query)]
        except SQLAlchemyError as exc:
            raise StoreUnavailable(str(exc)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app) -> Store:
    """Open the store ``DATABASE_URL`` names and migrate it. A database that is down at
    start-up does not stop the chapter: the store migrates on its first successful use."""
    store = Store(database_url(app.config.get("DATABASE_URL", ""), app.instance_path))
    try:
        store.upgrade()
    except StoreUnavailable as exc:
        app.logger.warning("checkpoint storage unavailable at start-up: %s", exc)
    app.extensions["checkpoint_store"] = store
    app.cli.add_command(migrate.db_cli)
    return store
