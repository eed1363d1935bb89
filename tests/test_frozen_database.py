"""A PostgreSQL that stops answering mid-connection costs an answer at most the store's budget.

Between the app and the database sits a small TCP relay of the test's own; "freezing" it stops
forwarding bytes while every socket stays open, as a frozen server (SIGSTOP) or a host gone
silent does: the server's statement_timeout cannot fire and the client's kernel sees nothing
wrong. Runs only with TEST_DATABASE_URL (CI sets it).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.engine import make_url

from store import deadline
from tests.apps import assert_honestly_unsaved, make_app
from tests.relay import Relay

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def frozen_setup(pg_database, tmp_path):
    url = make_url(pg_database)
    relay = Relay(url.host, url.port or 5432)
    app = make_app(tmp_path, DATABASE_URL=url.set(host="127.0.0.1", port=relay.port)
                   .render_as_string(hide_password=False))
    store = app.extensions["store"]
    store.breaker_seconds = 1.0  # short, so the test sees it close again
    yield app, store, relay
    relay.close()
    store.dispose()


def wait_until_closed(store, limit: float = 5.0) -> None:
    stop = time.monotonic() + limit
    while store.breaker_open() and time.monotonic() < stop:
        time.sleep(0.05)
    assert not store.breaker_open(), "the breaker stayed open with the server back"


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_an_answer_to_a_frozen_database_is_honestly_unsaved_within_the_budget(frozen_setup):
    app, store, relay = frozen_setup
    reader, visitor = app.test_client(), app.test_client()
    answer = lambda: reader.post("/api/checkpoint/q1", json={"answer": "4e4"})  # noqa: E731
    assert answer().json["saved"] is True  # the pool holds a live connection now

    relay.frozen.set()
    pages: list[tuple[int, float]] = []
    held: list[bool] = []

    def meanwhile() -> None:
        # Once the answer's bytes are held it waits on the frozen database (on a loaded
        # machine that may be later than any fixed pause would assume).
        held.append(relay.holding.wait(5))
        for path in ("/", "/api/widgets/nudge"):
            response, took = timed(lambda path=path: visitor.get(path))
            pages.append((response.status_code, took))

    side = threading.Thread(target=meanwhile)
    side.start()
    response, took = timed(answer)
    side.join()
    assert held == [True]  # the pages below were asked for while the answer waited
    assert_honestly_unsaved(response)
    assert took < 1.5, f"an answer waited {took:.2f} s on a frozen database"
    assert store.breaker_open()
    assert [status for status, _ in pages] == [200, 200]
    assert max(took for _, took in pages) < 0.25, pages
    # While the breaker is open, answers are refused by the store at once.
    response, took = timed(answer)
    assert_honestly_unsaved(response)
    assert took < 0.25

    relay.frozen.clear()
    time.sleep(store.breaker_seconds + 0.1)
    wait_until_closed(store)  # the store finds the server again by itself, off any request
    response, took = timed(answer)
    assert response.json["saved"] is True and took < 1.5


def test_a_commit_that_hangs_is_never_reported_saved(frozen_setup):
    """The freeze lands just before the COMMIT goes out: the watchdog cuts the connection and
    the reader is told "not saved". The COMMIT is already on its way, so a server that wakes
    may still apply it (in doubt, as any commit whose answer never came back): the promise is
    one way, an answer reported saved is stored, never the reverse."""
    app, store, relay = frozen_setup
    reader = app.test_client()
    assert reader.post("/api/checkpoint/q1", json={"answer": "4e4"}).json["saved"] is True
    from sqlalchemy import event

    def freeze_before_commit(_conn) -> None:
        relay.frozen.set()

    kept = len(store.attempts())
    event.listen(store.engine, "commit", freeze_before_commit)
    cut_before = deadline.WATCHDOG.fired
    response, took = timed(
        lambda: reader.post("/api/checkpoint/q1", json={"answer": "2e4"}))
    event.remove(store.engine, "commit", freeze_before_commit)
    assert_honestly_unsaved(response)
    assert took < 1.5
    assert deadline.WATCHDOG.fired == cut_before + 1
    relay.frozen.clear()
    wait_until_closed(store)
    assert kept <= len(store.attempts()) <= kept + 1


def test_a_server_gone_silent_costs_later_answers_nothing(frozen_setup):
    """With the server silent even to new connections, only the answer that finds out waits,
    within the budget (a new connection is given up at the deadline, though libpq's own
    connect timeout is 2 s); the breaker then stays open while a thread of the store checks
    the server, so answers after the breaker's pause do not wait again."""
    app, store, relay = frozen_setup
    reader = app.test_client()
    answer = lambda: reader.post("/api/checkpoint/q1", json={"answer": "4e4"})  # noqa: E731
    assert answer().json["saved"] is True
    relay.frozen.set()
    store.engine.dispose()  # no pooled connection left: the next call must connect anew
    first, took = timed(answer)
    assert_honestly_unsaved(first)
    assert took < 1.5, f"an answer waited {took:.2f} s to connect to a silent server"
    time.sleep(store.breaker_seconds * 2.5)
    for _ in range(3):
        response, took = timed(answer)
        assert_honestly_unsaved(response)
        assert took < 0.25, took
    relay.frozen.clear()
    wait_until_closed(store, limit=8)
    assert answer().json["saved"] is True


def test_a_new_sweeps_shared_count_waits_on_a_frozen_database_less_than_a_request_deadline(
        frozen_setup):
    app, store, relay = frozen_setup
    client = app.test_client()
    get = lambda swept: client.get(f"/api/widgets/nudge?sweep={swept}",  # noqa: E731
                                   headers={"Accept-Encoding": "identity"})
    assert get("x").status_code == 200  # counted in the database; the pool holds a connection
    _, built = timed(lambda: get("dx"))  # what building a sweep this size takes here, now
    relay.frozen.set()
    response, took = timed(lambda: get("w"))
    assert response.status_code == 200  # counted by this worker instead, and built
    # The count gives up well before a request's deadline (its own budget is 0.25 s; on a
    # loaded machine the watchdog's cut lands later), besides the build itself.
    assert took < deadline.DEADLINE_S + built, f"a new sweep took {took:.2f} s " \
        f"(a sweep built in {built:.2f} s)"
    assert store.breaker_open()
    relay.frozen.clear()


def test_a_connection_that_arrives_after_its_deadline_is_closed_not_handed_out():
    class Late:
        def __init__(self) -> None:
            self.closed = threading.Event()

        def close(self) -> None:
            self.closed.set()

    late = Late()
    given_up = threading.Event()

    def slow_connect():
        given_up.wait(5)  # arrives only once the caller has given up on it
        return late

    with pytest.raises(TimeoutError):
        deadline.connect_within(slow_connect, 0.05, lambda: TimeoutError("deadline"))
    given_up.set()
    # Closed by the helper thread it arrives on, whenever that thread runs (a loaded machine
    # may hold it back): waited for, not given a fixed pause.
    assert late.closed.wait(5)
    assert deadline.connect_within(lambda: "made", 1.0, lambda: TimeoutError()) == "made"
    with pytest.raises(ValueError):
        deadline.connect_within(lambda: int("x"), 1.0, lambda: TimeoutError())


def test_the_readers_page_answers_without_their_state_while_storage_is_frozen(frozen_setup):
    """A reader's own page (prepared frame, state spliced in) still answers at once during a
    freeze: the chapter and the checkpoint, without their state, and a notice saying so."""
    from quizzes.progress import NOT_LOADED

    app, _store, relay = frozen_setup
    reader = app.test_client()
    assert reader.post("/api/checkpoint/q1", json={"answer": "4e4"}).json["saved"] is True
    assert "state-right-first-try" in reader.get("/").text
    relay.frozen.set()
    first, took_first = timed(lambda: reader.get("/"))  # waits on the frozen database once
    page, took = timed(lambda: reader.get("/"))  # the breaker is open: no wait at all
    relay.frozen.clear()
    assert first.status_code == 200 and took_first < 1.5, took_first
    assert page.status_code == 200 and took < 0.25, took
    for answered in (first, page):
        assert NOT_LOADED in answered.text and 'id="q4"' in answered.text
        assert "state-right-first-try" not in answered.text
