"""The tool's own RSA keys: the newest signs (deep-linking responses, AGS client
assertions); every key not yet retired is published at ``/lti/jwks``.

Rotation: ``rotate()`` adds a new key that signs from then on while the old one stays
published, so tokens already signed with it still verify; ``retire_old()`` stops publishing
all but the newest once platforms have re-read the JWKS. ``flask lti rotate-key`` and
``flask lti retire-keys`` do the same from the command line. Keys live in the database so
every worker signs with the same one, sealed with a key derived from SECRET_KEY
(lti/sealing.py): a copy of the database alone cannot sign as the tool. A key stored before
sealing is sealed the first time it is read.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti import adapter, db, sealing
from store.lti import contexts, keys

PURPOSE = "lti-tool-key"
CLASS_KEY = "lti-class-key"  # the sealing purpose of an LMS course's instructor key


def _live(conn):
    return conn.execute(select(keys.c.kid, keys.c.private_pem).where(keys.c.retired_at.is_(None))
                        .order_by(keys.c.created_at.desc(), keys.c.kid)).all()


def _opened(rows) -> list[tuple[str, str]]:
    """(kid, private PEM) of each row, sealing any key still stored in the clear."""
    opened = []
    for kid, stored in rows:
        if not sealing.is_sealed(stored):
            _store_sealed(kid, stored)
            opened.append((kid, stored))
        else:
            opened.append((kid, sealing.unseal(PURPOSE, stored)))
    return opened


def _store_sealed(kid: str, pem: str) -> None:
    db.run(lambda conn: conn.execute(keys.update().where(keys.c.kid == kid).values(
        private_pem=sealing.seal(PURPOSE, pem))), write=True)


def live_keys() -> list[tuple[str, str]]:
    return _opened(db.run(_live))


def reseal_all() -> int:
    """Every tool key rewritten under the current SECRET_KEY; returns how many."""
    rows = db.run(lambda conn: conn.execute(select(keys.c.kid, keys.c.private_pem)).all())
    for kid, stored in rows:
        pem = sealing.unseal(PURPOSE, stored) if sealing.is_sealed(stored) else stored
        _store_sealed(kid, pem)
    return len(rows)


def rotate() -> str:
    """A new signing key; returns its kid."""
    kid = secrets.token_hex(8)
    pem = adapter.new_private_pem()
    db.run(lambda conn: conn.execute(keys.insert().values(
        kid=kid, private_pem=sealing.seal(PURPOSE, pem), created_at=datetime.now(UTC))),
        write=True)
    return kid


def signing_key() -> tuple[str, str]:
    """(kid, private PEM) of the newest key, made on first use."""
    rows = live_keys()
    if not rows:
        try:
            rotate()
        except IntegrityError:  # pragma: no cover - a kid collision, practically never
            pass
        rows = live_keys()
    return rows[0]


def jwks() -> dict:
    signing_key()
    return {"keys": [adapter.public_jwk(pem, kid) for kid, pem in live_keys()]}


def retire_old() -> int:
    """Stop publishing every key but the newest; returns how many were retired."""
    kid, _ = signing_key()

    def work(conn):
        return conn.execute(keys.update().where(keys.c.kid != kid, keys.c.retired_at.is_(None))
                            .values(retired_at=datetime.now(UTC))).rowcount

    return db.run(work, write=True)


def sign(claims: dict) -> str:
    kid, pem = signing_key()
    return adapter.sign(claims, pem, kid)


def reseal_class_keys() -> int:
    """Every LMS course's sealed instructor key rewritten under the current SECRET_KEY."""
    def work(conn):
        rows = conn.execute(select(contexts.c.registration_id, contexts.c.context_id,
                                   contexts.c.sealed_key)).all()
        for registration_id, context_id, sealed in rows:
            conn.execute(contexts.update().where(
                contexts.c.registration_id == registration_id,
                contexts.c.context_id == context_id).values(
                sealed_key=sealing.reseal(CLASS_KEY, sealed)))
        return len(rows)
    return db.run(work, write=True)
