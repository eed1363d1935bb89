"""Slow down guessing of instructor links: a small in-process limiter with backoff.

Each address may get a few wrong instructor links wrong for free; after that it must wait,
and the wait doubles with each further miss (1 s, 2 s, 4 s … up to ``MAX_WAIT``). Misses are
forgotten after ``FORGET_AFTER`` of quiet. A blocked address is refused even with a right
key, or guessing would simply continue.

The state lives in the process: with ``gunicorn -w 4`` each worker counts on its own, so the
effective allowance is four times larger — still hopeless against a 256-bit key, and the
limit exists to stop noise and scans, not to make the key strong. A shared limiter belongs
in front (nginx ``limit_req``) when that matters.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_MISSES = 5
MAX_WAIT = 300.0  # seconds
FORGET_AFTER = 900.0  # seconds without a miss
MAX_TRACKED = 10_000  # addresses kept; the quietest are dropped first


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
                wait = min(MAX_WAIT, 2.0 ** (record.misses - FREE_MISSES - 1))
                record.blocked_until = now + wait
            if len(self._records) > MAX_TRACKED:
                quietest = sorted(self._records, key=lambda a: self._records[a].last_miss)
                for stale in quietest[: len(self._records) - MAX_TRACKED]:
                    del self._records[stale]
