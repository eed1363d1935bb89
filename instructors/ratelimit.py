"""Slow down guessing of instructor links and instructor codes, with backoff.

Each bucket — an address *and* the class token it guesses keys for (or the instructor code
of the create form) — may miss a few times for free; after that it must wait, and the wait
doubles with each further miss (1 s, 2 s, 4 s … up to ``MAX_WAIT``). Misses are forgotten
after ``FORGET_AFTER`` of quiet.

Only misses count, and only misses wait: the routes check the key first (in constant time),
so the right instructor link is never refused, however much someone else guesses — even
from the same address (a school's NAT) at the same class.

``StoredBackoff`` keeps the counts in the database (``guess_misses``, migration 0003), so
every gunicorn worker and every process behind the load balancer shares them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from store import Store, limits

FREE_MISSES = 5
MAX_WAIT = 300.0  # seconds
FORGET_AFTER = 900.0  # seconds without a miss
CREATE_LIMIT, CREATE_WINDOW = 10, 3600.0  # classes one address may create per hour (per worker)


def wait_after(misses: int) -> float:
    """How long a bucket must wait after its ``misses``-th miss."""
    if misses <= FREE_MISSES:
        return 0.0
    return min(MAX_WAIT, 2.0 ** (misses - FREE_MISSES - 1))


class StoredBackoff:
    """The policy above, its counts in the app's database (shared by all workers). A
    database that is down raises StoreUnavailable, like every instructor page."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time):
        self._store = store
        self._clock = clock

    def retry_after(self, bucket: str) -> float:
        now = self._clock()
        record = limits.read(self._store, bucket)
        if record is None or now - record.last_miss > FORGET_AFTER:
            return 0.0
        return max(0.0, record.blocked_until - now)

    def miss(self, bucket: str) -> float:
        """Count a miss; the seconds this bucket must now wait."""
        now = self._clock()
        record = limits.record(self._store, bucket, now, FORGET_AFTER, wait_after)
        return max(0.0, record.blocked_until - now)


def bucket(address: str, what: str) -> str:
    return f"{address[:100]} {what[:90]}"
