"""An answer's one transaction, three statements: the attempt (the database counts it in the
learner's summary rows and numbers it, migration 0013; a right answer's first review goes in
the same statement), what it left (the reader's record for the reply, or the learner's two
summary rows), then the shared answer limits; committed together.

One commit per answer: on SQLite an answer queues once for the write lock, on PostgreSQL it
waits once for the WAL. The limits are counted last, so on PostgreSQL the address's window
row (shared by every reader behind that address) stays locked only from its count to the
commit. An answer over a limit, or past the learner's cap, is rolled back whole: nothing of
it is stored, the summary rows and the windows are as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Boolean, DateTime, bindparam, text
from sqlalchemy.exc import OperationalError

from store import attempts as attempts_store
from store import driver
from store import reader as reader_store
from store import review as review_store
from store.attempts import (
    AttemptCapReached,
    NewAttempt,
    Recorded,
    Store,
    StoreUnavailable,
    variant_key,
)
from store.limits import SharedWindows
from store.reader import ReaderRecord
from store.summaries import READ_COUNTERS

# The attempt, with the learner's current class (the class link they opened last) read in the
# same statement: no route has to know about classes. The database counts it in the
# learner's summary rows (the trigger of migration 0013) and numbers it: on PostgreSQL the
# trigger sets the number from the counter it has just locked; on SQLite, whose triggers
# cannot change the row, the insert reads the counter itself (it holds the write lock
# before it reads). A right answer's first spaced review goes in the same statement
# (store/review.py): SQLite's view ``reviewed_attempts`` takes both, PostgreSQL a WITH.
# Written once per database, so no statement is built per answer.
_INSERT = """INSERT INTO {table} (learner_id, question_id, variant, answer, score, correct,
    misconception, created_at, class_id{number}{due})
VALUES (:learner_id, :question_id, :variant, :answer, :score, :correct, :misconception,
    :created_at, (SELECT class_id FROM enrolments WHERE learner_id = :class_learner
                  ORDER BY joined_at DESC, id DESC LIMIT 1){next}{due_value})"""
_NEXT = """, COALESCE((SELECT attempts FROM question_counters WHERE learner_id = :learner_id
    AND question_id = :question_id AND variant_key = :variant_key), 0) + 1"""
_REVIEWED = """WITH attempt AS ({insert})
INSERT INTO review_items (learner_id, question_id, step, due_at)
VALUES (:learner_id, :question_id, 0, :due_at) ON CONFLICT (learner_id, question_id) DO NOTHING"""
_TYPES = (bindparam("created_at", type_=DateTime(timezone=True)),
          bindparam("correct", type_=Boolean))
_DUE = bindparam("due_at", type_=DateTime(timezone=True))


def _insert(dialect: str, review: bool):
    if dialect == "postgresql":
        sql = _INSERT.format(table="attempts", number="", due="", next="", due_value="")
        return (text(_REVIEWED.format(insert=sql)).bindparams(*_TYPES, _DUE) if review
                else text(sql).bindparams(*_TYPES))
    sql = _INSERT.format(table="reviewed_attempts" if review else "attempts",
                         number=", number", due=", due_at" if review else "", next=_NEXT,
                         due_value=", :due_at" if review else "")
    return text(sql).bindparams(*_TYPES, *((_DUE,) if review else ()))


# (database, with a review) → the insert
INSERT_ATTEMPT = {(dialect, review): _insert(dialect, review)
                  for dialect in ("postgresql", "sqlite") for review in (False, True)}


@dataclass(frozen=True)
class Limits:
    """The answer windows an answer counts in (``SharedWindows.count``): each bucket's
    limit, per window of ``seconds``."""

    windows: SharedWindows
    buckets: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class Answered:
    """What became of an answer: ``recorded`` None when a limit refused it (nothing stored;
    ``wait``: the seconds until it would not be); ``record``: the reader's record as this
    transaction left it, when asked for."""

    recorded: Recorded | None
    wait: float = 0.0
    record: ReaderRecord | None = None


class _OverLimit(Exception):
    def __init__(self, wait: float):
        super().__init__(f"over the answer limit for {wait:.1f} s")
        self.wait = wait


def record_answer(store: Store, new: NewAttempt, limits: Limits | None = None,
                  read_back: bool = False, review: bool = False) -> Answered:
    """Store one answer in one transaction of at most three statements: the attempt (which
    the database counts in the learner's summary rows and numbers, so answers sent at once
    get 1, 2, 3 … on either database; with ``review``, a right answer, its first spaced
    review due in a day, store/review.py); what it left, the learner's whole record with
    ``read_back`` (``store.reader.READ``) or else their two summary rows; then the answer
    limits. Acknowledged only once committed. ``AttemptCapReached`` (rolled back: nothing
    stored, no limit counted) for a learner past the cap; ``StoreUnavailable`` when
    storage fails."""
    with store.guard("attempt not stored"):
        store.ensure_schema()
        now = store.now()
        row = {"learner_id": new.learner_id, "question_id": new.question_id,
               "variant": new.variant, "variant_key": variant_key(new.variant),
               "answer": new.answer, "score": float(new.score), "correct": bool(new.correct),
               "misconception": new.misconception, "created_at": now,
               "class_learner": new.learner_id,
               "due_at": now + timedelta(days=review_store.INTERVALS[0])}
        insert = INSERT_ATTEMPT[(_dialect(store), review)]
        try:
            try:
                answered = _once(store, insert, row, limits, read_back)
            except OperationalError as exc:  # SQLite: a writer kept the lock past the busy
                if "database is locked" not in str(exc):  # timeout, nothing written: queue
                    raise  # once more (two waits stay inside the request's budget)
                answered = _once(store, insert, row, limits, read_back)
        except _OverLimit as refused:  # rolled back: neither stored nor counted
            return Answered(None, refused.wait)
    if limits is not None:
        try:
            limits.windows.tidy(limits.seconds)
        except StoreUnavailable:  # the answer is committed; old windows go another time
            pass
    return answered


def _dialect(store: Store) -> str:
    return "postgresql" if store.engine.dialect.name == "postgresql" else "sqlite"


def _once(store: Store, insert, row: dict, limits: Limits | None,
          read_back: bool) -> Answered:
    base = row["variant"] is None
    with driver.transaction(store.engine) as conn:  # each statement compiled once
        conn.execute(insert, row)  # counted and numbered by the database (migration 0013)
        if read_back and base:
            read = reader_store.parse(conn.execute(reader_store.READ, row).all())
            learner, mine = read.summaries[""], read.summaries[row["question_id"]]
            counted = Recorded(mine.attempts, mine.first_right is not None)
        else:
            rows = {r.question_id: r for r in conn.execute(READ_COUNTERS, row)}
            learner, mine = rows[""], rows[row["question_id"]]
            counted = Recorded(int(mine.attempts), mine.first_right is not None)
            read = (reader_store.parse(conn.execute(reader_store.READ, row).all())
                    if read_back else None)  # a variant's record too: a fourth statement
        cap = attempts_store.MAX_ATTEMPTS_PER_LEARNER  # read here: tests lower it
        if learner.attempts > cap:  # rolled back: nothing stored, not counted
            raise AttemptCapReached(f"this learner already stored {cap} attempts")
        if limits is not None:  # last: the address's window row is locked until the commit
            wait = limits.windows.count(conn, limits.buckets, limits.seconds)
            if wait:
                raise _OverLimit(wait)
    return Answered(counted, 0.0, read)


Store.answer_transaction = record_answer  # Store.record's transaction (see store/attempts.py)
