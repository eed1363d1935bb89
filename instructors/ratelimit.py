"""Slow down guessing of instructor links and instructor codes, with backoff.

Each bucket — an address *and* the class token it guesses keys for (or the instructor code
of the create form) — may miss a few times for free; after that it must wait, and the wait
doubles with each further miss (1 s, 2 s, 4 s … up to ``MAX_WAIT``). Misses are forgotten
after ``FORGET_AFTER`` of quiet.

Only misses count, and only misses wait: the routes check the key first (in constant time),
so the right instructor link is never refused, however much someone else guesses — even
from the same address (a school's NAT) at the same class.

``StoredBackoff`` keeps the counts in the database (``guess_misses``, migration 0003), so
every gunicorn worker and every process behind the load balancer shares them. ``Backoff``
is the same policy in one process's memory, for tests and tools.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from store import Store, limits

FREE_MISSES = 5
MAX_WAIT = 300.0  # seconds
FORGET_AFTER = 900.0  # seconds without a miss
MAX_TRACKED = 10_000  # addresses kept; the quietest are dropped first
CREATE_LIMIT, CREATE_WINDOW = 10, 3600.0  # classes one address may create per hour (per worker)


def wait_after(misses: int) -> float:
    """How long a bucket must wait after its ``misses``-th miss."""
    if misses <= FREE_MISSES:
        return 0.0
    return min(MAX_WAIT, 2.0 ** (misses - FREE_MISSES - 1))


@dataclass
class _Record:
    misses: int = 0
    last_miss: float = 0.0
    blocked_until: float = 0.0


class Backoff:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> float:
        """Seconds this address must still wait; 0 when it may try."""
        now = self._clock()
        with self._lock:
            record = self._records.get(address)
            if record is None:
                return 0.0
            if now - record.last_miss > FORGET_AFTER:
                del self._records[address]
                return 0.0
            return max(0.0, record.blocked_until - now)

    def miss(self, address: str) -> None:
        now = self._clock()
        with self._lock:
            record = self._records.get(address)
            if record is None or now - record.last_miss > FORGET_AFTER:
                record = self._records[address] = _Record()
            record.misses += 1
            record.last_miss = now
            if record.misses > FREE_MISSES:
                record.blocked_until = now + wait_after(record.misses)
            if len(self._records) > MAX_TRACKED:
                quietest = sorted(self._records, key=lambda a: self._records[a].last_miss)
                for stale in quietest[: len(self._records) - MAX_TRACKED]:
                    del self._records[stale]


class StoredBackoff:
    """The same policy as ``Backoff``, its counts in the app's database (shared by all
    workers). A database that is down raises StoreUnavailable, like every instructor page."""

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
