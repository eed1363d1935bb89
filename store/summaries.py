"""The per-learner summary rows (``question_counters``, migration 0011): the SQL that keeps
them in each attempt's own transaction (``Store.record``), the SQL that reads them, and their
rebuild after attempts were inserted in bulk around the store."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Engine, bindparam, select, text

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


# One statement numbers the attempt and keeps the learner's summaries (migration 0011): the
# learner's own row (question "", every attempt: the cap) and the question's (or variant's)
# row, upserted together. The upsert locks both rows until the transaction ends, so a
# concurrent answer of the same learner waits and then reads the new values; the learner's
# row comes first, so two answers never lock in opposite orders. The same SQL on SQLite
# (≥ 3.35) and PostgreSQL but for the substring test; written once, so a request spends no
# time building it while it holds SQLite's write lock.
_RECORD = """
INSERT INTO question_counters (learner_id, question_id, variant_key, attempts, first_right,
                               first_right_at, last_score, last_answer, misconceptions)
VALUES (:learner_id, '', '', 1, NULL, NULL, NULL, NULL, :misconception),
       (:learner_id, :question_id, :variant_key, 1, :first_right, :first_right_at, :score,
        :answer, :misconception)
ON CONFLICT (learner_id, question_id, variant_key) DO UPDATE SET
  attempts = question_counters.attempts + 1,
  first_right = CASE WHEN question_counters.first_right IS NULL
                      AND excluded.first_right IS NOT NULL
                     THEN question_counters.attempts + 1
                     ELSE question_counters.first_right END,
  first_right_at = CASE WHEN question_counters.first_right IS NULL
                        THEN excluded.first_right_at
                        ELSE question_counters.first_right_at END,
  last_score = excluded.last_score,
  last_answer = excluded.last_answer,
  misconceptions = CASE
    WHEN excluded.misconceptions = ''
      OR {find}(' ' || question_counters.misconceptions || ' ',
                ' ' || excluded.misconceptions || ' ') > 0
      THEN question_counters.misconceptions
    WHEN question_counters.misconceptions = '' THEN excluded.misconceptions
    ELSE question_counters.misconceptions || ' ' || excluded.misconceptions END
RETURNING question_id, attempts, first_right"""
_TIMED = bindparam("first_right_at", type_=DateTime(timezone=True))  # stored as attempts' are
RECORD = {"sqlite": text(_RECORD.format(find="instr")).bindparams(_TIMED),
          "postgresql": text(_RECORD.format(find="strpos")).bindparams(_TIMED)}
_SUMMARY_COLUMNS = [question_counters.c[name] for name in (
    "question_id", "attempts", "first_right", "first_right_at", "last_score", "last_answer",
    "misconceptions")]
# A learner's summaries: one indexed read (the primary key's prefix), whatever their history.
READ_SUMMARIES = select(*_SUMMARY_COLUMNS).where(
    question_counters.c.learner_id == bindparam("learner_id"),
    question_counters.c.variant_key == "")


def rebuild_summaries(engine: Engine) -> None:
    """Summarise the stored attempts again, as migration 0011 did: for attempts inserted in
    bulk around the store (benchmarks, imports)."""
    spec = importlib.util.spec_from_file_location(
        "summaries_0011", MIGRATIONS_DIR / "versions" / "0011_learner_summaries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as conn:
        module.backfill(conn)
