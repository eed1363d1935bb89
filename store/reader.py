"""Everything a reader's page needs from storage, in one statement: their summary rows
(store/attempts.py), the help they asked for per base question (store/help.py), their
current class's credit (store/classes.py) and their spaced-review items (store/review.py).
Each part is an indexed read of the learner's own rows, so the statement costs the same
whatever the learner's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Float,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
)

from store import driver
from store.attempts import Store, Summary
from store.help import HINT, Help
from store.schema import (
    attempts,
    checkpoint_help,
    classes,
    enrolments,
    question_counters,
    review_items,
)


@dataclass(frozen=True)
class ReaderRecord:
    summaries: dict[str, Summary] = field(default_factory=dict)  # "" : on everything
    help: dict[str, Help] = field(default_factory=dict)  # per base question
    credit: tuple[float, float] | None = None  # the current class's (revealed, hinted)
    review: dict[str, tuple[int, datetime]] = field(default_factory=dict)  # step, due (UTC)


def _none(type_):
    return cast(null(), type_)


_LEARNER = bindparam("learner_id")
_qc, _h, _r = question_counters.c, checkpoint_help.c, review_items.c
_CLASS_NOW = (select(enrolments.c.class_id).where(enrolments.c.learner_id == _LEARNER)
              .order_by(enrolments.c.joined_at.desc(), enrolments.c.id.desc())
              .limit(1).scalar_subquery())
# One row layout for the four parts: kind, question, two integers, two times, two numbers,
# two texts. The first part's column types decode every row.
READ = union_all(
    select(literal("summary", String).label("kind"), _qc.question_id.label("question_id"),
           _qc.attempts.label("n"), _qc.first_right.label("m"),
           _qc.first_right_at.label("at"), _none(Float).label("x"),
           _qc.last_score.label("y"), _qc.last_answer.label("text1"),
           _qc.misconceptions.label("text2"))
    .where(_qc.learner_id == _LEARNER, _qc.variant_key == ""),
    select(literal("help", String), _h.question_id, func.count(), _none(Integer),
           func.min(_h.created_at), _none(Float), _none(Float), _h.kind, _none(Text))
    .where(_h.learner_id == _LEARNER, _h.variant.is_(None))
    .group_by(_h.question_id, _h.kind),
    select(literal("credit", String), literal("", String), _none(Integer), _none(Integer),
           _none(DateTime(timezone=True)), classes.c.revealed_credit, classes.c.hinted_credit,
           _none(Text), _none(Text))
    .where(classes.c.id == _CLASS_NOW),
    select(literal("review", String), _r.question_id, _r.step, _none(Integer), _r.due_at,
           _none(Float), _none(Float), _none(Text), _none(Text))
    .where(_r.learner_id == _LEARNER),
)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _practised(practice_ids: tuple[str, ...]):
    """A fifth part: one row when the learner has tried, or asked for help on, any of these
    practice-only items (two index probes, whatever their history)."""
    ids = [literal(qid, String) for qid in practice_ids]  # plain binds, nothing to expand
    tried = exists().where(attempts.c.learner_id == _LEARNER, attempts.c.question_id.in_(ids))
    helped = exists().where(_h.learner_id == _LEARNER, _h.question_id.in_(ids))
    return select(literal("practised", String), literal("", String), _none(Integer),
                  _none(Integer), _none(DateTime(timezone=True)), _none(Float), _none(Float),
                  _none(Text), _none(Text)).where(tried | helped)


# (dialect, items) → the statement's text and its parameters, the learner's left out: in the
# driver's order (a tuple, with the places the learner goes) or by name (a dict)
_PAGE_READS: dict[tuple, tuple[str, tuple | dict, tuple[int, ...]]] = {}


def page_rows(store: Store, learner_id: str, practice_ids: tuple[str, ...]) -> Sequence[tuple]:
    """The same statement's rows as the driver gives them, with a fifth part when the learner
    has touched any of the practice-only items (kind "practised"): for the page's fast path
    (chapter/fast_reader.py), which needs only to tell one state from another. Compiled
    once per dialect and set of items, and sent as text, so no statement is built per call."""
    sql, sent = page_statement(store, practice_ids, learner_id)
    with store.guard("progress not read"):
        store.ensure_schema()
        if store.page_reads is not None:  # SQLite: a kept connection, not read again while
            return store.page_reads.rows(sql, sent)  # nothing was committed
        return _fetch(store.engine, sql, sent)


def _fetch(engine, sql: str, sent) -> list[tuple]:
    """The rows straight from a pooled connection's cursor (the pool's checkout, deadline
    and ping as for any statement; no result object to build; store/driver.py's errors)."""
    with driver.pooled_cursor(engine, lambda: (sql, sent)) as (_, cursor):
        cursor.execute(sql, sent)
        return cursor.fetchall()


def page_statement(store: Store, practice_ids: tuple[str, ...],
                   learner_id: str) -> tuple[str, tuple | dict]:
    """``page_rows``'s statement as text and the parameters it is sent with."""
    key = (store.engine.dialect.name, practice_ids)
    found = _PAGE_READS.get(key)
    if found is None:
        parts = [*READ.selects, _practised(practice_ids)] if practice_ids else READ.selects
        compiled = union_all(*parts).compile(dialect=store.engine.dialect)
        params = compiled.construct_params({"learner_id": ""})
        order = compiled.positiontup
        found = _PAGE_READS.setdefault(key, (
            str(compiled), tuple(params[name] for name in order) if order else params,
            tuple(n for n, name in enumerate(order or ()) if name == "learner_id")))
    sql, fixed, places = found
    if isinstance(fixed, dict):
        return sql, {**fixed, "learner_id": learner_id}
    sent = list(fixed)
    for place in places:
        sent[place] = learner_id
    return sql, tuple(sent)


def read(store: Store, learner_id: str) -> ReaderRecord:
    """The learner's record, in one statement (StoreUnavailable when storage fails)."""
    with store.guard("progress not read"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            rows = conn.execute(READ, {"learner_id": learner_id}).all()
    return parse(rows)


def parse(rows) -> ReaderRecord:
    """A learner's record from the rows of ``READ`` (run by ``read``, or inside an answer's
    own transaction: store/answers.py)."""
    record = ReaderRecord()
    for row in rows:
        if row.kind == "summary":
            record.summaries[row.question_id] = Summary(
                row.question_id, int(row.n), row.m, row.at, row.y, row.text1,
                tuple((row.text2 or "").split()))
        elif row.kind == "help":
            seen = record.help.get(row.question_id, Help())
            record.help[row.question_id] = (Help(int(row.n), seen.revealed_at, row.at)
                                            if row.text1 == HINT
                                            else Help(seen.hints, row.at, seen.hinted_at))
        elif row.kind == "credit":
            record = ReaderRecord(record.summaries, record.help,
                                  (float(row.x), float(row.y)), record.review)
        else:
            record.review[row.question_id] = (int(row.n), _aware(row.at))
    return record
