"""The dashboard's numbers from SQL (GROUP BY in store/classes.py) equal the Python
computation over every attempt (tests/dashboard_reference.py), on randomized classes, on
SQLite and PostgreSQL; and the CSVs stream."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from instructors import export, stats
from quizzes.bank import default_bank
from store import classes
from store.schema import attempts as attempts_table
from tests import dashboard_reference as reference

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _answers(question, rng: random.Random) -> list[tuple[str, float, bool, str | None]]:
    """Every answer a learner may give to ``question``, graded once, so the same answer
    always gets the same score and misconception (as the grader does)."""
    if question.kind == "ordering":
        key = ",".join(question.key)
        out = []
        for order in itertools.permutations(question.key):
            answer = ",".join(order)
            right = sum(a == b for a, b in zip(order, question.key, strict=True))
            score = right / len(order)
            out.append((answer, score, answer == key,
                        None if answer == key else rng.choice([None, "forward-order"])))
        return out
    out = [(c.id, 1.0 if c.id == question.key else 0.0, c.id == question.key,
            c.misconception) for c in question.choices]
    return [*out, ("unlisted-answer", 0.0, False, None)]


def seed_class(store, rng: random.Random, students: int, attempts: int) -> int:
    """A class with ``students`` (some never answer), attempts in random order and times,
    some practice variants, and attempts of another class mixed in."""
    bank = default_bank()
    mine = classes.create_class(store, "Random", f"tok-{rng.random()}", "0" * 64)
    other = classes.create_class(store, "Other", f"tok-{rng.random()}", "1" * 64)
    for n in range(students):
        classes.enrol(store, mine.id, f"L{n}", f"Student {n}")
    choices = {qid: _answers(q, rng) for qid, q in bank.questions.items()}
    rows = []
    for i in range(attempts):
        qid = rng.choice(list(bank.questions))
        answer, score, correct, name = rng.choice(choices[qid])
        learner = f"L{rng.randrange(max(1, students - 2))}"  # the last two never answer
        rows.append({
            "learner_id": learner, "question_id": qid, "answer": answer, "score": score,
            "correct": correct, "misconception": name,
            "variant": "v-token" if rng.random() < 0.15 else None,
            "created_at": START + timedelta(seconds=rng.randrange(0, 5000)),
            "class_id": other.id if i % 9 == 0 else mine.id})
    store.ensure_schema()
    with store.engine.begin() as conn:
        if rows:
            conn.execute(attempts_table.insert(), rows)
    return mine.id


@pytest.mark.parametrize("seed", range(6))
def test_sql_numbers_equal_the_python_reference(store, seed):
    rng = random.Random(seed)
    bank = default_bank()
    class_id = seed_class(store, rng, students=rng.randrange(2, 12),
                          attempts=rng.choice([0, 1, 5, 40, 300]))
    students = classes.students(store, class_id)
    every = classes.class_attempts(store, class_id)
    summary = classes.class_summary(store, class_id)
    assert stats.class_stats(bank, summary) == reference.class_stats(bank, every)
    assert stats.roster(bank, students, summary) == reference.roster(bank, students, every)
    assert summary.attempt_count == len(every)
    assert summary.last_activity == max((a.created_at for a in every), default=None)
    # The Python reduction of the same attempts gives the same summary.
    assert stats.summarize(every) == summary


def test_the_attempts_export_streams_every_row_in_order(store):
    class_id = seed_class(store, random.Random(7), students=5, attempts=250)
    streamed = list(classes.iter_class_attempts(store, class_id, chunk=16))
    assert streamed == classes.class_attempts(store, class_id)
    bank = default_bank()
    students = classes.students(store, class_id)
    chunks = list(export.iter_attempts_csv(bank, students, iter(streamed)))
    assert len(chunks) == 1 + len(streamed) // export.CSV_LINES  # a few chunks, not one
    assert all(chunk.endswith("\r\n") for chunk in chunks)
    text = "".join(chunks)
    assert text.count("\r\n") == len(streamed) + 1
    assert text == export.attempts_csv(bank, students, streamed)


def test_partial_credit_is_not_called_wrong():
    from quizzes.progress import state_from

    assert state_from(2, None, None, 2 / 3).label == "Partly right (67 %)"
    assert state_from(1, None, None, 0.0).label == "Wrong"
    assert state_from(1, 1, START, 1.0).label == "Right first try"
    assert state_from(3, 3, START, 1.0).label == "Right after 3 tries"
    assert stats.Cell().label == "Not tried"


def test_both_csvs_are_streamed_responses(app, client):
    from tests.classes_helpers import create_class, join

    klass = create_class(client)
    join(app, klass["join"], "Ada")
    for what in ("roster", "attempts"):
        response = client.get(f"{klass['teach']}/{what}.csv", buffered=False)
        assert response.status_code == 200 and response.is_streamed
        assert response.headers["Cache-Control"] == "no-store"
        assert b"".join(response.response).startswith("\ufeff".encode())
        response.close()


def _add(store, class_id: int, rows: list[dict]) -> None:
    """Attempts at q1, wrong unless said otherwise, with their choice's misconception."""
    q1 = default_bank().questions["q1"]
    with store.engine.begin() as conn:
        conn.execute(attempts_table.insert(), [
            {"learner_id": "L0", "question_id": "q1", "score": 0.0, "correct": False,
             "misconception": q1.choice_by_id[row["answer"]].misconception, "variant": None,
             "created_at": START + timedelta(hours=3), "class_id": class_id, **row}
            for row in rows])


def test_the_summary_is_brought_up_to_date_and_remade_when_an_older_id_commits_late(store):
    """Each poll adds only what came since; an attempt with an older id than the newest
    counted (a transaction that committed late) makes it count everything again."""
    bank = default_bank()
    class_id = seed_class(store, random.Random(3), students=6, attempts=120)

    def check():
        every = classes.class_attempts(store, class_id)
        students = classes.students(store, class_id)
        summary = classes.class_summary(store, class_id)
        assert stats.class_stats(bank, summary) == reference.class_stats(bank, every)
        assert stats.roster(bank, students, summary) == reference.roster(bank, students, every)
        assert summary.attempt_count == len(every)
        return summary

    first = check()
    _add(store, class_id, [{"answer": "e4"}, {"answer": "4e4", "score": 1.0, "correct": True,
                                              "misconception": None, "learner_id": "L5"}])
    assert check().attempt_count == first.attempt_count + 2
    _add(store, class_id, [{"id": first.newest_id + 50, "answer": "4e2"}])
    check()
    _add(store, class_id, [{"id": first.newest_id + 10, "answer": "2e4",
                            "learner_id": "L4", "question_id": "q1"}])  # an older id, late
    check()


def test_the_lookups_by_student_and_by_item_read_an_index_not_the_whole_class(tmp_path):
    """The attempts outside the class and those on its practice-only items: SQLite's plan
    for each searches an index on the columns asked for, rather than visiting every attempt
    of the class (~120 ms apiece at 100,000 attempts)."""
    from sqlalchemy import event

    from store import Store

    store = Store(f"sqlite:///{tmp_path / 'plan.sqlite'}")
    store.upgrade()
    class_id = seed_class(store, random.Random(5), students=6, attempts=200)
    seen: list[tuple[str, tuple]] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, params, *_: seen.append((sql, params)))
    classes.outside_tries(store, class_id, [f"L{n}" for n in range(6)])
    classes.class_item_attempts(store, class_id, ["p1", "d1"])
    asked = list(seen)
    plans = []
    with store.engine.connect() as conn:
        for sql, params in asked:
            if "FROM attempts" in sql:
                plans.append(" | ".join(row[3] for row in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + sql, params)))
    assert len(plans) == 2, plans
    outside, items = plans
    assert "ix_attempts_learner_class" in outside and "SCAN attempts" not in outside, outside
    assert "ix_attempts_question" in items and "SCAN attempts" not in items, items
    store.dispose()
