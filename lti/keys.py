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

from flask import current_app

from lti import adapter, sealing
from store import Store
from store import lti_queries as q

PURPOSE = "lti-tool-key"
CLASS_KEY = "lti-class-key"  # the sealing purpose of an LMS course's instructor key


def _store() -> Store:
    return current_app.extensions["store"]


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
    q.store_key_pem(_store(), kid, sealing.seal(PURPOSE, pem))


def live_keys() -> list[tuple[str, str]]:
    return _opened(q.live_keys(_store()))


def reseal_all() -> int:
    """Every tool key rewritten under the current SECRET_KEY; returns how many."""
    rows = q.all_keys(_store())
    for kid, stored in rows:
        pem = sealing.unseal(PURPOSE, stored) if sealing.is_sealed(stored) else stored
        _store_sealed(kid, pem)
    return len(rows)


def rotate() -> str:
    """A new signing key; returns its kid (drawn again if taken: practically never)."""
    pem = sealing.seal(PURPOSE, adapter.new_private_pem())
    kid = secrets.token_hex(8)
    while not q.add_key(_store(), kid, pem, datetime.now(UTC)):
        kid = secrets.token_hex(8)
    return kid


def signing_key() -> tuple[str, str]:
    """(kid, private PEM) of the newest key, made on first use."""
    rows = live_keys()
    if not rows:
        rotate()
        rows = live_keys()
    return rows[0]


def jwks() -> dict:
    signing_key()
    return {"keys": [adapter.public_jwk(pem, kid) for kid, pem in live_keys()]}


def retire_old() -> int:
    """Stop publishing every key but the newest; returns how many were retired."""
    kid, _ = signing_key()
    return q.retire_keys_but(_store(), kid, datetime.now(UTC))


def sign(claims: dict) -> str:
    kid, pem = signing_key()
    return adapter.sign(claims, pem, kid)


def reseal_class_keys() -> int:
    """Every LMS course's sealed instructor key rewritten under the current SECRET_KEY."""
    return q.reseal_context_keys(_store(), lambda sealed: sealing.reseal(CLASS_KEY, sealed))
