"""A database outage costs readers nothing but the saving: no request waits on retries."""

from __future__ import annotations

import pytest

from store import NewAttempt, Store, StoreUnavailable
from store import attempts as store_module


def test_a_store_whose_database_is_down_fails_fast_without_sleeping(tmp_path, monkeypatch):
    """Measured under load: with the SQLite file unwritable, each grading request slept
    through the migration retries (0.2 s + 0.4 s, twice per answer) inside a sync worker,
    and a class saw p99 latencies of 10 s. A request must fail fast instead."""
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    store = Store(f"sqlite:///{blocked}/checkpoint.sqlite")
    slept: list[float] = []
    monkeypatch.setattr(store_module.time, "sleep", slept.append)
    for _ in range(3):
        with pytest.raises(StoreUnavailable):
            store.record_attempt(NewAttempt("learner", "q1", "a", 0.0, False, None, None))
        with pytest.raises(StoreUnavailable):
            store.learner_progress("learner")
    assert slept == []
    store.dispose()
