"""Each learner's record summarised per question, kept with the attempt counter; indexes for
the class dashboard.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

``question_counters`` rows gain what a reader's page and an answer need from the learner's
history: the first right attempt's number and time, the last attempt's score and answer, and
the misconceptions the attempts showed (space-separated names, first seen first). One more row
per learner, question id "" and variant key "", counts all their attempts (the per-learner
cap) and gathers every misconception, practice included (the ending). Existing attempts are
summarised here, in id order.
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 1000
# The class dashboard's three GROUP BY queries (store/classes.py), each read from an index
# alone, in its grouping order: tries per student and question, answers per question, each
# student's latest attempt.
DASHBOARD_INDEXES = {
    "ix_attempts_class_variant_learner_question": ["class_id", "variant", "learner_id",
                                                   "question_id", "correct", "score"],
    "ix_attempts_class_variant_question_answer": ["class_id", "variant", "question_id",
                                                  "answer", "misconception"],
    "ix_attempts_class_learner_time": ["class_id", "learner_id", "created_at"],
}
COLUMNS = ("first_right", "first_right_at", "last_score", "last_answer", "misconceptions")


def variant_key(variant):
    return "" if variant is None else hashlib.sha256(variant.encode()).hexdigest()


def _summarise(rows) -> dict:
    """Per (learner, question, variant key), and per (learner, "", ""): the summary."""
    seen: dict[tuple[str, str, str], dict] = {}
    for row in rows:
        for key in ((row.learner_id, "", ""),
                    (row.learner_id, row.question_id, variant_key(row.variant))):
            entry = seen.setdefault(key, {"n": 0, "first_right": None, "first_right_at": None,
                                          "last_score": None, "last_answer": None,
                                          "misconceptions": []})
            entry["n"] += 1
            if key[1]:
                if row.correct and entry["first_right"] is None:
                    entry["first_right"], entry["first_right_at"] = entry["n"], row.created_at
                entry["last_score"], entry["last_answer"] = row.score, row.answer
            if row.misconception and row.misconception not in entry["misconceptions"]:
                entry["misconceptions"].append(row.misconception)
    return seen


def _untimed(conn) -> None:
    """On PostgreSQL, lift the app's per-statement timeout for this transaction: reading every
    attempt and indexing them takes longer than a request's statement may."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL statement_timeout = 0"))


def backfill(conn) -> None:
    """Summarise every stored attempt; a counter already ahead of the rows keeps its number."""
    _untimed(conn)
    seen = _summarise(conn.execute(sa.text(
        "SELECT learner_id, question_id, variant, answer, score, correct, misconception, "
        "created_at FROM attempts ORDER BY id")))
    counters = {(r.learner_id, r.question_id, r.variant_key): r.attempts for r in conn.execute(
        sa.text("SELECT learner_id, question_id, variant_key, attempts FROM question_counters"))}
    conn.execute(sa.text("DELETE FROM question_counters"))
    insert = sa.text(
        "INSERT INTO question_counters (learner_id, question_id, variant_key, attempts, "
        "first_right, first_right_at, last_score, last_answer, misconceptions) VALUES "
        "(:l, :q, :v, :n, :first_right, :first_right_at, :last_score, :last_answer, :m)")
    rows = [{"l": who, "q": q, "v": v, "n": max(e["n"], counters.pop((who, q, v), 0)),
             **{name: e[name] for name in COLUMNS[:-1]}, "m": " ".join(e["misconceptions"])}
            for (who, q, v), e in seen.items()]
    rows += [{"l": who, "q": q, "v": v, "n": n, "first_right": None, "first_right_at": None,
              "last_score": None, "last_answer": None, "m": ""}
             for (who, q, v), n in counters.items()]  # counters without rows: kept as they were
    for start in range(0, len(rows), BATCH):
        conn.execute(insert, rows[start:start + BATCH])


def upgrade() -> None:
    _untimed(op.get_bind())
    with op.batch_alter_table("question_counters") as batch:
        batch.add_column(sa.Column("first_right", sa.Integer, nullable=True))
        batch.add_column(sa.Column("first_right_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_score", sa.Float, nullable=True))
        batch.add_column(sa.Column("last_answer", sa.Text, nullable=True))
        batch.add_column(sa.Column("misconceptions", sa.Text, nullable=False,
                                   server_default=sa.text("''")))
    backfill(op.get_bind())
    for name, columns in DASHBOARD_INDEXES.items():
        op.create_index(name, "attempts", columns)
    op.drop_index("ix_attempts_class", table_name="attempts")  # the last one's prefix


def downgrade() -> None:
    op.create_index("ix_attempts_class", "attempts", ["class_id"])
    for name in DASHBOARD_INDEXES:
        op.drop_index(name, table_name="attempts")
    op.execute(sa.text("DELETE FROM question_counters WHERE question_id = ''"))
    with op.batch_alter_table("question_counters") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
