"""Resume codes (progress on another device) and spaced review.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resume_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("learner_id", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "review_items",
        sa.Column("learner_id", sa.String(64), primary_key=True),
        sa.Column("question_id", sa.String(32), primary_key=True),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "review_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("class_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_review_answers_class", "review_answers", ["class_id"])


def downgrade() -> None:
    op.drop_index("ix_review_answers_class", table_name="review_answers")
    op.drop_table("review_answers")
    op.drop_table("review_items")
    op.drop_table("resume_codes")
