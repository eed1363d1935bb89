"""A row another transaction holds costs only the answer that waits on it.

One learner's summary rows (``question_counters``) and an address's answer window
(``rate_windows``) are locked by each answer's transaction. A transaction that holds one and
stalls (its worker frozen mid-answer, a session left open by hand) must not make the store
look down: PostgreSQL refuses the waiting statement at ``PG_LOCK_TIMEOUT_MS``, that answer is
honestly unsaved, and everyone else's answers are saved as before (no breaker opens) — also
when several of its rows are held in turn, each for a little less than that.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, text

from store import attempts as store_module
from store import deadline
from tests.apps import assert_honestly_unsaved, make_app

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def pg_app(pg_database, tmp_path):
    from tests.conftest import empty_database

    empty_database(pg_database)
    app = make_app(tmp_path, DATABASE_URL=pg_database)
    yield app, app.extensions["store"], create_engine(pg_database)
    app.extensions["store"].dispose()


def _answer(client, qid: str = "q1", answer: str = "4e4"):
    started = time.monotonic()
    response = client.post(f"/api/checkpoint/{qid}", json={"answer": answer})
    return response, time.monotonic() - started


@pytest.mark.parametrize("held", ["learner", "window"])
def test_a_held_row_fails_only_the_answer_waiting_on_it(pg_app, held, caplog):
    app, store, engine = pg_app
    stuck, other = app.test_client(), app.test_client()
    assert _answer(stuck)[0].json["saved"] is True  # its rows exist now
    assert _answer(other)[0].json["saved"] is True  # and the other learner's
    with engine.connect() as conn:
        learner = conn.execute(text("SELECT learner_id FROM attempts ORDER BY id LIMIT 1")
                               ).scalar()
    hold = engine.connect()
    try:
        transaction = hold.begin()
        if held == "learner":  # a transaction of that learner's, stalled while holding them
            hold.execute(text("SELECT 1 FROM question_counters WHERE learner_id = :l FOR UPDATE"),
                         {"l": learner})
        else:  # every window row: the address the whole class shares is among them
            hold.execute(text("SELECT 1 FROM rate_windows FOR UPDATE"))
        caplog.clear()
        response, took = _answer(stuck)
        assert_honestly_unsaved(response)
        # Refused by the lock timeout (not cut at the client's deadline, which would open the
        # breaker): it waited that long at least, and PostgreSQL said why.
        assert store_module.PG_LOCK_TIMEOUT_MS / 1000 <= took < deadline.DEADLINE_S, took
        assert "lock timeout" in caplog.text, caplog.text
        assert not store.breaker_open(), "one held row opened the breaker for everyone"
        if held == "learner":
            # Another learner is saved while the row is still held. Had its answer waited on
            # that row, PostgreSQL would have refused it at the lock timeout. (Not timed: a
            # commit's flush to a busy disk can take longer than any fair bound.)
            response, _ = _answer(other)
            assert response.json["saved"] is True
        transaction.rollback()
    finally:
        hold.close()
    response, _ = _answer(stuck)
    assert response.json["saved"] is True  # released: that learner saves again at once
    with engine.connect() as conn:  # the refused answer left nothing half-written
        stored = conn.execute(text("SELECT count(*) FROM attempts WHERE learner_id = :l"),
                              {"l": learner}).scalar()
        counted = conn.execute(text("SELECT attempts FROM question_counters WHERE learner_id"
                                    " = :l AND question_id = '' AND variant_key = ''"),
                               {"l": learner}).scalar()  # the row that sums the learner up
    assert stored == counted == 2
    engine.dispose()


def _hold(engine, statement: str, params: dict, seconds: float, ready) -> None:
    with engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(text(statement), params)
        ready.release()
        time.sleep(seconds)
        transaction.rollback()


def test_rows_released_one_after_another_never_cost_everyone(pg_app):
    """Each of an answer's rows held just under the lock timeout, released in turn: the
    waits add up, yet stay inside the client's deadline, so the answer is saved (or, at
    worst, honestly not) and no breaker opens for the other learners."""
    app, store, engine = pg_app
    stuck, other = app.test_client(), app.test_client()
    assert _answer(stuck)[0].json["saved"] is True
    assert _answer(other)[0].json["saved"] is True
    with engine.connect() as conn:
        learner = conn.execute(text("SELECT learner_id FROM attempts ORDER BY id LIMIT 1")
                               ).scalar()
    step = store_module.PG_LOCK_TIMEOUT_MS / 1000 * 0.9
    rows = ["SELECT 1 FROM question_counters WHERE learner_id = :l AND question_id = '' "
            "FOR UPDATE",
            "SELECT 1 FROM question_counters WHERE learner_id = :l AND question_id = 'q1' "
            "FOR UPDATE",
            "SELECT 1 FROM rate_windows FOR UPDATE"]
    ready = threading.Semaphore(0)
    holds = [threading.Thread(target=_hold, args=(engine, row, {"l": learner}, (i + 1) * step,
                                                  ready)) for i, row in enumerate(rows)]
    for hold in holds:
        hold.start()
    for _ in holds:
        ready.acquire()
    cut_before = deadline.WATCHDOG.fired
    response, _ = _answer(stuck)
    for hold in holds:
        hold.join()
    if response.status_code != 200:
        assert_honestly_unsaved(response)
    # Inside the client's deadline: its watchdog never cut the connection. (Not the request's
    # wall time: besides the transaction the deadline covers, it holds the request's work
    # around it, grading and the reply, which a loaded machine stretches.)
    assert deadline.WATCHDOG.fired == cut_before
    assert not store.breaker_open(), "rows held in turn opened the breaker for everyone"
    assert _answer(other)[0].json["saved"] is True
    engine.dispose()


def test_postgresql_gets_the_lock_timeout(pg_app):
    _, store, _ = pg_app
    with store.engine.connect() as conn:
        shown = conn.execute(text("SELECT current_setting('lock_timeout')::interval "
                                  "= make_interval(secs => :ms / 1000.0)"),
                             {"ms": store_module.PG_LOCK_TIMEOUT_MS}).scalar()
    assert shown is True
    assert store_module.PG_LOCK_TIMEOUT_MS < store_module.PG_STATEMENT_TIMEOUT_MS
    # Every wait an answer can make, one after another, ends before the client's deadline.
    assert (store_module.MOST_ROWS_AN_ANSWER_WAITS_ON * store_module.PG_LOCK_TIMEOUT_MS / 1000
            < deadline.DEADLINE_S)
