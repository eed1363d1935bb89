"""Review tokens spent: each review question handed out is answered (or given up) once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_tokens",
        sa.Column("nonce", sa.String(32), primary_key=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_tokens_used_at", "review_tokens", ["used_at"])


def downgrade() -> None:
    op.drop_index("ix_review_tokens_used_at", table_name="review_tokens")
    op.drop_table("review_tokens")
