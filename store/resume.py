"""Resume codes in the database: one per learner, stored only as a keyed hash. Making a new
code for a learner replaces (revokes) the old one in the same transaction; taking a code
deletes it, so it works once, and a code older than its lifetime works not at all."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from store.attempts import Store
from store.schema import resume_codes


def replace_code(store: Store, learner_id: str, code_hash: str) -> None:
    """``code_hash`` is now this learner's only code."""
    for attempt in range(2):
        try:
            with store.guard("resume code not stored"):
                store.ensure_schema()
                with store.engine.begin() as conn:
                    conn.execute(delete(resume_codes).where(
                        resume_codes.c.learner_id == learner_id))
                    conn.execute(resume_codes.insert().values(
                        code_hash=code_hash, learner_id=learner_id, created_at=store.now()))
            return
        except IntegrityError:  # the same learner making two codes at once: the last wins
            if attempt:
                raise


EXPIRED = "expired"


def peek(store: Store, code_hash: str, lifetime: timedelta) -> str | None:
    """The code's learner without using it: None (never made, used already, or replaced),
    or EXPIRED (older than ``lifetime``)."""
    with store.guard("resume code not read"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            row = conn.execute(select(resume_codes.c.learner_id, resume_codes.c.created_at)
                               .where(resume_codes.c.code_hash == code_hash)).first()
    if row is None:
        return None
    made = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return EXPIRED if store.now() - made > lifetime else row.learner_id


def use(store: Store, code_hash: str, learner_id: str) -> bool:
    """Delete the code: True for the one request whose delete removed it (of two taking
    the same code at once, only one gets it)."""
    with store.guard("resume code not used"):
        store.ensure_schema()
        with store.engine.begin() as conn:
            return conn.execute(delete(resume_codes).where(
                resume_codes.c.code_hash == code_hash,
                resume_codes.c.learner_id == learner_id)).rowcount == 1


def revoke(store: Store, code_hash: str) -> None:
    """An expired code is removed when someone tries it."""
    with store.guard("resume code not revoked"):
        with store.engine.begin() as conn:
            conn.execute(delete(resume_codes).where(resume_codes.c.code_hash == code_hash))
