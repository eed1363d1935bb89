"""An answer costs at most three statements on either database, whatever the learner's
history: the attempt (counted and numbered by the database, its first review in the same
statement), what it left (the reader's record, or the learner's two summary rows), and the
shared answer windows, last. The database's counting (migration 0013) holds under answers
sent at once, and for rows inserted around the store."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, inspect, select, text

from store import NewAttempt, Recorded, Store, migrate
from store import review as review_store
from store.answers import Limits, record_answer
from store.limits import SharedWindows
from store.schema import attempts, review_items
from store.summaries import rebuild_summaries

TOKEN = "variant-token-of-q1"


def statements(store: Store, call) -> tuple[list[str], object]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        result = call()
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return seen, result


def history(store: Store, learner: str, size: int) -> None:
    """``size`` stored attempts, inserted in bulk around the store."""
    with store.engine.begin() as conn:
        conn.execute(attempts.insert(), [
            {"learner_id": learner, "question_id": ("q2", "q4")[n % 2], "variant": None,
             "answer": "x", "score": 0.0, "correct": False, "misconception": "outer-at-x",
             "created_at": store.now()} for n in range(size)])


@pytest.mark.parametrize("size", [10, 2000])
def test_every_kind_of_answer_is_at_most_three_statements(store, size, monkeypatch):
    from store import attempts as attempts_module

    monkeypatch.setattr(attempts_module, "MAX_ATTEMPTS_PER_LEARNER", size + 10)
    history(store, "me", size)
    limits = Limits(SharedWindows(store), {"learner me": 10**6, "address 127.0.0.1": 10**6},
                    60.0)
    wrong, got = statements(store, lambda: record_answer(
        store, NewAttempt("me", "q1", "e4", 0.0, False, "forgot-inner-derivative"), limits,
        read_back=True))
    assert len(wrong) == 3, wrong
    assert "rate_windows" in wrong[2], wrong  # the windows last, after the read-back
    assert got.recorded.number == 1 and got.recorded.ever_right is False
    assert got.record.summaries[""].attempts == size + 1
    right, got = statements(store, lambda: record_answer(
        store, NewAttempt("me", "q1", "4e4", 1.0, True), limits, read_back=True, review=True))
    assert len(right) == 3, right
    assert got.recorded.number == 2 and got.recorded.ever_right is True
    assert list(got.record.review) == ["q1"]  # scheduled by the attempt's own statement
    assert list(review_store.items(store, "me")) == ["q1"]
    practice, got = statements(store, lambda: record_answer(
        store, NewAttempt("me", "q1", "7", 0.0, False, None, TOKEN), limits, review=False))
    assert len(practice) == 3, practice
    assert got.recorded.number == 1 and got.recorded.ever_right is False
    again, got = statements(store, lambda: record_answer(
        store, NewAttempt("me", "q1", "8", 1.0, True, None, TOKEN), limits, review=True))
    assert len(again) == 3 and got.recorded == Recorded(2, True), again
    summaries = store.summaries("me")
    assert summaries[""].attempts == size + 4
    assert (summaries["q1"].attempts, summaries["q1"].first_right) == (2, 2)
    assert summaries[""].misconceptions == ("outer-at-x", "forgot-inner-derivative")


def test_a_right_answer_keeps_a_review_already_under_way(store):
    with store.engine.begin() as conn:
        conn.execute(review_items.insert().values(learner_id="me", question_id="q1", step=2,
                                                  due_at=store.now()))
    record_answer(store, NewAttempt("me", "q1", "4e4", 1.0, True), review=True)
    assert review_store.items(store, "me")["q1"][0] == 2  # not moved back to the first step
    assert store.tries("me", "q1", None) == (1, True)


def test_the_database_counts_and_numbers_rows_inserted_around_the_store(store):
    """Rows loaded in bulk are counted by the trigger and numbered when they carry no
    number; summarising them again afterwards (rebuild_summaries) counts nothing twice."""
    history(store, "bulk", 5)
    with store.engine.begin() as conn:
        conn.execute(attempts.insert(), [
            {"learner_id": "bulk", "question_id": "q1", "variant": TOKEN, "answer": "1",
             "score": 1.0, "correct": True, "created_at": store.now()}])
    before = store.summaries("bulk")
    assert (before[""].attempts, before["q2"].attempts, before["q4"].attempts) == (6, 3, 2)
    with store.engine.connect() as conn:
        numbers = conn.execute(select(attempts.c.question_id, attempts.c.number)
                               .order_by(attempts.c.id)).all()
    assert [tuple(r) for r in numbers] == [("q2", 1), ("q4", 1), ("q2", 2), ("q4", 2),
                                           ("q2", 3), ("q1", 1)]
    rebuild_summaries(store.engine)
    assert store.summaries("bulk") == before
    assert store.record_attempt(NewAttempt("bulk", "q2", "b", 0.0, False)) == 4
    assert store.record_attempt(NewAttempt("bulk", "q1", "2", 0.0, False, None, TOKEN)) == 2


def test_the_triggers_come_with_the_schema_and_go_with_its_downgrade(store):
    def objects() -> set[str]:
        with store.engine.connect() as conn:
            if store.engine.dialect.name == "postgresql":
                return set(conn.execute(text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())
            return set(conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'view')")).scalars())

    made = objects()
    assert "attempts_counted" in made
    migrate.downgrade(store.engine, "0012")
    assert objects() == set()
    assert "attempts" in inspect(store.engine).get_table_names()
    store.upgrade()
    assert objects() == made
    assert store.record_attempt(NewAttempt("me", "q1", "e4", 0.0, False)) == 1


def test_answers_sent_at_once_on_postgresql_count_and_number_like_one_at_a_time(pg_database):
    """Base answers right and wrong (with their reviews and read-backs) and a variant's, all
    of one learner, released together: each question's numbers run 1, 2, 3 … without a gap
    and the summary rows say what the stored rows do."""
    from tests.conftest import empty_database

    empty_database(pg_database)
    store = Store(pg_database)
    store.upgrade()
    plan = [("q1", None, n % 3 == 0) for n in range(12)] + [
        ("q1", TOKEN, n % 4 == 0) for n in range(8)] + [("q2", None, False)] * 4
    start = threading.Barrier(len(plan))
    got: list = []

    def one(qid: str, variant: str | None, right: bool) -> None:
        start.wait()
        answered = record_answer(store, NewAttempt("eager", qid, "a", float(right), right,
                                                   None if right else "outer-at-x", variant),
                                 read_back=variant is None, review=right)
        got.append((qid, variant, answered.recorded.number))

    threads = [threading.Thread(target=one, args=item) for item in plan]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(got) == len(plan), "every answer was stored"
        for qid, variant, count in (("q1", None, 12), ("q1", TOKEN, 8), ("q2", None, 4)):
            assert sorted(n for q, v, n in got if (q, v) == (qid, variant)) == list(
                range(1, count + 1))
        with store.engine.connect() as conn:
            stored = conn.execute(select(attempts.c.number, attempts.c.correct).where(
                attempts.c.question_id == "q1", attempts.c.variant.is_(None))).all()
        assert sorted(n for n, _ in stored) == list(range(1, 13))
        summaries = store.summaries("eager")
        assert [summaries[q].attempts for q in ("", "q1", "q2")] == [24, 12, 4]
        # the first right one by number (ids are taken before the lock, numbers under it)
        assert summaries["q1"].first_right == min(n for n, right in stored if right)
        assert summaries["q2"].first_right is None
        assert summaries[""].misconceptions == ("outer-at-x",)
        assert list(review_store.items(store, "eager")) == ["q1"]
    finally:
        store.dispose()
