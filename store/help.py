"""What readers asked for: hints (one row per hint taken) and reveals of the explanation.

Hints are metadata of a reader's attempts, never attempts: they are stored here, per learner,
question and practice variant (``variant`` is the variant's token; NULL for the base
question), and counted apart. Rows carry the learner's class like attempts do, so a class
dashboard can count hints and reveals per question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select

from store.attempts import Store
from store.schema import checkpoint_help

HINT, REVEAL = "hint", "reveal"


@dataclass(frozen=True)
class Help:
    """One reader's help on one question (or variant): hints taken, when they revealed, and
    when they took their first hint."""

    hints: int = 0
    revealed_at: datetime | None = None
    hinted_at: datetime | None = None


def _mine(learner_id: str, question_id: str, variant: str | None):
    same = (checkpoint_help.c.variant.is_(None) if variant is None
            else checkpoint_help.c.variant == variant)
    return (checkpoint_help.c.learner_id == learner_id,
            checkpoint_help.c.question_id == question_id, same)


def _count(conn, learner_id, question_id, variant, kind) -> int:
    return int(conn.execute(select(func.count()).select_from(checkpoint_help).where(
        *_mine(learner_id, question_id, variant), checkpoint_help.c.kind == kind)).scalar_one())


def _insert(store: Store, conn, learner_id, question_id, variant, kind) -> None:
    conn.execute(checkpoint_help.insert().values(
        learner_id=learner_id, question_id=question_id, variant=variant, kind=kind,
        created_at=store.now(), class_id=store.current_class(learner_id)))


def take_hint(store: Store, learner_id: str, question_id: str, variant: str | None,
              available: int) -> int:
    """Record the next hint, up to ``available``; return how many this reader has now."""
    with store.guard("hint not stored"):
        store.ensure_schema()
        with store.engine.begin() as conn:
            taken = _count(conn, learner_id, question_id, variant, HINT)
            if taken >= available:
                return available
            _insert(store, conn, learner_id, question_id, variant, HINT)
            return taken + 1


def record_reveal(store: Store, learner_id: str, question_id: str,
                  variant: str | None) -> None:
    """Record that the reader asked for the explanation (once; asking again changes nothing)."""
    with store.guard("reveal not stored"):
        store.ensure_schema()
        with store.engine.begin() as conn:
            if not _count(conn, learner_id, question_id, variant, REVEAL):
                _insert(store, conn, learner_id, question_id, variant, REVEAL)


# Built once: an answer's request spends no time building them.
_HELP = select(checkpoint_help.c.kind, checkpoint_help.c.created_at).where(
    checkpoint_help.c.learner_id == bindparam("learner_id"),
    checkpoint_help.c.question_id == bindparam("question_id"))
HELP_BASE = _HELP.where(checkpoint_help.c.variant.is_(None))
HELP_VARIANT = _HELP.where(checkpoint_help.c.variant == bindparam("variant"))


def help_for(store: Store, learner_id: str, question_id: str, variant: str | None) -> Help:
    """This reader's hints and reveal on one question or variant."""
    key = {"learner_id": learner_id, "question_id": question_id}
    with store.guard("help not read"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            rows = conn.execute(HELP_BASE if variant is None else HELP_VARIANT,
                                key if variant is None else {**key, "variant": variant}).all()
    return _fold(rows)


def _fold(rows) -> Help:
    hints = [r.created_at for r in rows if r.kind == HINT]
    reveals = [r.created_at for r in rows if r.kind == REVEAL]
    return Help(len(hints), min(reveals) if reveals else None, min(hints) if hints else None)


def learners_help(store: Store, learner_ids) -> dict[str, dict[str, Help]]:
    """Per learner, per base question (practice variants left out): hints and reveal. One
    query for all of them, reduced in the database (a row per learner, question and kind):
    what the page, the summary and a class dashboard read. Help counts wherever it was asked,
    in a class or outside one: an answer revealed before joining a class and typed back in it
    was still seen (a class's dashboard counts only its own attempts, but never a reveal or
    a hint away)."""
    wanted = list(learner_ids)
    if not wanted:
        return {}
    h = checkpoint_help.c
    where = [h.learner_id.in_(wanted), h.variant.is_(None)]
    query = (select(h.learner_id, h.question_id, h.kind, func.count().label("n"),
                    func.min(h.created_at).label("first"))
             .where(*where).group_by(h.learner_id, h.question_id, h.kind))
    with store.guard("help not read"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
    found: dict[str, dict[str, Help]] = {}
    for row in rows:
        mine = found.setdefault(row.learner_id, {})
        seen = mine.get(row.question_id, Help())
        mine[row.question_id] = (Help(int(row.n), seen.revealed_at, row.first)
                                 if row.kind == HINT
                                 else Help(seen.hints, row.first, seen.hinted_at))
    return found


def class_help_times(store: Store, class_id: int) -> dict[tuple, tuple]:
    """When each reader in a class first took a hint and first revealed, per question and
    variant: ``{(learner, question, variant): (first hint or None, reveal or None)}``, for
    marking the attempts that came after help."""
    h = checkpoint_help.c
    query = (select(h.learner_id, h.question_id, h.variant, h.kind,
                    func.min(h.created_at).label("first"))
             .where(h.class_id == class_id)
             .group_by(h.learner_id, h.question_id, h.variant, h.kind))
    with store.guard("help not read"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
    times: dict[tuple, tuple] = {}
    for row in rows:
        key = (row.learner_id, row.question_id, row.variant)
        hint, reveal = times.get(key, (None, None))
        times[key] = (row.first, reveal) if row.kind == HINT else (hint, row.first)
    return times


def class_help_counts(store: Store, class_id: int) -> dict[str, dict[str, int]]:
    """Per question, in one class: hints taken and reveals asked for (practice included),
    ``{qid: {"hints": n, "reveals": m}}``."""
    with store.guard("help not read"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            rows = conn.execute(select(checkpoint_help.c.question_id, checkpoint_help.c.kind,
                                       func.count().label("n"))
                                .where(checkpoint_help.c.class_id == class_id)
                                .group_by(checkpoint_help.c.question_id,
                                          checkpoint_help.c.kind)).all()
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row.question_id, {"hints": 0, "reveals": 0})[
            "hints" if row.kind == HINT else "reveals"] = int(row.n)
    return counts


def variant_help(store: Store, learner_ids, question_ids) -> dict[tuple, Help]:
    """Per learner, question and practice variant, for the given (practice-only) questions:
    hints and reveal, ``{(learner, question, variant): Help}``. One query, reduced in the
    database."""
    wanted, qids = list(learner_ids), list(question_ids)
    if not wanted or not qids:
        return {}
    h = checkpoint_help.c
    query = (select(h.learner_id, h.question_id, h.variant, h.kind, func.count().label("n"),
                    func.min(h.created_at).label("first"))
             .where(h.learner_id.in_(wanted), h.question_id.in_(qids), h.variant.is_not(None))
             .group_by(h.learner_id, h.question_id, h.variant, h.kind))
    with store.guard("help not read"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
    found: dict[tuple, Help] = {}
    for row in rows:
        key = (row.learner_id, row.question_id, row.variant)
        seen = found.get(key, Help())
        found[key] = (Help(int(row.n), seen.revealed_at, row.first) if row.kind == HINT
                      else Help(seen.hints, row.first, seen.hinted_at))
    return found
