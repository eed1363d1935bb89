"""LTI 1.3: platform registrations, single-use nonces, learners, contexts, the tool's keys
and the scores waiting to be sent.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lti_registrations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("auth_login_url", sa.Text, nullable=False),
        sa.Column("auth_token_url", sa.Text, nullable=False),
        sa.Column("jwks_url", sa.Text, nullable=False),
        sa.Column("token_audience", sa.Text, nullable=True),
        sa.Column("deployment_ids", sa.Text, nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_registrations_issuer_client"),
    )
    op.create_table(
        "lti_nonces",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(64), nullable=False, unique=True),
        sa.Column("registration_id", sa.Integer, sa.ForeignKey("lti_registrations.id"),
                  nullable=False),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
    )
    op.create_index("ix_lti_nonces_created", "lti_nonces", ["created_at"])
    op.create_table(
        "lti_learners",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("registration_id", sa.Integer, sa.ForeignKey("lti_registrations.id"),
                  nullable=False),
        sa.Column("sub", sa.String(255), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False, unique=True),
        sa.UniqueConstraint("registration_id", "sub", name="uq_lti_learners_registration_sub"),
    )
    op.create_table(
        "lti_contexts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("registration_id", sa.Integer, sa.ForeignKey("lti_registrations.id"),
                  nullable=False),
        sa.Column("context_id", sa.String(255), nullable=False),
        sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id"), nullable=False),
        sa.Column("sealed_key", sa.Text, nullable=False),
        sa.UniqueConstraint("registration_id", "context_id",
                            name="uq_lti_contexts_registration"),
    )
    op.create_table(
        "lti_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("retired_at", WHEN, nullable=True),
    )
    op.create_table(
        "lti_pending_scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("registration_id", sa.Integer, sa.ForeignKey("lti_registrations.id"),
                  nullable=False),
        sa.Column("lineitem_url", sa.Text, nullable=False),
        sa.Column("class_id", sa.Integer, nullable=True),
        sa.Column("score", sa.Text, nullable=False),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_lti_pending_scores_class", "lti_pending_scores", ["class_id"])


def downgrade() -> None:
    op.drop_index("ix_lti_pending_scores_class", table_name="lti_pending_scores")
    op.drop_table("lti_pending_scores")
    op.drop_table("lti_keys")
    op.drop_table("lti_contexts")
    op.drop_table("lti_learners")
    op.drop_index("ix_lti_nonces_created", table_name="lti_nonces")
    op.drop_table("lti_nonces")
    op.drop_table("lti_registrations")
