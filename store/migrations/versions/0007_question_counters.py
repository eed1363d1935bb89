"""Attempt numbers counted per learner and question, and each class's credit for revealed and
hinted answers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

``question_counters`` holds, per learner, question and variant, the number the latest attempt
was given; an answer takes the next one in its own transaction, so two answers at once never
share a number (counting rows after the insert did, under PostgreSQL's READ COMMITTED).
Existing attempts are numbered in the order they were made, and the counters start from them.
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 1000


def variant_key(variant):
    return "" if variant is None else hashlib.sha256(variant.encode()).hexdigest()


def _seed(conn) -> None:
    """Number every attempt in id order, per learner, question and variant; then the counters."""
    seen: dict[tuple[str, str, str], int] = {}
    updates = []
    rows = conn.execute(sa.text(
        "SELECT id, learner_id, question_id, variant FROM attempts ORDER BY id"))
    for row in rows:
        key = (row.learner_id, row.question_id, variant_key(row.variant))
        seen[key] = seen.get(key, 0) + 1
        updates.append({"i": row.id, "n": seen[key]})
    update = sa.text("UPDATE attempts SET number = :n WHERE id = :i")
    for start in range(0, len(updates), BATCH):
        conn.execute(update, updates[start:start + BATCH])
    insert = sa.text("INSERT INTO question_counters (learner_id, question_id, variant_key, "
                     "attempts) VALUES (:l, :q, :v, :n)")
    counters = [{"l": who, "q": q, "v": v, "n": n} for (who, q, v), n in seen.items()]
    for start in range(0, len(counters), BATCH):
        conn.execute(insert, counters[start:start + BATCH])


def upgrade() -> None:
    op.create_table(
        "question_counters",
        sa.Column("learner_id", sa.String(64), primary_key=True),
        sa.Column("question_id", sa.String(32), primary_key=True),
        sa.Column("variant_key", sa.String(64), primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
    )
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("number", sa.Integer, nullable=True))
    _seed(op.get_bind())
    op.create_index("uq_attempts_learner_question_number", "attempts",
                    ["learner_id", "question_id", "number"], unique=True,
                    sqlite_where=sa.text("variant IS NULL"),
                    postgresql_where=sa.text("variant IS NULL"))
    with op.batch_alter_table("classes") as batch:
        batch.add_column(sa.Column("revealed_credit", sa.Float, nullable=False,
                                   server_default=sa.text("0")))
        batch.add_column(sa.Column("hinted_credit", sa.Float, nullable=False,
                                   server_default=sa.text("1")))


def downgrade() -> None:
    with op.batch_alter_table("classes") as batch:
        batch.drop_column("hinted_credit")
        batch.drop_column("revealed_credit")
    op.drop_index("uq_attempts_learner_question_number", table_name="attempts")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("number")
    op.drop_table("question_counters")
