"""The database keeps each learner's summary rows and numbers their attempts itself.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

A trigger on ``attempts`` upserts the learner's two ``question_counters`` rows (the learner's
own, question "", and the question's or variant's) from each inserted row, as the answer's
transaction did with a statement of its own (migration 0011): every insert is counted, the
store's or a bulk load's, and an answer costs one statement less.

PostgreSQL: a BEFORE INSERT row trigger. The upsert locks both rows until the transaction
ends, so a concurrent answer of the same learner waits and then counts on from the new
values; a row inserted without a number gets the question row's new count. SQLite: BEFORE
triggers cannot change the row, so the store's insert takes its number from the counter
itself (a write statement holds the write lock before it reads), and an AFTER INSERT trigger
upserts the counters, then numbers a row inserted without one. The variant's key is the
SHA-256 of its token in hex: PostgreSQL's ``sha256``; on SQLite the function
``variant_key`` that the store registers on every connection (store/attempts.py).

SQLite only: the view ``reviewed_attempts`` takes a right answer with its first review's due
time; its INSTEAD OF trigger inserts the attempt (counted as above) and schedules the review,
so the answer stays one statement (on PostgreSQL one statement with a data-modifying WITH).
A migration that rebuilds ``attempts`` on SQLite (batch mode) drops these triggers: it must
drop the view first and create both again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The learner's row first, so two answers never lock the rows in opposite orders.
UPSERT = """INSERT INTO question_counters (learner_id, question_id, variant_key, attempts,
    first_right, first_right_at, last_score, last_answer, misconceptions)
VALUES (NEW.learner_id, '', '', 1, NULL, NULL, NULL, NULL, COALESCE(NEW.misconception, '')),
       (NEW.learner_id, NEW.question_id, {key}, 1, CASE WHEN NEW.correct THEN 1 END,
        CASE WHEN NEW.correct THEN NEW.created_at END, NEW.score, NEW.answer,
        COALESCE(NEW.misconception, ''))
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
    ELSE question_counters.misconceptions || ' ' || excluded.misconceptions END"""

PG_KEY = ("CASE WHEN NEW.variant IS NULL THEN '' "
          "ELSE encode(sha256(convert_to(NEW.variant, 'UTF8')), 'hex') END")
PG_FUNCTION_TEMPLATE = """CREATE OR REPLACE FUNCTION attempts_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  counted integer;
BEGIN
  WITH kept AS ({upsert}
    RETURNING question_id, attempts)
  SELECT kept.attempts INTO counted FROM kept WHERE kept.question_id = NEW.question_id;
  NEW.number := COALESCE(NEW.number, counted);
  RETURN NEW;
END
$$"""
PG_FUNCTION = PG_FUNCTION_TEMPLATE.format(upsert=UPSERT.format(key=PG_KEY, find="strpos"))
PG_TRIGGER = ("CREATE TRIGGER attempts_counted BEFORE INSERT ON attempts "
              "FOR EACH ROW EXECUTE FUNCTION attempts_counted()")

SQLITE_KEY = "CASE WHEN NEW.variant IS NULL THEN '' ELSE variant_key(NEW.variant) END"
SQLITE_TRIGGER_TEMPLATE = """CREATE TRIGGER attempts_counted AFTER INSERT ON attempts
BEGIN
  {upsert};
  UPDATE attempts SET number = (
    SELECT attempts FROM question_counters WHERE learner_id = NEW.learner_id
       AND question_id = NEW.question_id AND variant_key = {key})
  WHERE id = NEW.id AND NEW.number IS NULL;
END"""
SQLITE_TRIGGER = SQLITE_TRIGGER_TEMPLATE.format(
    upsert=UPSERT.format(key=SQLITE_KEY, find="instr"), key=SQLITE_KEY)
SQLITE_VIEW = """CREATE VIEW reviewed_attempts AS
SELECT a.learner_id, a.question_id, a.variant, a.answer, a.score, a.correct, a.misconception,
       a.created_at, a.class_id, a.number, r.due_at
FROM attempts AS a JOIN review_items AS r
  ON r.learner_id = a.learner_id AND r.question_id = a.question_id"""
SQLITE_VIEW_TRIGGER = """CREATE TRIGGER reviewed_attempts_insert
INSTEAD OF INSERT ON reviewed_attempts
BEGIN
  INSERT INTO attempts (learner_id, question_id, variant, answer, score, correct,
                        misconception, created_at, class_id, number)
  VALUES (NEW.learner_id, NEW.question_id, NEW.variant, NEW.answer, NEW.score, NEW.correct,
          NEW.misconception, NEW.created_at, NEW.class_id, NEW.number);
  INSERT INTO review_items (learner_id, question_id, step, due_at)
  VALUES (NEW.learner_id, NEW.question_id, 0, NEW.due_at)
  ON CONFLICT (learner_id, question_id) DO NOTHING;
END"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(PG_FUNCTION))
        op.execute(sa.text(PG_TRIGGER))
        return
    op.execute(sa.text(SQLITE_TRIGGER))
    op.execute(sa.text(SQLITE_VIEW))
    op.execute(sa.text(SQLITE_VIEW_TRIGGER))


def downgrade() -> None:
    """Back to counting in the store's own statement (0012's store): the counters stay."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text("DROP TRIGGER IF EXISTS attempts_counted ON attempts"))
        op.execute(sa.text("DROP FUNCTION IF EXISTS attempts_counted()"))
        return
    op.execute(sa.text("DROP TRIGGER IF EXISTS reviewed_attempts_insert"))
    op.execute(sa.text("DROP VIEW IF EXISTS reviewed_attempts"))
    op.execute(sa.text("DROP TRIGGER IF EXISTS attempts_counted"))
