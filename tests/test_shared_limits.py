"""Answer, hint and reveal limits hold across every worker sharing one database.

Two app instances on one database stand for two gunicorn workers (or two hosts): a learner
whose requests are spread over both gets the limit once, not once per worker. When storage is
down, each worker falls back to its own count and never makes a reader wait.
"""

from __future__ import annotations

import threading
import time

import pytest

from store import limits
from tests.apps import assert_honestly_unsaved, connections_asked, make_app
from tests.conftest import empty_database

LIMIT = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def two_workers(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    else:
        url = request.getfixturevalue("pg_database")
        empty_database(url)
    apps = [make_app(tmp_path / f"worker{n}", DATABASE_URL=url,
                     ANSWERS_PER_MINUTE_LEARNER=LIMIT) for n in range(2)]
    yield apps
    for app in apps:
        app.extensions["store"].dispose()


def same_reader(apps):
    """One reader's cookie on a client of each instance, after the reader's first answer."""
    first, second = (app.test_client() for app in apps)
    assert first.post("/api/checkpoint/q1", json={"answer": "e4"}).json["saved"] is True
    second.set_cookie("session", first.get_cookie("session").value)
    return first, second


def test_a_learner_gets_the_limit_once_across_two_workers(two_workers):
    clients = same_reader(two_workers)
    codes = [clients[1 - n % 2].post("/api/checkpoint/q1", json={"answer": "e4"}).status_code
             for n in range(2 * LIMIT)]
    assert codes == [200] * (LIMIT - 1) + [429] * (LIMIT + 1)
    assert len(two_workers[0].extensions["store"].attempts()) == LIMIT
    # Hints share the window: the same reader is refused a hint on either worker.
    for client in clients:
        assert client.post("/api/checkpoint/q2/hint", json={}).status_code == 429


def test_parallel_answers_over_two_workers_stay_within_the_limit(two_workers):
    """A script sending answers at once through every worker: at most the limit is taken."""
    clients = same_reader(two_workers)
    codes: list[int] = []
    lock = threading.Lock()

    def send(client) -> None:
        for _ in range(5):
            code = client.post("/api/checkpoint/q1", json={"answer": "e4"}).status_code
            with lock:
                codes.append(code)

    threads = [threading.Thread(target=send, args=(clients[n % 2],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == 20 and codes.count(200) <= LIMIT - 1 and codes.count(429) >= 21 - LIMIT


def test_with_storage_down_each_worker_counts_alone_and_never_waits(two_workers):
    clients = same_reader(two_workers)
    for app in two_workers:  # the breaker is open: every storage call fails at once
        app.extensions["store"]._open_until = time.monotonic() + 60
    started = time.monotonic()
    codes = [clients[0].post("/api/checkpoint/q1", json={"answer": "e4"}) for _ in range(LIMIT)]
    for response in codes:  # not saved, so not graded either
        assert_honestly_unsaved(response)
    assert clients[0].post("/api/checkpoint/q1", json={"answer": "e4"}).status_code == 429
    assert time.monotonic() - started < 1.0
    # The other worker's own count is separate while the database cannot count for both.
    assert clients[1].post("/api/checkpoint/q1", json={"answer": "e4"}).status_code == 503


def test_one_statement_per_answer_and_old_windows_are_forgotten(two_workers):
    app = two_workers[0]
    windows = app.extensions["shared_windows"]
    statements: list[str] = []
    from sqlalchemy import event

    engine = app.extensions["store"].engine

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert windows.hit({"learner a": 2, "address b": 5}, 60) == 0
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [s for s in statements if "rate_windows" in s] == statements
    assert len([s for s in statements if "rate_windows" in s]) == 1
    assert windows.hit({"learner a": 2}, 60) == 0
    assert 0 < windows.hit({"learner a": 2}, 60) <= 60
    windows.forget(time.time() + 61)
    assert windows.hit({"learner a": 2}, 60) == 0
    assert limits.SWEEP_EVERY >= 100


def _new_sweep(client, swept: str):
    return client.get(f"/api/widgets/nudge?sweep={swept}", headers={"Accept-Encoding": "identity"})


def test_new_sweeps_from_one_address_are_counted_once_across_two_workers(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    apps = [make_app(tmp_path / f"worker{n}", DATABASE_URL=url, NEW_SWEEPS_PER_MINUTE=2)
            for n in range(2)]
    first, second = (app.test_client() for app in apps)
    assert _new_sweep(first, "x").status_code == 200
    assert _new_sweep(second, "w").status_code == 200
    refused = _new_sweep(first, "dx")  # new on this worker, but the address's third build
    assert refused.status_code == 429 and refused.json["field"] == "sweep"
    assert int(refused.headers["Retry-After"]) >= 1
    assert _new_sweep(second, "dx").status_code == 429
    assert _new_sweep(first, "x").status_code == 200  # cached on this worker: no new build
    assert second.get("/api/widgets/nudge?x=1.5").status_code == 200  # plain figures: no limit
    for app in apps:
        app.extensions["store"].dispose()


def test_with_storage_down_new_sweeps_are_counted_per_worker_without_waiting(tmp_path):
    app = make_app(tmp_path, NEW_SWEEPS_PER_MINUTE=1)
    store = app.extensions["store"]
    store._open_until = time.monotonic() + 60
    client = app.test_client()
    # Never waiting on storage: neither count asks it for a connection. (Not timed: the first
    # answer builds a sweep, CPU work a loaded machine may stretch, and no wait on storage.)
    with connections_asked(store) as asked:
        assert _new_sweep(client, "x").status_code == 200
        assert _new_sweep(client, "w").status_code == 429  # this worker's own count holds
    assert asked == []
