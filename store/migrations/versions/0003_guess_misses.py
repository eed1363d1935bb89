"""Guessing counters: wrong instructor links and codes per (address, class), for every worker.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guess_misses",
        sa.Column("bucket", sa.String(200), primary_key=True),
        sa.Column("misses", sa.Integer, nullable=False),
        sa.Column("last_miss", sa.Float, nullable=False),
        sa.Column("blocked_until", sa.Float, nullable=False),
    )
    op.create_index("ix_guess_misses_last_miss", "guess_misses", ["last_miss"])


def downgrade() -> None:
    op.drop_index("ix_guess_misses_last_miss", table_name="guess_misses")
    op.drop_table("guess_misses")
