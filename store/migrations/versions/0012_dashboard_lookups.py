"""Indexes for the class dashboard's two lookups by learner and by question.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

The dashboard asks for the class's students' attempts outside the class (``learner_id IN
… AND class_id`` outside the class's own id) and for the class's attempts on its
practice-only items (``class_id = … AND question_id IN …``). Without an index on both
columns each read every attempt of the class: ~120 ms apiece at 100,000 attempts.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_attempts_learner_class", "attempts", ["learner_id", "class_id"])


def downgrade() -> None:
    op.drop_index("ix_attempts_learner_class", table_name="attempts")
