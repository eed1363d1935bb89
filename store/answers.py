"""An answer's one transaction: its summary rows, the attempt, the shared answer limits and,
when asked, the reader's record for the reply, committed together.

One commit per answer: on SQLite an answer queues once for the write lock, on PostgreSQL it
waits once for the WAL. The limits are counted last, so on PostgreSQL the address's window
row (shared by every reader behind that address) stays locked only from its count to the
commit. An answer over a limit, or past the learner's cap, is rolled back whole: nothing of
it is stored, and the windows are as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from store import attempts as attempts_store
from store import reader as reader_store
from store import review as review_store
from store.attempts import (
    INSERT_ATTEMPT,
    AttemptCapReached,
    NewAttempt,
    Recorded,
    Store,
    StoreUnavailable,
    variant_key,
)
from store.limits import SharedWindows
from store.reader import ReaderRecord
from store.summaries import RECORD


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
    """Store one answer in one transaction: the learner's summary rows (which number the
    attempt, so answers sent at once get 1, 2, 3 … on either database), the attempt, its
    first spaced review when ``review`` (a right answer: due in a day, store/review.py), then
    the answer limits; with ``read_back`` the reader's record too (``store.reader.READ``).
    Acknowledged only once committed. ``AttemptCapReached`` (nothing stored, no limit
    counted) for a learner at the cap; ``StoreUnavailable`` when storage fails."""
    with store.guard("attempt not stored"):
        store.ensure_schema()
        now = store.now()
        key = {"learner_id": new.learner_id, "question_id": new.question_id,
               "variant_key": variant_key(new.variant), "score": float(new.score),
               "answer": new.answer, "misconception": new.misconception or "",
               "first_right": 1 if new.correct else None,
               "first_right_at": now if new.correct else None}
        row = {"learner_id": new.learner_id, "question_id": new.question_id,
               "variant": new.variant, "answer": new.answer, "score": float(new.score),
               "correct": bool(new.correct), "misconception": new.misconception,
               "created_at": now, "class_learner": new.learner_id}
        due = ({"learner_id": new.learner_id, "question_id": new.question_id,
                "due_at": now + timedelta(days=review_store.INTERVALS[0])} if review else None)
        try:
            try:
                answered = _once(store, key, row, due, limits, read_back)
            except OperationalError as exc:  # SQLite: a writer kept the lock past the busy
                if "database is locked" not in str(exc):  # timeout, nothing written: queue
                    raise  # once more (two waits stay inside the request's budget)
                answered = _once(store, key, row, due, limits, read_back)
        except _OverLimit as refused:  # rolled back: neither stored nor counted
            return Answered(None, refused.wait)
    if limits is not None:
        try:
            limits.windows.tidy(limits.seconds)
        except StoreUnavailable:  # the answer is committed; old windows go another time
            pass
    return answered


def _once(store: Store, key: dict, row: dict, due: dict | None, limits: Limits | None,
          read_back: bool) -> Answered:
    record = RECORD.get(store.engine.dialect.name, RECORD["sqlite"])
    with store.engine.begin() as conn:
        rows = {r.question_id: r for r in conn.execute(record, key)}
        cap = attempts_store.MAX_ATTEMPTS_PER_LEARNER  # read here: tests lower it
        if rows[""].attempts > cap:  # rolled back: not counted
            raise AttemptCapReached(f"this learner already stored {cap} attempts")
        mine = rows[key["question_id"]]
        conn.execute(INSERT_ATTEMPT, {**row, "number": int(mine.attempts)})
        if due is not None:
            conn.execute(review_store.SCHEDULE, due)
        if limits is not None:
            wait = limits.windows.count(conn, limits.buckets, limits.seconds)
            if wait:
                raise _OverLimit(wait)
        read = (reader_store.parse(conn.execute(
            reader_store.READ, {"learner_id": key["learner_id"]}).all()) if read_back else None)
    return Answered(Recorded(int(mine.attempts), mine.first_right is not None), 0.0, read)


Store.answer_transaction = record_answer  # Store.record's transaction (see store/attempts.py)
