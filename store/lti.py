"""LTI's tables, on the app's one ``metadata`` (store/schema.py); migration 0004.

- ``lti_registrations``: one platform installation, keyed by (issuer, client_id), with the
  platform's endpoints and the deployment ids it may launch from (a JSON list).
- ``lti_nonces``: each login's state and nonce; a launch marks its nonce used in one
  UPDATE, so a replayed id_token fails in any browser, worker or app instance.
- ``lti_learners``: (registration, sub) → the app's learner id.
- ``lti_contexts``: (registration, context id) → the class; the class's instructor key,
  sealed with SECRET_KEY, so an instructor's launch can open its dashboard.
- ``lti_keys``: the tool's RSA keys; the newest signs, every unretired one is published.
- ``lti_pending_scores``: scores not yet accepted by the platform; a sender leases rows
  (``leased_until``) and a failing platform's rows wait (``next_try_at``); migration 0009.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from store.schema import metadata

registrations = Table(
    "lti_registrations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("issuer", String(255), nullable=False),
    Column("client_id", String(255), nullable=False),
    Column("auth_login_url", Text, nullable=False),  # the platform's OIDC authorization URL
    Column("auth_token_url", Text, nullable=False),  # its OAuth 2 token endpoint (AGS)
    Column("jwks_url", Text, nullable=False),
    Column("token_audience", Text, nullable=True),  # aud for the client assertion, if not URL
    Column("deployment_ids", Text, nullable=False),  # JSON list of strings
    Column("name", String(255), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("issuer", "client_id", name="uq_lti_registrations_issuer_client"),
)

nonces = Table(
    "lti_nonces",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("state", String(64), nullable=False, unique=True),
    Column("registration_id", Integer, ForeignKey("lti_registrations.id"), nullable=False),
    Column("login", Text, nullable=False),  # the login initiation's parameters, JSON
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Index("ix_lti_nonces_created", "created_at"),
)

learners = Table(
    "lti_learners",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("registration_id", Integer, ForeignKey("lti_registrations.id"), nullable=False),
    Column("sub", String(255), nullable=False),
    Column("learner_id", String(64), nullable=False, unique=True),
    UniqueConstraint("registration_id", "sub", name="uq_lti_learners_registration_sub"),
)

contexts = Table(
    "lti_contexts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("registration_id", Integer, ForeignKey("lti_registrations.id"), nullable=False),
    Column("context_id", String(255), nullable=False),
    Column("class_id", Integer, ForeignKey("classes.id"), nullable=False),
    Column("sealed_key", Text, nullable=False),
    UniqueConstraint("registration_id", "context_id", name="uq_lti_contexts_registration"),
)

keys = Table(
    "lti_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("private_pem", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("retired_at", DateTime(timezone=True), nullable=True),
)

pending_scores = Table(
    "lti_pending_scores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("registration_id", Integer, ForeignKey("lti_registrations.id"), nullable=False),
    Column("lineitem_url", Text, nullable=False),
    Column("class_id", Integer, nullable=True),
    Column("score", Text, nullable=False),  # the AGS score JSON, timestamped when made
    Column("tries", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("leased_until", DateTime(timezone=True), nullable=True),  # a sender is on it
    Column("next_try_at", DateTime(timezone=True), nullable=True),  # the platform's back-off
    Index("ix_lti_pending_scores_class", "class_id"),
)
