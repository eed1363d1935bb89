"""Resume codes in the database: one per learner, stored only as a keyed hash. Making a new
code for a learner replaces (revokes) the old one in the same transaction."""

from __future__ import annotations

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


def learner_for(store: Store, code_hash: str) -> str | None:
    with store.guard("resume code not read"):
        store.ensure_schema()
        with store.engine.connect() as conn:
            return conn.execute(select(resume_codes.c.learner_id).where(
                resume_codes.c.code_hash == code_hash)).scalar_one_or_none()
