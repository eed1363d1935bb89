"""The page's kept read (store/page_read.py) and the fast path's caches (chapter/fast_reader.py)
at their limits: connections of threads that ended, a kept connection that cannot be opened,
disposal while threads read, the threaded development server, how much of a Cookie header is
kept; and no stale page after any kind of commit another connection makes."""

from __future__ import annotations

import gc
import http.client
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import event
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder

from quizzes.progress import NOT_LOADED
from store import StoreUnavailable
from store.reader import page_rows
from tests.apps import make_app
from tests.classes_helpers import create_class, csrf, join
from tests.test_fast_reader import WRONG, answered, assert_same, call, cookie_of, layer_of

PRACTICE = ("p1",)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def files_open_on(path: str) -> int:
    """This process's file descriptors on the database file and its -wal and -shm."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith(path)
        except OSError:  # the listing's own descriptor, closed since
            pass
    return count


def read_in_a_thread_that_ends(store) -> None:
    worker = threading.Thread(target=page_rows, args=(store, "nobody", PRACTICE))
    worker.start()
    worker.join()


# --- resources: one connection per live thread, not per thread that ever read ---------------

@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd")
def test_a_thread_that_ended_does_not_keep_its_connection_open(app):
    """A threaded server that starts a thread per request (the development server, socketserver's
    ThreadingMixIn) must not leave a connection, and two descriptors, per request it served."""
    store = app.extensions["store"]
    path = store.engine.url.database
    read_in_a_thread_that_ends(store)
    gc.collect()
    before = files_open_on(path)
    for _ in range(40):
        read_in_a_thread_that_ends(store)
    gc.collect()
    assert files_open_on(path) <= before + 2  # unguarded, this was: before + 80
    store.dispose()
    assert files_open_on(path) <= before + 2


def test_a_new_thread_takes_over_the_connection_of_one_that_ended(app):
    """Connecting runs five PRAGMAs and registers a function (~0.7 ms): a server with a
    thread per request should not pay that on every request, as the pooled read never did."""
    store = app.extensions["store"]
    read_in_a_thread_that_ends(store)
    connects = []
    event.listen(store.engine, "connect", lambda *_: connects.append(1))
    for _ in range(20):
        read_in_a_thread_that_ends(store)
    assert len(connects) <= 1  # unguarded, this was: 20
    assert list(page_rows(store, "nobody", PRACTICE)) == []


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd")
def test_the_threaded_development_server_serves_the_fast_page_without_leaking(app):
    store = app.extensions["store"]
    path = store.engine.url.database
    cookie = answered(app, {"q1": WRONG["q1"]})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()

    def get() -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        try:
            connection.request("GET", "/", headers={"Cookie": f"session={cookie}"})
            response = connection.getresponse()
            assert response.status == 200
            return response.read()
        finally:
            connection.close()

    try:
        get()
        gc.collect()
        before = files_open_on(path)
        for _ in range(40):
            assert b"state-wrong" in get()
        gc.collect()
        assert files_open_on(path) <= before + 2  # unguarded, this was: before + 80
    finally:
        server.shutdown()
        server.server_close()


# --- disposal while other threads read ---------------------------------------------------------

RACE = """
import sys, threading, time
from pathlib import Path
from store import StoreUnavailable
from store.reader import page_rows
from tests.apps import make_app

app = make_app(Path(sys.argv[1]))
store = app.extensions["store"]
client = app.test_client()
client.post("/api/checkpoint/q1", json={"answer": "e4"})
with client.session_transaction() as session:
    learner = session["learner"]
expected = page_rows(store, learner, ("p1",))
seen, stop = set(), time.monotonic() + float(sys.argv[2])

def read():
    while time.monotonic() < stop:
        try:
            seen.add("same rows" if page_rows(store, learner, ("p1",)) == expected
                     else "other rows")
        except StoreUnavailable as exc:
            seen.add(f"unavailable: {exc}")

readers = [threading.Thread(target=read) for _ in range(3)]
for reader in readers:
    reader.start()
while time.monotonic() < stop:
    store.engine.dispose()  # as Store.dispose does, while the readers read
for reader in readers:
    reader.join()
print(sorted(seen), store.breaker_open())
"""


def test_disposing_of_the_engine_while_threads_read_crashes_nothing_and_fails_no_read(
        tmp_path):
    """Disposal closes every kept connection, including one another thread is reading on
    that moment. Run in a process of its own: unguarded it died of SIGSEGV (sqlite3 used after
    close) within a second or two."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", RACE, str(tmp_path), "2"], cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr[-1500:])  # unguarded, this was: -11
    assert done.stdout.split("\n")[-2] == "['same rows'] False"


# --- slow cases: a kept connection that cannot be opened --------------------------------------

def failing_connects(store, message: str):
    """Every new connection's set-up fails in the driver from now on, as the engine's own
    connect hook (store/attempts.py ``_sqlite_pragmas``) fails when ``PRAGMA journal_mode``
    cannot open the -wal file (too many open files) or is kept waiting (database is locked)."""
    error = store.engine.dialect.loaded_dbapi.OperationalError

    def fail(_dbapi_connection, _record):
        raise error(message)
    event.listen(store.engine, "connect", fail)
    return fail


@pytest.mark.parametrize("message", ["unable to open database file", "database is locked"])
def test_a_kept_connection_that_cannot_be_set_up_is_storage_unavailable(app, message):
    store = app.extensions["store"]
    page_rows(store, "nobody", PRACTICE)
    store.page_reads.close()  # the next read opens a connection (a new thread's first read)
    store.engine.pool.dispose()  # and no idle pooled connection is there to be taken
    fail = failing_connects(store, message)
    try:
        with pytest.raises(StoreUnavailable):  # unguarded: sqlite3.OperationalError
            page_rows(store, "nobody", PRACTICE)
    finally:
        event.remove(store.engine, "connect", fail)


def test_a_kept_connection_that_cannot_be_set_up_gives_flasks_honest_page(app, monkeypatch):
    store = app.extensions["store"]
    cookie = answered(app, {"q1": WRONG["q1"]})
    assert assert_same(app, cookie) is True
    store.page_reads.close()
    store.engine.pool.dispose()  # no idle pooled connection to take: one is opened
    fail = failing_connects(store, "unable to open database file")
    monkeypatch.setattr(store, "breaker_open", lambda: False)  # not refused up front
    try:
        status, _, body = call(app, cookie)  # unguarded, this was: the driver's error, a 500
    finally:
        event.remove(store.engine, "connect", fail)
    assert status.startswith("200") and NOT_LOADED.encode() in body
    assert b"state-wrong" not in body


# --- abuse: what a Cookie header costs the process --------------------------------------------

def test_cookie_headers_far_longer_than_a_session_are_not_kept(app):
    """A server in front may pass Cookie headers far longer than 8 KB (the development server
    takes a 64 KB line, and joins repeated headers); keeping KEPT_HEADERS of them would hold
    that many times their size for good."""
    cookie = answered(app, {"q1": WRONG["q1"]})
    layer = layer_of(app)
    for n in range(20):
        padding = f"pad{n}=" + "x" * 64_000
        environ = EnvironBuilder(path="/", headers={
            "Cookie": f"{padding}; session={cookie}"}).get_environ()
        assert layer._session(environ) is not None  # still read, as Flask reads it
    kept = sum(len(header) for header in layer.cookie_values)
    assert kept <= 20 * 8192  # unguarded, this was: 20 × 64 KB


def test_a_kept_rows_object_never_answers_for_another_learner_with_the_same_rows(app):
    """Two learners with no record share one empty tuple; their keys stay their own."""
    layer = layer_of(app)
    store = app.extensions["store"]
    first = page_rows(store, "learner-a", PRACTICE)
    second = page_rows(store, "learner-b", PRACTICE)
    assert first == second == ()
    key_a = layer._key({"learner": "learner-a", "csrf": "t"}, {})
    key_b = layer._key({"learner": "learner-b", "csrf": "t", "class": "ML"}, {})
    key_a_banner = layer._key({"learner": "learner-a", "csrf": "t", "class": "ML"}, {})
    assert key_a != key_b and key_b == key_a_banner  # the key is the state's, not the learner's


# --- staleness: what held (no page that differs from the database, nor from Flask's) ---------

def plain_connection(app, *statements: str, learner: str = "") -> None:
    """Statements on a connection of the sqlite3 module's own, as another process has."""
    other = sqlite3.connect(app.extensions["store"].engine.url.database, isolation_level=None)
    try:
        for statement in statements:
            other.execute(statement, (learner,) if "?" in statement else ())
    finally:
        other.close()


def fast_and_flasks(app, cookie) -> bytes:
    """The page, served fast and equal to Flask's own; the kept connection left outside any
    transaction (no read snapshot held)."""
    assert assert_same(app, cookie) is True
    assert not app.extensions["store"].page_reads._local.held.pooled.dbapi_connection \
        .in_transaction
    return call(app, cookie)[2]


def test_a_savepoint_released_a_write_rolled_back_vacuum_and_a_deleted_record(app):
    client = app.test_client()
    for qid in ("q1", "q3"):
        client.post(f"/api/checkpoint/{qid}", json={"answer": WRONG[qid]})
    cookie = cookie_of(client)
    with client.session_transaction() as session:
        learner = session["learner"]
    before = fast_and_flasks(app, cookie)
    plain_connection(app, "SAVEPOINT s", "UPDATE question_counters SET attempts = attempts + 2 "
                     "WHERE learner_id = ?", "RELEASE s", learner=learner)
    after = fast_and_flasks(app, cookie)
    assert after != before
    plain_connection(app, "BEGIN", "UPDATE question_counters SET attempts = 9 "
                     "WHERE learner_id = ?", "ROLLBACK", learner=learner)
    plain_connection(app, "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)")
    assert fast_and_flasks(app, cookie) == after
    plain_connection(app, "DELETE FROM question_counters WHERE learner_id = ?", learner=learner)
    assert fast_and_flasks(app, cookie) != after


def test_an_instructors_credit_and_a_second_class_are_read_at_once(app):
    teacher = app.test_client()
    first = create_class(teacher)
    student = join(app, first["join"], "Fay")
    student.post("/api/checkpoint/q2", json={"answer": WRONG["q2"]})
    student.post("/api/checkpoint/q2/reveal", json={})
    cookie = cookie_of(student)
    with student.session_transaction() as session:
        learner = session["learner"]

    def credit() -> list:
        return [row[5:7] for row in page_rows(app.extensions["store"], learner, PRACTICE)
                if row[0] == "credit"]
    fast_and_flasks(app, cookie)
    teach = teacher.get(first["teach"]).text
    assert teacher.post(first["teach"] + "/credit", data={
        "revealed": "0.5", "hinted": "1", "csrf_token": csrf(teach)}).status_code == 303
    assert credit() == [(0.5, 1.0)]
    fast_and_flasks(app, cookie)
    second = create_class(teacher, "Other")
    page = student.get(second["join"])
    student.post(second["join"], data={"name": "Fay", "csrf_token": csrf(page.text)})
    assert credit() != [(0.5, 1.0)]
    fast_and_flasks(app, cookie)  # the banner the old cookie names, the new class's credit
    fast_and_flasks(app, cookie_of(student))


def test_progress_carried_onto_this_learner_from_another_browser_is_read_at_once(app):
    first = app.test_client()
    first.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    link = first.post("/api/resume", json={}).get_json()["link"].removeprefix("http://localhost")
    cookie = cookie_of(first)
    before = fast_and_flasks(app, cookie)
    other = app.test_client()
    page = other.get(link)
    assert other.post(link, data={"csrf_token": csrf(page.text)}).status_code == 303
    other.post("/api/checkpoint/q2", json={"answer": WRONG["q2"]})  # this learner's answer
    assert fast_and_flasks(app, cookie) != before
