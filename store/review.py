"""Spaced review in the database: per learner and question, the next review's step and due
time, and every review answered (with the learner's class, for the dashboard's accuracy).
Times come from ``Store.now()``, so tests move the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, bindparam, case, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from store.attempts import Store
from store.schema import (
    attempts,
    checkpoint_help,
    review_answers,
    review_items,
    review_tokens,
)

INTERVALS = (1, 3, 7)  # days: after a right answer, then after each right review


def _run(store: Store, work, write: bool = False):
    with store.guard("review storage"):
        store.ensure_schema()
        with (store.engine.begin() if write else store.engine.connect()) as conn:
            return work(conn)


def _mine(learner_id: str, question_id: str):
    return (review_items.c.learner_id == learner_id) & (
        review_items.c.question_id == question_id)


# One statement, built once: a question already in review keeps its place.
SCHEDULE = text("INSERT INTO review_items (learner_id, question_id, step, due_at) "
                "VALUES (:learner_id, :question_id, 0, :due_at) "
                "ON CONFLICT (learner_id, question_id) DO NOTHING").bindparams(
    bindparam("due_at", type_=DateTime(timezone=True)))


def schedule(store: Store, learner_id: str, question_id: str) -> None:
    """A right answer: the question's first review comes due in a day (once per question;
    a question already being reviewed keeps its place)."""
    _run(store, lambda conn: conn.execute(SCHEDULE, {
        "learner_id": learner_id, "question_id": question_id,
        "due_at": store.now() + timedelta(days=INTERVALS[0])}), write=True)


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


class TokenSpent(Exception):
    """This review question's token was answered, or its answer shown, already."""


def spent(store: Store, nonce: str) -> str | None:
    """How a review token was spent: None (not yet), "answered" or "revealed"."""
    row = _run(store, lambda conn: conn.execute(select(review_tokens.c.revealed).where(
        review_tokens.c.nonce == nonce)).first())
    return None if row is None else ("revealed" if row.revealed else "answered")


def _spending(store: Store, nonce: str, learner_id: str, question_id: str, revealed: bool,
              then) -> datetime | None:
    """Spend the token first, in the review's own transaction, then ``then(conn)``: a second
    use of the same token (two tabs, a replayed request) fails on the primary key, and the
    whole transaction, the review included, is rolled back."""
    def work(conn):
        conn.execute(review_tokens.insert().values(
            nonce=nonce, learner_id=learner_id, question_id=question_id,
            revealed=revealed, used_at=store.now()))
        return then(conn)
    try:
        return _run(store, work, write=True)
    except IntegrityError:
        raise TokenSpent(nonce) from None


def answer(store: Store, learner_id: str, question_id: str, correct: bool,
           nonce: str) -> datetime | None:
    """Record a review answer, spending its token: right moves the question to the next
    interval (after the last one, it is retired: None), wrong resets it to a day. Returns
    the next due time; TokenSpent (nothing stored) if the token was spent already."""
    now = store.now()
    return _spending(store, nonce, learner_id, question_id, False, lambda conn: _answered(
        conn, store, learner_id, question_id, correct, now))


def give_up(store: Store, learner_id: str, question_id: str, nonce: str) -> datetime | None:
    """"Show answer" on a review question: its token is spent as revealed and the review
    counts as not known (back in a day), so asking for a fresh review question does not
    turn the answer just seen into a right review. Once per token (TokenSpent after)."""
    now = store.now()
    return _spending(store, nonce, learner_id, question_id, True, lambda conn: _answered(
        conn, store, learner_id, question_id, False, now))


def _answered(conn, store: Store, learner_id: str, question_id: str, correct: bool,
              now: datetime) -> datetime | None:
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


def shown_variants(store: Store, learner_id: str, question_id: str,
                   reveal_after: int) -> list[str]:
    """The practice variants (their tokens) of one question whose answer this learner has
    been shown: revealed, or tried ``reveal_after`` times. A review question with the same
    numbers is one whose answer they have seen."""
    h, a = checkpoint_help.c, attempts.c
    revealed = select(h.variant).where(
        h.learner_id == learner_id, h.question_id == question_id, h.kind == "reveal",
        h.variant.is_not(None))
    tried_out = (select(a.variant).where(a.learner_id == learner_id,
                                         a.question_id == question_id, a.variant.is_not(None))
                 .group_by(a.variant).having(func.count() >= reveal_after))
    return _run(store, lambda conn: sorted(
        {row[0] for row in conn.execute(revealed.union(tried_out))}))


def make_due(store: Store, learner_id: str | None) -> int:
    """An operator's shortcut (``flask review due``): every review item of one learner, or
    of everyone (None), comes due now. Returns how many items moved."""
    where = [] if learner_id is None else [review_items.c.learner_id == learner_id]
    return _run(store, lambda conn: conn.execute(
        update(review_items).where(*where).values(due_at=store.now())).rowcount, write=True)


def class_accuracy(store: Store, class_id: int) -> tuple[int, int]:
    """(reviews answered right, reviews answered) in one class."""
    right, answered = _run(store, lambda conn: conn.execute(
        select(func.coalesce(func.sum(case((review_answers.c.correct, 1), else_=0)), 0),
               func.count()).where(review_answers.c.class_id == class_id)).one())
    return int(right), int(answered)
