"""Counters kept in the database so every worker and every process sees the same count.

Wrong guesses: one row per bucket (an address and what it guessed at), forgotten after a
quiet spell; the policy (free misses, doubling waits) is the caller's, this only stores.
Answer, hint, reveal and new-sweep windows (``SharedWindows``): one row per learner and per
address, one statement per request."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from store import deadline
from store.attempts import Store
from store.schema import guess_misses, rate_windows


@dataclass(frozen=True)
class Misses:
    misses: int
    last_miss: float
    blocked_until: float


def read(store: Store, bucket: str) -> Misses | None:
    with store.guard("guess counter"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            row = conn.execute(select(guess_misses).where(
                guess_misses.c.bucket == bucket)).first()
    return Misses(row.misses, row.last_miss, row.blocked_until) if row else None


def record(store: Store, bucket: str, now: float, forget_after: float, wait_for) -> Misses:
    """Count one miss for ``bucket`` at ``now``; ``wait_for(misses)`` gives the new wait.
    Counts of buckets quiet for ``forget_after`` are dropped on the way."""
    def work(conn) -> Misses:
        row = conn.execute(select(guess_misses).where(
            guess_misses.c.bucket == bucket)).first()
        misses = 1 if row is None or now - row.last_miss > forget_after else row.misses + 1
        values = {"misses": misses, "last_miss": now, "blocked_until": now + wait_for(misses)}
        if row is None:
            conn.execute(guess_misses.insert().values(bucket=bucket, **values))
        else:
            conn.execute(update(guess_misses).where(guess_misses.c.bucket == bucket)
                         .values(**values))
        conn.execute(delete(guess_misses).where(
            guess_misses.c.last_miss < now - forget_after))
        return Misses(misses, now, values["blocked_until"])

    for attempt in range(2):
        try:
            with store.guard("guess counter"):
                store.ensure_schema()
                with store.engine.begin() as conn:
                    return work(conn)
        except IntegrityError:  # two workers inserting the same new bucket: count again
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# --- shared windows for answers, hints, reveals and sweeps ------------------------------------

# One statement counts a hit in every bucket of a request (its learner and its address): a row
# per bucket, its window restarting once it is ``seconds`` old. The upsert reads the old row in
# every SET expression, on SQLite and PostgreSQL alike; buckets are sorted, so two requests lock
# shared rows in the same order.
_HIT = """INSERT INTO rate_windows (bucket, window_start, hits) VALUES {rows}
ON CONFLICT (bucket) DO UPDATE SET
    window_start = CASE WHEN rate_windows.window_start <= excluded.window_start - :seconds
                        THEN excluded.window_start ELSE rate_windows.window_start END,
    hits = CASE WHEN rate_windows.window_start <= excluded.window_start - :seconds
                THEN 1 ELSE rate_windows.hits + 1 END
RETURNING bucket, window_start, hits"""
SWEEP_EVERY = 1000  # a process drops windows older than their length once in this many hits


@functools.cache
def _hit_statement(buckets: int):
    """The upsert for this many buckets, built once."""
    return text(_HIT.format(rows=", ".join(f"(:b{i}, :now, 1)" for i in range(buckets))))


class SharedWindows:
    """Fixed windows counted in the database: ``hit({bucket: limit}, seconds)`` counts one hit
    in each bucket and returns the seconds until every one of them is under its limit again
    (0 when all are now). Raises ``StoreUnavailable`` when storage is down; the caller falls
    back to its own per-process count."""

    def __init__(self, store: Store, clock=time.time):
        self.store, self._clock, self._calls = store, clock, 0

    def hit(self, buckets: dict[str, int], seconds: float,
            within: float = deadline.DEADLINE_S) -> float:
        """``within``: how long the count may hold a PostgreSQL connection (a sweep's count
        gets less than an answer's)."""
        with deadline.budget(within), self.store.guard("shared limits"):
            self.store.ensure_schema()
            with self.store.engine.begin() as conn:
                wait = self.count(conn, buckets, seconds)
        self.tidy(seconds)
        return wait

    def count(self, conn, buckets: dict[str, int], seconds: float) -> float:
        """``hit`` on a connection the caller holds, inside its transaction (an answer counts
        its limits in its own: store/answers.py); the caller commits, or rolls back to leave
        the windows as they were, and then calls ``tidy``."""
        now = self._clock()
        names = sorted(buckets)
        values = {f"b{i}": name for i, name in enumerate(names)}
        counted = conn.execute(_hit_statement(len(names)),
                               {**values, "now": now, "seconds": seconds}).all()
        waits = [start + seconds - now for bucket, start, hits in counted
                 if hits > buckets[bucket]]
        return max([0.0, *[max(0.001, wait) for wait in waits]])

    def tidy(self, seconds: float) -> None:
        """Once in ``SWEEP_EVERY`` counts, drop the windows that are over."""
        self._calls += 1
        if self._calls % SWEEP_EVERY == 0:
            self.forget(self._clock() - seconds)

    def forget(self, before: float) -> None:
        with self.store.guard("answer limits"), self.store.engine.begin() as conn:
            conn.execute(delete(rate_windows).where(rate_windows.c.window_start < before))


def share_windows(app, store: Store) -> None:
    """Offer the shared windows to ``web.security`` (which cannot import the store)."""
    app.extensions["shared_windows"] = SharedWindows(store)
