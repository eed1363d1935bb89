"""Counters of wrong guesses, kept in the database so every worker and every process sees
the same count: one row per bucket (an address and what it guessed at), forgotten after a
quiet spell. The policy (free misses, doubling waits) is the caller's; this only stores."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from store.attempts import Store
from store.schema import guess_misses


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
