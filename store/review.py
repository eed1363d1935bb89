"""Spaced review in the database: per learner and question, the next review's step and due
time, and every review answered (with the learner's class, for the dashboard's accuracy).
Times come from ``Store.now()``, so tests move the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from store.attempts import Store
from store.schema import review_answers, review_items

INTERVALS = (1, 3, 7)  # days: after a right answer, then after each right review


def _run(store: Store, work, write: bool = False):
    with store.guard("review storage"):
        store.ensure_schema()
        with (store.engine.begin() if write else store.engine.connect()) as conn:
            return work(conn)


def _mine(learner_id: str, question_id: str):
    return (review_items.c.learner_id == learner_id) & (
        review_items.c.question_id == question_id)


def schedule(store: Store, learner_id: str, question_id: str) -> None:
    """A right answer: the question's first review comes due in a day (once per question;
    a question already being reviewed keeps its place)."""
    def work(conn):
        if conn.execute(select(review_items.c.step).where(
                _mine(learner_id, question_id))).first() is None:
            conn.execute(review_items.insert().values(
                learner_id=learner_id, question_id=question_id, step=0,
                due_at=store.now() + timedelta(days=INTERVALS[0])))
    try:
        _run(store, work, write=True)
    except IntegrityError:  # scheduled at the same moment by another request: done
        pass


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def items(store: Store, learner_id: str) -> dict[str, tuple[int, datetime]]:
    """Per question in review: its step and due time (UTC)."""
    rows = _run(store, lambda conn: conn.execute(
        select(review_items).where(review_items.c.learner_id == learner_id)).all())
    return {r.question_id: (r.step, _aware(r.due_at)) for r in rows}


def due(store: Store, learner_id: str) -> list[str]:
    now = store.now()
    return sorted(q for q, (_, at) in items(store, learner_id).items() if at <= now)


def answer(store: Store, learner_id: str, question_id: str,
           correct: bool) -> datetime | None:
    """Record a review answer: right moves the question to the next interval (after the
    last one, it is retired: None), wrong resets it to a day. Returns the next due time."""
    now = store.now()

    def work(conn):
        row = conn.execute(select(review_items.c.step).where(
            _mine(learner_id, question_id))).first()
        conn.execute(review_answers.insert().values(
            learner_id=learner_id, question_id=question_id, correct=bool(correct),
            created_at=now, class_id=store.current_class(learner_id)))
        step = (row.step + 1 if row else 1) if correct else 0
        if step >= len(INTERVALS):
            conn.execute(delete(review_items).where(_mine(learner_id, question_id)))
            return None
        due_at = now + timedelta(days=INTERVALS[step])
        conn.execute(update(review_items).where(_mine(learner_id, question_id))
                     .values(step=step, due_at=due_at))
        return due_at

    return _run(store, work, write=True)


def class_accuracy(store: Store, class_id: int) -> tuple[int, int]:
    """(reviews answered right, reviews answered) in one class."""
    right, answered = _run(store, lambda conn: conn.execute(
        select(func.coalesce(func.sum(case((review_answers.c.correct, 1), else_=0)), 0),
               func.count()).where(review_answers.c.class_id == class_id)).one())
    return int(right), int(answered)
