"""The reader's page's one read on SQLite (store/page_read.py): read on a connection each
thread keeps, not sent again while nothing was committed, and never stale — whichever
connection or process commits."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy.exc import DBAPIError

from store import StoreUnavailable
from store import page_read as page_read_module
from store.reader import _fetch, page_rows, page_statement
from tests.apps import make_app
from tests.test_fast_reader import WRONG, assert_same, call, cookie_of

PRACTICE = ("p1",)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def learner_of(app, cookie_client) -> str:
    with cookie_client.session_transaction() as session:
        return session["learner"]


def answering(app, answers: dict):
    client = app.test_client()
    for qid, answer in answers.items():
        assert client.post(f"/api/checkpoint/{qid}", json={"answer": answer}).status_code == 200
    return client


def pooled_rows(store, learner: str) -> list[tuple]:
    return _fetch(store.engine, *page_statement(store, PRACTICE, learner))


def database_file(store) -> str:
    return store.engine.url.database


def statements_on_kept_connection(store) -> list[str]:
    """Every statement this thread's kept connection sends from now on."""
    page_rows(store, "nobody", PRACTICE)  # this thread's connection opened
    sent: list[str] = []
    store.page_reads._local.held.pooled.dbapi_connection.set_trace_callback(sent.append)
    return sent


# --- use: the same rows as a pooled read, each learner their own ---------------------------

def test_the_kept_read_gives_the_pooled_reads_rows_for_each_learner(app):
    store = app.extensions["store"]
    assert store.page_reads is not None
    ada = learner_of(app, answering(app, {"q1": WRONG["q1"]}))
    bo = learner_of(app, answering(app, WRONG))
    for learner in (ada, bo, ada, bo):
        assert list(page_rows(store, learner, PRACTICE)) == pooled_rows(store, learner)
    assert page_rows(store, ada, PRACTICE) != page_rows(store, bo, PRACTICE)


def test_while_nothing_is_committed_the_read_is_not_sent_again(app):
    store = app.extensions["store"]
    ada = learner_of(app, answering(app, {"q1": WRONG["q1"]}))
    sent = statements_on_kept_connection(store)
    first = page_rows(store, ada, PRACTICE)
    assert [s for s in sent if "question_counters" in s]  # read once
    sent.clear()
    for _ in range(5):
        assert page_rows(store, ada, PRACTICE) is first
    assert sent == ["PRAGMA data_version"] * 5


# --- abuse: no stale page, whoever commits --------------------------------------------------

def test_an_answer_through_the_app_is_read_at_once(app):
    store = app.extensions["store"]
    client = answering(app, {"q1": WRONG["q1"]})
    ada = learner_of(app, client)
    before = page_rows(store, ada, PRACTICE)
    client.post("/api/checkpoint/q2", json={"answer": WRONG["q2"]})
    after = page_rows(store, ada, PRACTICE)
    assert after != before and list(after) == pooled_rows(store, ada)


def test_a_commit_by_another_process_is_read_at_once_and_the_page_follows(app):
    """Another worker's connection (a plain sqlite3 connection to the same file, as another
    process has) changes the learner's record: the next read and page show it."""
    store = app.extensions["store"]
    client = answering(app, {"q1": WRONG["q1"]})
    ada, cookie = learner_of(app, client), cookie_of(client)
    assert assert_same(app, cookie)
    page_before = call(app, cookie)[2]
    rows_before = page_rows(store, ada, PRACTICE)
    other = sqlite3.connect(database_file(store))
    try:
        other.execute("UPDATE question_counters SET attempts = attempts + 4 "
                      "WHERE learner_id = ?", (ada,))
        other.commit()
    finally:
        other.close()
    rows_after = page_rows(store, ada, PRACTICE)
    assert rows_after != rows_before and list(rows_after) == pooled_rows(store, ada)
    assert assert_same(app, cookie)  # still Flask's page byte for byte, and served fast
    assert call(app, cookie)[2] != page_before


def test_a_commit_by_another_thread_is_read_at_once(app):
    store = app.extensions["store"]
    client = answering(app, {"q1": WRONG["q1"]})
    ada = learner_of(app, client)
    before = page_rows(store, ada, PRACTICE)
    worker = threading.Thread(target=lambda: client.post(
        "/api/checkpoint/q3", json={"answer": WRONG["q3"]}))
    worker.start()
    worker.join()
    assert page_rows(store, ada, PRACTICE) != before


def test_another_learners_rows_never_answer_for_this_one(app):
    store = app.extensions["store"]
    ada = learner_of(app, answering(app, {"q1": WRONG["q1"]}))
    nobody_yet = "a-learner-with-nothing-stored"
    page_rows(store, ada, PRACTICE)
    assert list(page_rows(store, nobody_yet, PRACTICE)) == pooled_rows(store, nobody_yet)
    assert not any(row[0] == "summary" for row in page_rows(store, nobody_yet, PRACTICE))


# --- slow: a writer holding the database, a driver error, a fork, disposal -----------------

def test_a_writer_holding_the_write_lock_does_not_hold_the_read(app):
    store = app.extensions["store"]
    ada = learner_of(app, answering(app, {"q1": WRONG["q1"]}))
    before = page_rows(store, ada, PRACTICE)
    other = sqlite3.connect(database_file(store), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE question_counters SET attempts = attempts + 1 "
                      "WHERE learner_id = ?", (ada,))
        started = time.monotonic()
        during = page_rows(store, ada, PRACTICE)
        assert time.monotonic() - started < 0.25
        assert during == before  # not committed: not read
        other.execute("COMMIT")
    finally:
        other.close()
    assert page_rows(store, ada, PRACTICE) != before


def test_a_driver_error_drops_the_connection_and_the_next_read_opens_another(app):
    store = app.extensions["store"]
    ada = learner_of(app, answering(app, {"q1": WRONG["q1"]}))
    page_rows(store, ada, PRACTICE)
    reads = store.page_reads
    held = reads._local.held
    held.pooled.dbapi_connection.close()  # the driver fails on its next statement
    with pytest.raises(DBAPIError):
        reads.rows(*_sql_and_sent(store, ada))
    assert reads._local.held is None
    assert list(page_rows(store, ada, PRACTICE)) == pooled_rows(store, ada)
    assert reads._local.held is not held


def test_through_the_store_a_driver_error_is_storage_unavailable(app, monkeypatch):
    store = app.extensions["store"]
    page_rows(store, "nobody", PRACTICE)
    store.page_reads._local.held.pooled.dbapi_connection.close()
    monkeypatch.setattr(store, "breaker_open", lambda: False)
    with pytest.raises(StoreUnavailable):
        page_rows(store, "nobody", PRACTICE)


def test_a_connection_from_before_a_fork_is_left_alone(app, monkeypatch):
    store = app.extensions["store"]
    page_rows(store, "nobody", PRACTICE)
    inherited = store.page_reads._local.held
    monkeypatch.setattr(page_read_module.os, "getpid", lambda: inherited.pid + 1)
    page_rows(store, "nobody", PRACTICE)
    assert store.page_reads._local.held is not inherited
    inherited.pooled.dbapi_connection.execute("SELECT 1")  # never closed by the child


def test_disposing_of_the_store_closes_every_kept_connection(app):
    store = app.extensions["store"]
    page_rows(store, "nobody", PRACTICE)
    connections = [store.page_reads._local.held.pooled.dbapi_connection]

    def read_in_a_thread():
        page_rows(store, "nobody", PRACTICE)
        connections.append(store.page_reads._local.held.pooled.dbapi_connection)
    worker = threading.Thread(target=read_in_a_thread)
    worker.start()
    worker.join()
    assert connections[0] is not connections[1]  # one per thread
    store.dispose()
    for connection in connections:
        with pytest.raises(sqlite3.ProgrammingError):
            connection.execute("SELECT 1")


def test_sqlite_in_memory_and_other_databases_read_on_the_pool():
    from sqlalchemy import create_engine

    assert page_read_module.kept_reads(create_engine("sqlite://")) is None
    assert page_read_module.kept_reads(create_engine("sqlite:///:memory:")) is None


def _sql_and_sent(store, learner: str) -> tuple[str, tuple]:
    return page_statement(store, PRACTICE, learner)
