"""The per-learner summary rows (``question_counters``, migration 0011): the SQL that reads
them, and their rebuild. The database keeps them: a trigger on ``attempts`` counts every
inserted row in its own transaction (migration 0013), so attempts inserted in bulk around the
store are counted too; ``rebuild_summaries`` summarises the stored attempts again from
scratch (rows inserted before 0013, or with the trigger off)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, select, text

from store.schema import MIGRATIONS_DIR, question_counters


@dataclass(frozen=True)
class Summary:
    """A learner's record on one base question (``question_id`` "": on everything), as kept
    by each attempt's transaction: how many tries, which was the first right one (1-based)
    and when, the last try's score and answer, the misconceptions shown (first seen first)."""

    question_id: str
    attempts: int
    first_right: int | None
    first_right_at: datetime | None
    last_score: float | None
    last_answer: str | None
    misconceptions: tuple[str, ...]


# What an answer without the reader's whole record reads back in its own transaction, after
# the insert the database counted (migration 0013): the learner's row (the cap) and the
# question's or variant's (its number, and whether it was ever right).
READ_COUNTERS = text(
    "SELECT question_id, attempts, first_right FROM question_counters "
    "WHERE learner_id = :learner_id AND ((question_id = '' AND variant_key = '') "
    "OR (question_id = :question_id AND variant_key = :variant_key))")
_SUMMARY_COLUMNS = [question_counters.c[name] for name in (
    "question_id", "attempts", "first_right", "first_right_at", "last_score", "last_answer",
    "misconceptions")]
# A learner's summaries: one indexed read (the primary key's prefix), whatever their history.
READ_SUMMARIES = select(*_SUMMARY_COLUMNS).where(
    question_counters.c.learner_id == bindparam("learner_id"),
    question_counters.c.variant_key == "")


def rebuild_summaries(engine: Engine) -> None:
    """Summarise the stored attempts again, as migration 0011 did. The trigger already
    counts rows inserted in bulk; this only rewrites the rows it keeps with the same values
    (a counter ahead of the rows keeps its number), so calling it after a bulk load never
    counts an attempt twice."""
    spec = importlib.util.spec_from_file_location(
        "summaries_0011", MIGRATIONS_DIR / "versions" / "0011_learner_summaries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as conn:
        module.backfill(conn)
