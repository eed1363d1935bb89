"""Upgrading a database that already holds attempts: the 0001 schema, with data, to head.

Runs against SQLite always and PostgreSQL when TEST_DATABASE_URL is set (the fixtures of
tests/test_store.py). Nothing the older schema held may be lost or changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from store import NewAttempt, Store, migrate
from store.schema import attempts

OLD_ROWS = [
    # learner, question, variant, answer, score, correct, misconception
    ("L1", "q1", None, "e4", 0.0, False, "forgot-inner-derivative"),
    ("L1", "q1", None, "4e4", 1.0, True, None),
    ("L2", "q4", None, "b,a,c,d", 2 / 3, False, "forward-order"),
    ("L2", "q1", "signed.variant.token", "218.4", 1.0, True, None),
    ("L3", "q2", None, "true", 0.0, False, "forward-order"),
]


@pytest.fixture
def old_database(store_url):
    """A database at revision 0001 holding attempts written with that schema's columns."""
    store = Store(store_url)
    store.upgrade("0001")
    assert migrate.current(store.engine) == "0001"
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    with store.engine.begin() as conn:
        for n, (learner, qid, variant, answer, score, correct, name) in enumerate(OLD_ROWS):
            conn.execute(text(
                "INSERT INTO attempts (learner_id, question_id, variant, answer, score, correct,"
                " misconception, created_at) VALUES (:l, :q, :v, :a, :s, :c, :m, :t)"),
                {"l": learner, "q": qid, "v": variant, "a": answer, "s": score, "c": correct,
                 "m": name, "t": start + timedelta(minutes=n)})
    yield store
    store.dispose()


def rows(store: Store) -> list[tuple]:
    with store.engine.connect() as conn:
        found = conn.execute(select(
            attempts.c.learner_id, attempts.c.question_id, attempts.c.variant,
            attempts.c.answer, attempts.c.score, attempts.c.correct, attempts.c.misconception,
        ).order_by(attempts.c.id)).all()
    return [(r[0], r[1], r[2], r[3], pytest.approx(r[4]), bool(r[5]), r[6]) for r in found]


def test_upgrading_keeps_every_old_attempt_and_adds_the_class_tables(old_database):
    store = old_database
    with store.engine.connect() as conn:
        ids_before = [r[0] for r in conn.execute(text("SELECT id FROM attempts ORDER BY id"))]
        times_before = conn.execute(text("SELECT created_at FROM attempts ORDER BY id")).all()
    store.upgrade()
    assert migrate.current(store.engine) == migrate.head()
    assert rows(store) == [(*r[:4], pytest.approx(r[4]), *r[5:]) for r in OLD_ROWS]
    with store.engine.connect() as conn:
        assert [r[0] for r in conn.execute(text("SELECT id FROM attempts ORDER BY id"))
                ] == ids_before
        assert conn.execute(text("SELECT created_at FROM attempts ORDER BY id")
                            ).all() == times_before
        assert conn.execute(text("SELECT count(*) FROM attempts WHERE class_id IS NOT NULL")
                            ).scalar_one() == 0
    tables = set(inspect(store.engine).get_table_names())
    assert {"attempts", "classes", "enrolments"} <= tables
    # The upgraded database works: old learners keep their progress, new attempts number on.
    assert store.learner_progress("L1")["q1"].attempts == 2
    assert store.record_attempt(NewAttempt("L1", "q1", "e4", 0.0, False)) == 3


def test_downgrading_back_to_0001_keeps_the_attempts_too(old_database):
    store = old_database
    store.upgrade()
    migrate.downgrade(store.engine, "0001")
    assert "classes" not in inspect(store.engine).get_table_names()
    with store.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM attempts")).scalar_one()
    assert count == len(OLD_ROWS)
