"""Classes and their students in the database: every query the instructor pages need.

The tables are part of the app's one schema (``classes`` and ``enrolments`` in
schema.py, created by migration 0002); these functions use the same ``Store`` — its
engine, its lazy migration and its ``StoreUnavailable`` — so SQLite and PostgreSQL behave
alike and a database that is down gives callers one exception to handle.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError

from store.attempts import Attempt, Store, row_to_attempt
from store.schema import attempts, checkpoint_help, classes, enrolments


@dataclass(frozen=True)
class ClassRecord:
    id: int
    token: str
    key_hash: str
    name: str
    created_at: datetime
    revealed_credit: float = 0.0  # a revealed question's worth, out of 1
    hinted_credit: float = 1.0  # a right answer after hints' worth, out of 1


@dataclass(frozen=True)
class Student:
    learner_id: str
    display_name: str
    joined_at: datetime


def _run(store: Store, work, write: bool = False):
    """Run ``work(conn)`` in one transaction; any database failure becomes StoreUnavailable."""
    with store.guard("class storage"):
        store.ensure_schema()
        with (store.engine.begin() if write else store.engine.connect()) as conn:
            return work(conn)


def _class(row) -> ClassRecord:
    return ClassRecord(**{k: row._mapping[k] for k in ClassRecord.__dataclass_fields__})


def create_class(store: Store, name: str, token: str, key_hash: str) -> ClassRecord:
    now = datetime.now(UTC)

    def work(conn):
        new_id = conn.execute(classes.insert().values(
            token=token, key_hash=key_hash, name=name, created_at=now)
            .returning(classes.c.id)).scalar_one()
        return ClassRecord(new_id, token, key_hash, name, now)

    return _run(store, work, write=True)


def class_by_token(store: Store, token: str) -> ClassRecord | None:
    row = _run(store, lambda conn: conn.execute(
        select(classes).where(classes.c.token == token)).first())
    return _class(row) if row else None


def class_by_id(store: Store, class_id: int) -> ClassRecord | None:
    row = _run(store, lambda conn: conn.execute(
        select(classes).where(classes.c.id == class_id)).first())
    return _class(row) if row else None


def set_credit(store: Store, class_id: int, revealed: float, hinted: float) -> None:
    """The class's credit for revealed questions and for right answers after hints."""
    _run(store, lambda conn: conn.execute(classes.update().where(classes.c.id == class_id)
                                          .values(revealed_credit=float(revealed),
                                                  hinted_credit=float(hinted))), write=True)


def current_credit(store: Store, learner_id: str) -> tuple[float, float] | None:
    """The (revealed, hinted) credit of the learner's current class; None outside a class."""
    row = _run(store, lambda conn: conn.execute(
        select(classes.c.revealed_credit, classes.c.hinted_credit)
        .where(classes.c.id == store.current_class(learner_id))).first())
    return (float(row[0]), float(row[1])) if row else None


def list_classes(store: Store) -> list[tuple[ClassRecord, int]]:
    """Every class, oldest first, with its number of students."""
    counts = (select(enrolments.c.class_id, func.count().label("n"))
              .group_by(enrolments.c.class_id).subquery())
    query = (select(classes, func.coalesce(counts.c.n, 0).label("students"))
             .outerjoin(counts, counts.c.class_id == classes.c.id).order_by(classes.c.id))
    rows = _run(store, lambda conn: conn.execute(query).all())
    return [(_class(row), int(row._mapping["students"])) for row in rows]


def enrol(store: Store, class_id: int, learner_id: str, display_name: str) -> Student:
    """Join the class under ``display_name``, or change the name of a student already in it."""
    now = datetime.now(UTC)
    mine = (enrolments.c.class_id == class_id) & (enrolments.c.learner_id == learner_id)

    def update(conn):
        conn.execute(enrolments.update().where(mine).values(display_name=display_name))
        return conn.execute(select(enrolments.c.joined_at).where(mine)).scalar_one()

    def work(conn):
        if conn.execute(select(enrolments.c.id).where(mine)).first():
            return update(conn)
        conn.execute(enrolments.insert().values(
            class_id=class_id, learner_id=learner_id, display_name=display_name,
            joined_at=now))
        return now

    try:
        joined = _run(store, work, write=True)
    except IntegrityError:  # the same learner joining twice at once, in two workers
        joined = _run(store, update, write=True)
    return Student(learner_id, display_name, joined)


def make_current(store: Store, class_id: int, learner_id: str) -> None:
    """The learner opened this class's link again: their next attempts count for it."""
    _run(store, lambda conn: conn.execute(
        enrolments.update().where(enrolments.c.class_id == class_id,
                                  enrolments.c.learner_id == learner_id)
        .values(joined_at=datetime.now(UTC))), write=True)


def student(store: Store, class_id: int, learner_id: str) -> Student | None:
    row = _run(store, lambda conn: conn.execute(
        select(enrolments).where(enrolments.c.class_id == class_id,
                                 enrolments.c.learner_id == learner_id)).first())
    return Student(row.learner_id, row.display_name, row.joined_at) if row else None


def students(store: Store, class_id: int) -> list[Student]:
    """The class's students in the order they joined."""
    rows = _run(store, lambda conn: conn.execute(
        select(enrolments).where(enrolments.c.class_id == class_id)
        .order_by(enrolments.c.id)).all())
    return [Student(r.learner_id, r.display_name, r.joined_at) for r in rows]


def class_attempts(store: Store, class_id: int) -> list[Attempt]:
    """Every attempt made in the class, practice variants included, oldest first."""
    rows = _run(store, lambda conn: conn.execute(
        select(attempts).where(attempts.c.class_id == class_id)
        .order_by(attempts.c.id)).all())
    return [row_to_attempt(r) for r in rows]


def class_item_attempts(store: Store, class_id: int, question_ids) -> list[Attempt]:
    """The class's attempts on the given questions only (its practice-only items), oldest
    first."""
    wanted = list(question_ids)
    if not wanted:
        return []
    # By the question index (a few items): ``class_id + 0`` keeps the planners off the class
    # index, which would visit every attempt of the class.
    rows = _run(store, lambda conn: conn.execute(
        select(attempts).where((attempts.c.class_id + 0) == class_id,
                               attempts.c.question_id.in_(wanted))
        .order_by(attempts.c.id)).all())
    return [row_to_attempt(r) for r in rows]


def iter_class_attempts(store: Store, class_id: int, chunk: int = 1000) -> Iterator[Attempt]:
    """``class_attempts`` one at a time, read in chunks of ``chunk`` rows (a server-side cursor
    on PostgreSQL), so a class of any size is exported in constant memory."""
    columns = [attempts.c[name] for name in Attempt.__dataclass_fields__]
    query = (select(*columns).where(attempts.c.class_id == class_id)
             .order_by(attempts.c.id).execution_options(yield_per=chunk))
    with store.guard("class storage"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            for row in conn.execute(query):
                yield Attempt(*row)


@dataclass(frozen=True)
class Tries:
    """One learner's base attempts at one question, reduced: what the dashboard shows."""

    attempts: int
    right: bool  # any attempt correct
    best: float  # the best score
    first_answer: str
    first_correct: bool
    # What a learner's state needs (quizzes/progress.py): which try was the first right one
    # (1-based; None if none was), when it was made, and the last try's score.
    first_right: int | None = None
    first_right_at: datetime | None = None
    last_score: float = 0.0


@dataclass(frozen=True)
class ClassSummary:
    """A class's attempts reduced in the database to what the dashboard needs."""

    tries: dict[tuple[str, str], Tries] = field(default_factory=dict)  # (learner, question)
    # question → answer → (base attempts with it, its misconception's name or None)
    answers: dict[str, dict[str, tuple[int, str | None]]] = field(default_factory=dict)
    latest: dict[str, datetime] = field(default_factory=dict)  # learner → last attempt, any
    attempt_count: int = 0  # practice variants included
    last_activity: datetime | None = None
    newest_id: int = 0  # the newest attempt counted


def _mine(class_id: int, after: int, table=attempts):
    """The class's attempts with an id above ``after``. Past a newest id, the primary key's
    range is the short way in (a few new rows): ``class_id + 0`` keeps both databases'
    planners off the class index, which would visit every attempt of the class."""
    if not after:
        return table.c.class_id == class_id
    return ((table.c.class_id + 0) == class_id) & (table.c.id > after)


def _tries_query(class_id: int, after: int):
    """Per (learner, question), base attempts only: count, any right, best score, the
    first attempt's answer and correctness (the attempt with the smallest id), the first
    right attempt's place and time, and the last attempt's score."""
    base = _mine(class_id, after) & attempts.c.variant.is_(None)
    grouped = (select(attempts.c.learner_id, attempts.c.question_id,
                      func.count().label("n"),
                      func.max(case((attempts.c.correct, 1), else_=0)).label("right"),
                      func.max(attempts.c.score).label("best"),
                      func.min(attempts.c.id).label("first_id"),
                      func.min(case((attempts.c.correct, attempts.c.id))).label("right_id"),
                      func.max(attempts.c.id).label("last_id"))
               .where(base).group_by(attempts.c.learner_id, attempts.c.question_id)
               .subquery())
    first, last, right, upto = (attempts.alias(n) for n in ("first", "last", "fr", "upto"))
    # The first right try's place: the learner's tries up to it (a few rows, by the index).
    place = (select(func.count()).select_from(upto).where(
        upto.c.learner_id == grouped.c.learner_id, upto.c.question_id == grouped.c.question_id,
        upto.c.variant.is_(None), _mine(class_id, after, upto),
        upto.c.id <= grouped.c.right_id).scalar_subquery())
    return (select(grouped, first.c.answer, first.c.correct,
                   last.c.score.label("last_score"), right.c.created_at.label("right_at"),
                   place.label("right_n"))
            .join(first, first.c.id == grouped.c.first_id)
            .join(last, last.c.id == grouped.c.last_id)
            .outerjoin(right, right.c.id == grouped.c.right_id))


def _answers_query(class_id: int, after: int):
    return (select(attempts.c.question_id, attempts.c.answer, func.count().label("n"),
                   func.max(attempts.c.misconception).label("misconception"))
            .where(_mine(class_id, after), attempts.c.variant.is_(None))
            .group_by(attempts.c.question_id, attempts.c.answer))


def _latest_query(class_id: int, after: int):
    return (select(attempts.c.learner_id, func.max(attempts.c.created_at),
                   func.max(attempts.c.id))
            .where(_mine(class_id, after)).group_by(attempts.c.learner_id))


def _summarize_since(conn, class_id: int, after: int) -> ClassSummary:
    """The summary of the class's attempts with an id above ``after`` (0: all of them)."""
    tries = {(r.learner_id, r.question_id): Tries(
        int(r.n), bool(r.right), float(r.best), r.answer, bool(r.correct),
        int(r.right_n) if r.right_id is not None else None, r.right_at, float(r.last_score))
        for r in conn.execute(_tries_query(class_id, after))}
    answers: dict[str, dict[str, tuple[int, str | None]]] = {}
    for r in conn.execute(_answers_query(class_id, after)):
        answers.setdefault(r.question_id, {})[r.answer] = (int(r.n), r.misconception)
    latest, newest, count = {}, after, 0
    for learner, moment, top in conn.execute(_latest_query(class_id, after)):
        latest[learner], newest = moment, max(newest, int(top))
    if latest:
        count = conn.execute(select(func.count()).where(_mine(class_id, after))).scalar_one()
    return ClassSummary(tries, answers, latest, int(count),
                        max(latest.values(), default=None), newest)


def later(seen: Tries, t: Tries) -> Tries:
    """A learner's tries ``seen`` followed by their tries ``t``."""
    if seen.first_right is not None:
        first_right, first_right_at = seen.first_right, seen.first_right_at
    elif t.first_right is not None:
        first_right, first_right_at = seen.attempts + t.first_right, t.first_right_at
    else:
        first_right, first_right_at = None, None
    return Tries(seen.attempts + t.attempts, seen.right or t.right, max(seen.best, t.best),
                 seen.first_answer, seen.first_correct, first_right, first_right_at,
                 t.last_score)


def merge(old: ClassSummary, new: ClassSummary) -> ClassSummary:
    """``old`` followed by ``new`` (attempts made after every one of old's)."""
    tries = dict(old.tries)
    for key, t in new.tries.items():
        seen = tries.get(key)
        tries[key] = t if seen is None else later(seen, t)
    answers = {qid: dict(counts) for qid, counts in old.answers.items()}
    for qid, counts in new.answers.items():
        mine = answers.setdefault(qid, {})
        for answer, (n, name) in counts.items():
            before, old_name = mine.get(answer, (0, None))
            mine[answer] = (before + n, name or old_name)
    latest = {**old.latest, **new.latest}
    moments = [m for m in (old.last_activity, new.last_activity) if m is not None]
    return ClassSummary(tries, answers, latest, old.attempt_count + new.attempt_count,
                        max(moments, default=None), max(old.newest_id, new.newest_id))


# Per store (so a new database never sees another's numbers), per class id.
_summaries: WeakKeyDictionary[Store, OrderedDict[int, ClassSummary]] = WeakKeyDictionary()
_summaries_lock = threading.Lock()
CACHED_CLASSES = 64  # summaries kept per process, the most recently used


def class_summary(store: Store, class_id: int) -> ClassSummary:
    """The dashboard's numbers from GROUP BY queries: at most a row per student and question,
    per distinct answer, and per student — however many attempts the class made.

    Attempts are only ever added, so the summary this process made last time is brought up
    to date with the attempts made since (the same queries over ``id > newest``, served by
    the primary key); if the total then disagrees (a transaction that took an older id
    committed late), the summary is made again from every attempt."""
    with _summaries_lock:
        mine = _summaries.setdefault(store, OrderedDict())
        cached = mine.get(class_id)

    def work(conn) -> ClassSummary:
        if cached is not None:
            fresh = merge(cached, _summarize_since(conn, class_id, cached.newest_id))
            total, newest = conn.execute(select(func.count(), func.max(attempts.c.id)).where(
                attempts.c.class_id == class_id)).one()
            if (fresh.attempt_count, fresh.newest_id) == (total, newest or 0):
                return fresh
        return _summarize_since(conn, class_id, 0)

    summary = _run(store, work)
    with _summaries_lock:
        mine[class_id] = summary
        mine.move_to_end(class_id)
        while len(mine) > CACHED_CLASSES:
            mine.popitem(last=False)
    return summary


def class_version(store: Store, class_id: int) -> tuple:
    """What changes whenever the dashboard would: attempts (their count and newest id), the
    hints and reveals, the students with their names and the class's credit — without
    reading every attempt."""
    def work(conn):
        count, newest = conn.execute(
            select(func.count(), func.max(attempts.c.id))
            .where(attempts.c.class_id == class_id)).one()
        helped = conn.execute(
            select(func.count(), func.max(checkpoint_help.c.id))
            .where(checkpoint_help.c.class_id == class_id)).one()
        names = conn.execute(
            select(enrolments.c.learner_id, enrolments.c.display_name)
            .where(enrolments.c.class_id == class_id).order_by(enrolments.c.id)).all()
        credit = conn.execute(select(classes.c.revealed_credit, classes.c.hinted_credit)
                              .where(classes.c.id == class_id)).first()
        return (int(count), int(newest or 0), int(helped[0]), int(helped[1] or 0),
                tuple(tuple(row) for row in names), tuple(credit or ()))

    return _run(store, work)


def outside_tries(store: Store, class_id: int,
                  learner_ids) -> dict[tuple[str, str], list[tuple[datetime, bool]]]:
    """Base attempts these learners made outside the class (before joining it, or in
    another), oldest first, as (when, right) per (learner, question): what a first right
    answer in the class may have come after."""
    wanted = list(learner_ids)
    if not wanted:
        return {}
    a = attempts.c
    query = (select(a.learner_id, a.question_id, a.created_at, a.correct)
             .where(a.learner_id.in_(wanted), a.variant.is_(None),
                    # "not this class" as ranges, which the class indexes can serve
                    or_(a.class_id.is_(None), a.class_id < class_id, a.class_id > class_id))
             .order_by(a.id))
    found: dict[tuple[str, str], list[tuple[datetime, bool]]] = {}
    for row in _run(store, lambda conn: conn.execute(query).all()):
        found.setdefault((row.learner_id, row.question_id), []).append(
            (row.created_at, bool(row.correct)))
    return found
