"""Sweeps kept as the bytes sent: one entry per (figure, parameters, slider, encoding).

A cached sweep is answered without building, serialising or compressing it again. The cache
holds at most ``budget`` bytes per process (``SWEEP_CACHE_BYTES``, default 48 MiB), dropping
the least recently used entries first, so a flood of distinct sweeps cannot grow a worker
past it. Its keys are finite too: sweep.normalised snaps every slider to its grid.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

DEFAULT_BUDGET = 48 * 1024 * 1024


class EncodedCache:
    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self.budget = budget
        self.size = 0
        self._entries: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        if len(body) > self.budget:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            self.size -= len(old) if old is not None else 0
            self._entries[key] = body
            self.size += len(body)
            while self.size > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped)

    def __len__(self) -> int:
        return len(self._entries)
