"""The tool's own RSA keys: the newest signs (deep-linking responses, AGS client
assertions); every key not yet retired is published at ``/lti/jwks``.

Rotation: ``rotate()`` adds a new key that signs from then on while the old one stays
published, so tokens already signed with it still verify; ``retire_old()`` stops publishing
all but the newest once platforms have re-read the JWKS. ``flask lti rotate-key`` and
``flask lti retire-keys`` do the same from the command line. Keys live in the database so
every worker signs with the same one.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti import adapter, db
from store.lti import keys


def _live(conn):
    return conn.execute(select(keys).where(keys.c.retired_at.is_(None))
                        .order_by(keys.c.created_at.desc(), keys.c.kid)).all()


def rotate() -> str:
    """A new signing key; returns its kid."""
    kid = secrets.token_hex(8)
    pem = adapter.new_private_pem()
    db.run(lambda conn: conn.execute(keys.insert().values(
        kid=kid, private_pem=pem, created_at=datetime.now(UTC))), write=True)
    return kid


def signing_key() -> tuple[str, str]:
    """(kid, private PEM) of the newest key, made on first use."""
    rows = db.run(_live)
    if not rows:
        try:
            rotate()
        except IntegrityError:  # pragma: no cover - a kid collision, practically never
            pass
        rows = db.run(_live)
    return rows[0].kid, rows[0].private_pem


def jwks() -> dict:
    signing_key()
    return {"keys": [adapter.public_jwk(row.private_pem, row.kid) for row in db.run(_live)]}


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
