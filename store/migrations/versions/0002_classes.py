"""Classes: a class, its students, and the class each attempt was made in.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Existing attempts keep every value; their new ``class_id`` is NULL (made outside any class).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id"), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("class_id", "learner_id", name="uq_enrolments_class_learner"),
    )
    op.create_index("ix_enrolments_learner", "enrolments", ["learner_id"])
    # Batch mode: SQLite rebuilds the table (copying every row); PostgreSQL alters in place.
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("class_id", sa.Integer, nullable=True))
        batch.create_index("ix_attempts_class", ["class_id"])


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.drop_index("ix_attempts_class")
        batch.drop_column("class_id")
    op.drop_index("ix_enrolments_learner", table_name="enrolments")
    op.drop_table("enrolments")
    op.drop_table("classes")
