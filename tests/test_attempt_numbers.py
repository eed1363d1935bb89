"""Attempt numbers: unique per learner and question, on SQLite and PostgreSQL, however many
answers arrive at once. The number comes from a counter row taken in the attempt's own
statement (migration 0013's trigger, store/attempts.py); a unique index on base attempts
stands behind it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from store import NewAttempt, Store, StoreUnavailable, migrate
from store.schema import attempts, question_counters
from store.summaries import rebuild_summaries

SIMULTANEOUS = 24


def answer_at_once(store: Store, learner: str, n: int, variant: str | None = None) -> list:
    """``n`` threads answer the same question for one learner, released together."""
    start = threading.Barrier(n)
    numbers: list = []
    lock = threading.Lock()

    def one(i: int) -> None:
        start.wait()
        try:
            got = store.record_attempt(NewAttempt(learner, "q1", f"a{i}", 0.0, False, None,
                                                  variant))
        except StoreUnavailable:
            got = None
        with lock:
            numbers.append(got)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return numbers


def stored_numbers(store: Store, learner: str) -> list[int]:
    with store.engine.connect() as conn:
        return sorted(conn.execute(select(attempts.c.number).where(
            attempts.c.learner_id == learner)).scalars())


def test_twenty_four_simultaneous_answers_on_postgresql_are_numbered_1_to_24(pg_database):
    from tests.conftest import empty_database

    empty_database(pg_database)
    store = Store(pg_database)
    store.upgrade()
    try:
        numbers = answer_at_once(store, "eager", SIMULTANEOUS)
        assert None not in numbers, "every answer was stored"
        assert sorted(numbers) == list(range(1, SIMULTANEOUS + 1))
        assert stored_numbers(store, "eager") == list(range(1, SIMULTANEOUS + 1))
        # And the next one, alone, carries on.
        assert store.record_attempt(NewAttempt("eager", "q1", "x", 1.0, True)) == 25
    finally:
        store.dispose()


def test_simultaneous_answers_on_either_database_never_share_a_number(store):
    numbers = answer_at_once(store, "eager", 8)
    saved = [n for n in numbers if n is not None]
    assert saved and sorted(saved) == list(range(1, len(saved) + 1))
    assert stored_numbers(store, "eager") == sorted(saved)


def test_a_variant_counts_apart_from_its_base_question(store):
    assert store.record_attempt(NewAttempt("me", "q1", "a", 0.0, False)) == 1
    assert store.record_attempt(NewAttempt("me", "q1", "1.5", 0.0, False, None, "tok")) == 1
    assert store.record_attempt(NewAttempt("me", "q1", "b", 0.0, False)) == 2
    assert store.record_attempt(NewAttempt("me", "q1", "2.5", 1.0, True, None, "tok")) == 2
    assert store.record_attempt(NewAttempt("me", "q1", "3", 0.0, False, None, "other")) == 1
    assert store.record_attempt(NewAttempt("me", "q2", "true", 0.0, False)) == 1
    assert store.tries("me", "q1", None) == (2, False)


def test_the_database_refuses_two_base_attempts_with_one_number(store):
    """The unique index itself, not only the code in front of it."""
    store.record_attempt(NewAttempt("me", "q1", "a", 0.0, False))
    row = {"learner_id": "me", "question_id": "q1", "variant": None, "answer": "b",
           "score": 0.0, "correct": False, "number": 1,
           "created_at": store.now()}
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(attempts.insert().values(**row))


def test_attempts_loaded_in_bulk_are_summarised_then_numbered_on_from(store):
    """Rows written in bulk (benchmarks, imports) are counted by the database as they go in
    (migration 0013); rebuild_summaries afterwards counts nothing twice, and the next answer
    carries on instead of colliding."""
    with store.engine.begin() as conn:
        conn.execute(attempts.insert(), [
            {"learner_id": "bulk", "question_id": "q3", "variant": None, "answer": "a",
             "score": 0.0, "correct": False, "created_at": store.now(), "number": n}
            for n in (1, 2, 3)])
    rebuild_summaries(store.engine)
    assert store.record_attempt(NewAttempt("bulk", "q3", "b", 1.0, True)) == 4
    summary = store.summaries("bulk")
    assert (summary["q3"].attempts, summary["q3"].first_right, summary[""].attempts) == (4, 4, 4)


def test_upgrading_numbers_existing_attempts_in_order_and_seeds_the_counters(store_url):
    store = Store(store_url)
    store.upgrade("0006")
    rows = [("A", "q1", None), ("A", "q1", None), ("B", "q1", None), ("A", "q1", "tok"),
            ("A", "q2", None), ("A", "q1", None)]
    with store.engine.begin() as conn:
        for learner, qid, variant in rows:
            conn.execute(text(
                "INSERT INTO attempts (learner_id, question_id, variant, answer, score, "
                "correct, created_at) VALUES (:l, :q, :v, 'x', 0, false, :t)"),
                {"l": learner, "q": qid, "v": variant, "t": store.now()})
    store.upgrade()
    assert migrate.current(store.engine) == migrate.head()
    with store.engine.connect() as conn:
        assert [r[0] for r in conn.execute(select(attempts.c.number).order_by(
            attempts.c.id))] == [1, 2, 1, 1, 1, 3]
        assert conn.execute(select(question_counters.c.attempts).where(
            question_counters.c.learner_id == "A", question_counters.c.question_id == "q1",
            question_counters.c.variant_key == "")).scalar_one() == 3
    assert store.record_attempt(NewAttempt("A", "q1", "y", 0.0, False)) == 4
    assert store.record_attempt(NewAttempt("A", "q1", "y", 0.0, False, None, "tok")) == 2
    assert store.record_attempt(NewAttempt("B", "q1", "y", 0.0, False)) == 2
    migrate.downgrade(store.engine, "0006")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attempts")).scalar_one() == len(rows) + 3
    store.dispose()
