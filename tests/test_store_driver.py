"""An answer's transaction runs on the driver's own cursor (store/driver.py): what it stores and
what it reads back are exactly what SQLAlchemy's ``execute`` stores and reads, on either
database — the times, the booleans, the help, the class's credit and the review items."""

from __future__ import annotations

from sqlalchemy import select

from store import NewAttempt
from store import classes as class_store
from store import help as help_store
from store import reader as reader_store
from store.answers import Limits, record_answer
from store.limits import SharedWindows
from store.schema import attempts


def test_the_read_back_is_what_sqlalchemy_reads(store):
    klass = class_store.create_class(store, "Period 3", "token-of-period-3", "key-hash")
    class_store.enrol(store, klass.id, "me", "Ada")
    help_store.take_hint(store, "me", "q2", None, 3)
    help_store.record_reveal(store, "me", "q4", None)
    record_answer(store, NewAttempt("me", "q2", "x", 0.0, False, "outer-at-x"))
    limits = Limits(SharedWindows(store), {"learner me": 100, "address 127.0.0.1": 100}, 60.0)
    got = record_answer(store, NewAttempt("me", "q1", "4e4", 1.0, True), limits,
                        read_back=True, review=True)
    assert got.record == reader_store.read(store, "me")  # every part, every type
    assert got.record.credit is not None and got.record.help and got.record.review
    assert got.record.summaries["q1"].first_right_at is not None


def test_the_stored_row_is_what_sqlalchemy_stores(store):
    record_answer(store, NewAttempt("me", "q1", "4e4", 1.0, True), review=True)
    with store.engine.begin() as conn:  # the same attempt, inserted by SQLAlchemy
        conn.execute(attempts.insert(), {
            "learner_id": "me", "question_id": "q3", "variant": None, "answer": "4e4",
            "score": 1.0, "correct": True, "misconception": None,
            "created_at": store.now()})
    with store.engine.connect() as conn:
        ours, theirs = conn.execute(select(attempts.c.correct, attempts.c.created_at)
                                    .order_by(attempts.c.id)).all()
        raw = conn.exec_driver_sql("SELECT correct, created_at FROM attempts "
                                   "ORDER BY id").all()
    assert type(ours.correct) is type(theirs.correct) is bool
    assert ours.created_at.tzinfo == theirs.created_at.tzinfo
    assert [type(value) for value in raw[0]] == [type(value) for value in raw[1]]
    assert len(str(raw[0][1])) == len(str(raw[1][1]))  # the same stored text on SQLite
