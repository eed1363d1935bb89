"""The review tokens' table on SQLite and PostgreSQL: a token is spent once, in the review's
own transaction, so a second use stores nothing; "Show answer" spends it as revealed and
counts the review as not known; `make_due` moves review items to now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from store import review
from store.schema import review_answers

NONCE = "a" * 32


def answered(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(review_answers)).scalar_one()


def test_a_token_is_spent_once_and_a_second_use_stores_nothing(store):
    review.schedule(store, "L1", "q2")
    assert review.spent(store, NONCE) is None
    review.answer(store, "L1", "q2", True, NONCE)
    assert review.spent(store, NONCE) == "answered"
    with pytest.raises(review.TokenSpent):
        review.answer(store, "L1", "q2", True, NONCE)
    with pytest.raises(review.TokenSpent):
        review.give_up(store, "L1", "q2", NONCE)
    assert answered(store) == 1
    assert review.items(store, "L1")["q2"][0] == 1  # moved on once, not twice


def test_giving_up_counts_as_not_known(store):
    review.schedule(store, "L1", "q1")
    review.answer(store, "L1", "q1", True, "b" * 32)  # step 1: three days
    due = review.give_up(store, "L1", "q1", NONCE)
    assert review.spent(store, NONCE) == "revealed"
    step, at = review.items(store, "L1")["q1"]
    assert step == 0 and at == due and due - datetime.now(UTC) < timedelta(days=1, minutes=1)


def test_make_due_moves_one_learner_or_everyone(store):
    for learner in ("L1", "L2"):
        review.schedule(store, learner, "q2")
    assert review.due(store, "L1") == []
    assert review.make_due(store, "L1") == 1
    assert review.due(store, "L1") == ["q2"] and review.due(store, "L2") == []
    assert review.make_due(store, None) == 2
    assert review.due(store, "L2") == ["q2"]
    assert review.make_due(store, "nobody") == 0
