"""Attempts: one row per graded answer.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("variant", sa.Text, nullable=True),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("misconception", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_attempts_learner_question", "attempts", ["learner_id", "question_id"])
    op.create_index("ix_attempts_question", "attempts", ["question_id"])


def downgrade() -> None:
    op.drop_index("ix_attempts_question", table_name="attempts")
    op.drop_index("ix_attempts_learner_question", table_name="attempts")
    op.drop_table("attempts")
