"""Hints and reveals: what a reader asked for on each question (and practice variant).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkpoint_help",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("variant", sa.Text, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("class_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_checkpoint_help_learner_question", "checkpoint_help",
                    ["learner_id", "question_id"])
    op.create_index("ix_checkpoint_help_class", "checkpoint_help", ["class_id"])


def downgrade() -> None:
    op.drop_index("ix_checkpoint_help_class", table_name="checkpoint_help")
    op.drop_index("ix_checkpoint_help_learner_question", table_name="checkpoint_help")
    op.drop_table("checkpoint_help")
