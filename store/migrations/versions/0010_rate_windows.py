"""Answer, hint and reveal limits counted in the database, so every worker shares them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_windows",
        sa.Column("bucket", sa.String(200), primary_key=True),
        sa.Column("window_start", sa.Float, nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
    )
    op.create_index("ix_rate_windows_window_start", "rate_windows", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_rate_windows_window_start", table_name="rate_windows")
    op.drop_table("rate_windows")
