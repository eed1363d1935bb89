"""The per-learner summary rows (migrations 0011 and 0013): kept by the database in each
answer's own transaction (an answer and its read-back in two statements), equal to what the
learner's attempts say, backfilled when an older database is upgraded, and read in one query
whatever the history."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from quizzes.progress import _reduce
from store import AttemptCapReached, NewAttempt, Store, migrate
from store import attempts as attempts_module

QUESTIONS = ["q1", "q2", "q3", "q4", "p1", "d1"]  # any question id, not only the checkpoint's
NAMES = ["forgot-inner-derivative", "outer-at-x", "forward-order", None]


def expected(store: Store, learner: str) -> dict:
    """The summaries recomputed from the learner's attempts, the slow way."""
    mine = store.attempts(learner_id=learner)
    reduced = _reduce(mine)
    found = {}
    for (_, qid), (tries, first_right, first_right_at, last_score) in reduced.items():
        last = [a for a in mine if a.question_id == qid and a.variant is None][-1]
        names = tuple(dict.fromkeys(a.misconception for a in mine if a.question_id == qid
                                    and a.variant is None and a.misconception))
        found[qid] = (tries, first_right, first_right_at, pytest.approx(last_score),
                      last.answer, names)
    found[""] = (len(mine), None, None, None, None,
                 tuple(dict.fromkeys(a.misconception for a in mine if a.misconception)))
    return found


def actual(store: Store, learner: str) -> dict:
    return {qid: (s.attempts, s.first_right, s.first_right_at,
                  None if s.last_score is None else pytest.approx(s.last_score),
                  s.last_answer, s.misconceptions)
            for qid, s in store.summaries(learner).items()}


def naive(found: dict) -> dict:
    """Times compared without their zone (SQLite keeps none)."""
    return {k: (v[0], v[1], v[2].replace(tzinfo=None) if v[2] else None, *v[3:])
            for k, v in found.items()}


def test_summaries_equal_what_the_attempts_say(store):
    rng = random.Random(7)
    for n in range(300):
        learner = rng.choice(["A", "B"])
        qid = rng.choice(QUESTIONS)
        right = rng.random() < 0.3
        variant = rng.choice([None, None, None, "tok-1", "tok-2"])
        store.record(NewAttempt(learner, qid, f"answer {n}", 1.0 if right else rng.random() / 2,
                                right, None if right else rng.choice(NAMES), variant))
    for learner in ("A", "B"):
        assert naive(actual(store, learner)) == naive(expected(store, learner))


def test_an_answer_stores_in_two_statements_whatever_the_history(store):
    for n in range(60):
        store.record(NewAttempt("long", "q1", "x", 0.0, False, "outer-at-x" if n % 2 else None))
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        store.record(NewAttempt("long", "q1", "y", 1.0, True))
        store.record(NewAttempt("new", "p1", "y", 0.0, False, "forward-order"))
        store.summaries("long")
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    writes = [s for s in seen if s.lstrip().upper().startswith("INSERT")]
    assert len(seen) == 5 and len(writes) == 2, seen
    assert store.summaries("long")["q1"].first_right == 61


def test_the_cap_counts_every_question_and_rolls_back(store, monkeypatch):
    monkeypatch.setattr(attempts_module, "MAX_ATTEMPTS_PER_LEARNER", 3)
    for qid in ("q1", "q2", "p1"):
        store.record(NewAttempt("capped", qid, "x", 0.0, False))
    with pytest.raises(AttemptCapReached):
        store.record(NewAttempt("capped", "q3", "x", 1.0, True))
    summaries = store.summaries("capped")
    assert summaries[""].attempts == 3 and "q3" not in summaries
    assert len(store.attempts(learner_id="capped")) == 3


def test_upgrading_summarises_the_attempts_already_stored(store_url):
    store = Store(store_url)
    store.upgrade("0010")
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    for n, (learner, qid, variant, answer, score, right, name) in enumerate([
            ("L1", "q1", None, "e4", 0.0, False, "forgot-inner-derivative"),
            ("L1", "q1", None, "4e4", 1.0, True, None),
            ("L1", "q1", None, "e4", 0.0, False, "forgot-inner-derivative"),
            ("L1", "q3", "tok", "1", 0.0, False, "outer-at-x"),
            ("L2", "q4", None, "b,a,c,d", 2 / 3, False, "forward-order")]):
        with store.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO attempts (learner_id, question_id, variant, answer, score, "
                "correct, misconception, created_at, number) "
                "VALUES (:l, :q, :v, :a, :s, :c, :m, :t, :n)"),
                {"l": learner, "q": qid, "v": variant, "a": answer, "s": score, "c": right,
                 "m": name, "t": start + timedelta(minutes=n), "n": n + 1})
    store.upgrade()
    assert migrate.current(store.engine) == migrate.head()
    assert naive(actual(store, "L1")) == naive(expected(store, "L1"))
    assert naive(actual(store, "L2")) == naive(expected(store, "L2"))
    l1 = store.summaries("L1")
    assert (l1["q1"].attempts, l1["q1"].first_right, l1["q1"].last_answer) == (3, 2, "e4")
    assert l1[""].misconceptions == ("forgot-inner-derivative", "outer-at-x")
    assert store.record_attempt(NewAttempt("L1", "q1", "4e4", 1.0, True)) == 4
    migrate.downgrade(store.engine, "0010")
    store.dispose()


def statements_of(app, call) -> list[str]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    engine = app.extensions["store"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


@pytest.mark.parametrize("history", [10, 2000])
def test_an_answer_over_http_costs_the_same_few_statements_whatever_the_history(app, client,
                                                                               history):
    """An answer is one transaction of three statements: the attempt (the database counts
    it in the summary rows), the reader's state for the reply, and the shared answer window;
    a right answer schedules its review in the attempt's statement. The same at 10 and at
    2,000 stored attempts. The page is
    the reader's state in one statement, and two more for the practice-only items' cards
    (their attempts and their help: reads of the items alone, not of the history)."""
    from store.summaries import rebuild_summaries
    from tests.test_checkpoint_http import KEYS, WRONG

    app.config.update(ANSWERS_PER_MINUTE_LEARNER=10**9, ANSWERS_PER_MINUTE_ADDRESS=10**9)
    assert client.post("/api/checkpoint/q2", json={"answer": WRONG["q2"]}).json["saved"]
    store = app.extensions["store"]
    learner = store.attempts()[0].learner_id
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO attempts (learner_id, question_id, answer, score, "
                          "correct, created_at, number) VALUES (:l, 'q4', 'x', 0, false, "
                          ":t, :n)"), [{"l": learner, "t": store.now(), "n": n}
                                       for n in range(1, history - 2)])
    rebuild_summaries(store.engine)
    wrong = statements_of(app, lambda: client.post("/api/checkpoint/q1",
                                                   json={"answer": WRONG["q1"]}))
    right = statements_of(app, lambda: client.post("/api/checkpoint/q3",
                                                   json={"answer": KEYS["q3"]}))
    page = statements_of(app, lambda: client.get("/"))
    assert store.summaries(learner)[""].attempts == history
    writes = [s for s in wrong if s.lstrip().upper().startswith("INSERT")]
    assert len(writes) == 2 and len(wrong) == 3, wrong
    assert "rate_windows" in wrong[-1], wrong  # the shared window last, after the read
    assert len(right) == 3 and "review" in right[0], right
    assert len(page) == 3, page
    assert "question_id IN" in page[1] and "checkpoint_help" in page[2], page
