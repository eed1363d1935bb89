"""Attempt storage against SQLite always, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from store import NewAttempt, Store, StoreUnavailable, database_url, migrate
from store.schema import metadata


def attempt(learner="L1", question="q1", answer="4e4", score=1.0, correct=True,
            misconception=None, variant=None) -> NewAttempt:
    return NewAttempt(learner, question, answer, score, correct, misconception, variant)


def test_migrations_build_exactly_the_schema_the_code_queries(store):
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
    assert migrate.current(store.engine) == migrate.head()


def test_upgrading_twice_changes_nothing_and_keeps_data(store):
    store.record_attempt(attempt())
    store.upgrade()
    assert len(store.attempts()) == 1


def test_downgrade_to_nothing_then_upgrade_again(store):
    migrate.downgrade(store.engine, "base")
    assert "attempts" not in inspect(store.engine).get_table_names()
    store.upgrade()
    assert store.record_attempt(attempt()) == 1


def test_attempts_are_numbered_per_learner_question_and_variant(store):
    assert [store.record_attempt(attempt()) for _ in range(3)] == [1, 2, 3]
    assert store.record_attempt(attempt(question="q2", answer="false")) == 1
    assert store.record_attempt(attempt(learner="L2")) == 1
    assert store.record_attempt(attempt(variant="tok-A", answer="12.5")) == 1
    assert store.record_attempt(attempt(variant="tok-A", answer="12.6")) == 2
    assert store.record_attempt(attempt(variant="tok-B", answer="3")) == 1
    assert store.record_attempt(attempt()) == 4


def test_everything_an_attempt_carries_is_stored(store):
    store.record_attempt(attempt(question="q4", answer="b,a,c,d", score=2 / 3, correct=False,
                                 misconception="forward-order"))
    (row,) = store.attempts(learner_id="L1")
    assert (row.question_id, row.answer, row.correct, row.misconception, row.variant) == (
        "q4", "b,a,c,d", False, "forward-order", None)
    assert row.score == pytest.approx(2 / 3)
    assert row.created_at is not None and row.id > 0


def test_progress_is_the_last_base_attempt_per_question_for_that_learner_only(store):
    store.record_attempt(attempt(answer="e4", score=0, correct=False,
                                 misconception="forgot-inner-derivative"))
    store.record_attempt(attempt(answer="4e4"))
    store.record_attempt(attempt(question="q3", answer="1", score=0, correct=False))
    store.record_attempt(attempt(variant="tok", answer="7", score=0, correct=False))
    store.record_attempt(attempt(learner="someone-else", question="q2", answer="true",
                                 score=0, correct=False))
    progress = store.learner_progress("L1")
    assert set(progress) == {"q1", "q3"}
    assert progress["q1"].attempts == 2
    assert (progress["q1"].last.answer, progress["q1"].last.correct) == ("4e4", True)
    assert progress["q3"].last.correct is False
    assert store.learner_progress("nobody") == {}


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    store.upgrade()
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        # A writer waits for the lock, but briefly: a request has a short budget (issue 11).
        assert 250 <= conn.execute(text("PRAGMA busy_timeout")).scalar() <= 500
    store.dispose()


def test_concurrent_writers_lose_nothing(store_url):
    """Several processes' worth of engines writing at once: every acknowledged write is there."""
    Store(store_url).upgrade()
    stores = [Store(store_url) for _ in range(6)]
    acknowledged = []
    errors = []

    def write(store, n):
        for i in range(20):
            try:
                store.record_attempt(attempt(learner=f"w{n}", answer=str(i)))
                acknowledged.append((n, i))
            except StoreUnavailable as exc:
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(stores[0].attempts()) == len(acknowledged) == 120
    for s in stores:
        s.dispose()


def test_an_answer_queues_twice_for_a_sqlite_lock_held_past_one_busy_timeout(tmp_path):
    """Another writer holds SQLite's write lock longer than one busy timeout (400 ms) but
    less than two: the answer queues again instead of failing, and is stored."""
    import sqlite3

    from store.attempts import SQLITE_BUSY_TIMEOUT_MS

    path = tmp_path / "locked.sqlite"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as a long write elsewhere holds it
    released = threading.Timer(1.4 * SQLITE_BUSY_TIMEOUT_MS / 1000, holder.execute,
                               args=("COMMIT",))
    released.start()
    try:
        assert store.record_attempt(attempt()) == 1
    finally:
        released.join()
        holder.close()
    assert not store.breaker_open()
    store.dispose()


def test_a_read_only_sqlite_file_raises_store_unavailable(tmp_path):
    path = tmp_path / "ro.sqlite"
    Store(f"sqlite:///{path}").upgrade()
    # Opened read-only: the same refusal a read-only file gives, even to root. No breaker: a
    # refused write on a loaded machine can be slow enough to open it, and the read below is
    # about the refusal, not the time budget.
    store = Store(f"sqlite:///file:{path}?mode=ro&uri=true", breaker_seconds=0.0)
    with pytest.raises(StoreUnavailable):
        store.record_attempt(attempt())
    assert store.learner_progress("L1") == {}
    store.dispose()


def test_a_database_that_is_down_raises_store_unavailable_quickly():
    store = Store(database_url("postgresql://nobody:nothing@127.0.0.1:1/none", ""))
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.record_attempt(attempt())
    with pytest.raises(StoreUnavailable):
        store.learner_progress("L1")
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(("configured", "expected"), [
    ("", "sqlite:////srv/instance/checkpoint.sqlite"),
    ("sqlite:///data/x.sqlite", "sqlite:///data/x.sqlite"),
    ("postgresql://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
    ("postgres://u:p@db/app", "postgresql+psycopg://u:p@db/app"),
    ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
])
def test_database_url_defaults_to_the_instance_folder_and_uses_psycopg3(configured, expected):
    assert database_url(configured, "/srv/instance") == expected


def test_flask_db_commands_migrate_the_configured_database(tmp_path):
    from flask import Flask

    import store as store_module

    app = Flask(__name__, instance_path=str(tmp_path))
    app.config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    store_module.init_app(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert "database at None" in result.output
    result = runner.invoke(args=["db", "upgrade"])
    assert f"database at {migrate.head()}" in result.output
    assert "attempts" in inspect(app.extensions["store"].engine).get_table_names()
    assert "newest is" in runner.invoke(args=["db", "current"]).output


def test_start_up_survives_a_database_that_is_down(tmp_path):
    from flask import Flask

    import store as store_module

    app = Flask(__name__, instance_path=str(tmp_path))
    app.config["DATABASE_URL"] = "postgresql://nobody:nothing@127.0.0.1:1/none"
    store = store_module.init_app(app)
    with pytest.raises(StoreUnavailable):
        store.record_attempt(attempt())
