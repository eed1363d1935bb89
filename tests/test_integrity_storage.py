"""Issue 11, item 3: slow or broken storage costs a request a short, bounded wait, once."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import text as sql
from sqlalchemy.exc import OperationalError

from store import NewAttempt, Store, StoreUnavailable, deadline
from store import attempts as store_module
from tests.apps import assert_honestly_unsaved, connections_asked, make_app

ATTEMPT = NewAttempt("L1", "q1", "4e4", 1.0, True, None, None)


def test_a_write_locked_sqlite_file_fails_within_the_budget_then_at_once(tmp_path):
    path = tmp_path / "locked.sqlite"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    other = sqlite3.connect(path, isolation_level=None)  # another process holding the lock
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            store.record_attempt(ATTEMPT)
        assert time.monotonic() - started < 1.5  # ~0.4 s busy timeout, once
        # The breaker is open: no wait at all. Not timed (a pause of a loaded machine is not
        # the store's): with the lock still held, any connection asked for would wait on it.
        with connections_asked(store) as asked:
            with pytest.raises(StoreUnavailable):
                store.record_attempt(ATTEMPT)
            with pytest.raises(StoreUnavailable):
                store.learner_progress("L1")
        assert asked == []
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.dispose()


class Clock:
    now = 100.0

    def __call__(self):
        return self.now


def test_the_breaker_closes_again_after_a_few_seconds(tmp_path, monkeypatch):
    clock = Clock()
    store = Store(f"sqlite:///{tmp_path / 'b.sqlite'}", clock=clock)
    store.upgrade()
    calls = []

    def failing_begin():
        calls.append(1)
        raise OperationalError("INSERT", {}, Exception("could not connect to server"))

    with monkeypatch.context() as broken:  # every way to a connection (an answer's: the
        for way in ("begin", "connect", "raw_connection"):  # pool's own, store/driver.py)
            broken.setattr(store.engine, way, failing_begin)
        with pytest.raises(StoreUnavailable):
            store.record_attempt(ATTEMPT)
        with pytest.raises(StoreUnavailable):
            store.record_attempt(ATTEMPT)
    assert len(calls) == 1  # the second never reached the database
    clock.now += store_module.BREAKER_SECONDS + 0.1
    assert store.record_attempt(ATTEMPT) == 1
    store.dispose()


def test_a_request_never_touches_storage_twice_after_it_failed(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    store = app.extensions["store"]
    store.breaker_seconds = 0  # only the per-request rule is under test
    touched = []
    monkeypatch.setattr(store.engine, "begin", lambda: touched.append("begin") or (
        _ for _ in ()).throw(OperationalError("x", {}, Exception("disk I/O error"))))
    monkeypatch.setattr(store.engine, "connect", lambda: touched.append("connect") or (
        _ for _ in ()).throw(OperationalError("x", {}, Exception("disk I/O error"))))
    monkeypatch.setattr(store.engine, "raw_connection", lambda: touched.append("raw") or (
        _ for _ in ()).throw(OperationalError("x", {}, Exception("disk I/O error"))))
    client = app.test_client()
    response = client.post("/api/checkpoint/q1", json={"answer": "4e4"})
    assert_honestly_unsaved(response)
    assert len(touched) == 1, touched
    touched.clear()
    assert client.get("/").status_code == 200  # a reader with a session: progress read once
    assert len(touched) <= 1


def test_the_page_for_a_reader_with_a_session_does_not_wait_on_a_broken_store(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    assert client.post("/api/checkpoint/q1", json={"answer": "4e4"}).json["saved"]
    store = app.extensions["store"]
    store._open_until = time.monotonic() + 60  # as after a failure a moment ago
    started = time.monotonic()
    for url in ("/", "/api/progress", "/api/widgets/nudge"):
        assert client.get(url).status_code == 200, url
    assert time.monotonic() - started < 2


def test_postgresql_gets_a_short_connect_and_statement_timeout(pg_database):
    store = Store(pg_database)
    with store.engine.connect() as conn:
        shown = conn.execute(sql("SELECT current_setting('statement_timeout')::interval"
                                 " = make_interval(secs => :ms / 1000.0)"),
                             {"ms": store_module.PG_STATEMENT_TIMEOUT_MS}).scalar()
        assert shown is True
    assert store_module.PG_STATEMENT_TIMEOUT_MS / 1000 < deadline.DEADLINE_S <= 1.5
    # The connect timeout psycopg will really use is the one configured (it raises any
    # value below 2 s to 2 s, so a smaller setting would only pretend).
    from psycopg.conninfo import timeout_from_conninfo

    assert timeout_from_conninfo({"connect_timeout": store_module.PG_CONNECT_TIMEOUT_S}) == (
        store_module.PG_CONNECT_TIMEOUT_S) <= 2
    assert store.engine.pool.timeout() <= 1
    store.dispose()


def test_a_postgresql_that_is_down_fails_fast_and_then_at_once():
    store = Store("postgresql+psycopg://nobody:nothing@127.0.0.1:1/none")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.record_attempt(ATTEMPT)
    assert time.monotonic() - started < 2
    with connections_asked(store) as asked, pytest.raises(StoreUnavailable):
        store.learner_progress("L1")  # then at once: the breaker refuses it, nothing is asked
    assert asked == []
    store.dispose()


def test_a_request_never_queues_behind_another_threads_migration(tmp_path):
    from store import migrate

    store = Store(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    store._schema_ready = False  # as when the database was down at start-up
    assert migrate._LOCK.acquire()  # another thread is migrating
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="being migrated"):
            store.learner_progress("someone")
        assert time.monotonic() - started < store_module.MIGRATION_WAIT_S + 0.5
    finally:
        migrate._LOCK.release()
    store.dispose()
