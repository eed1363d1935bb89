"""Secrets kept in the database, sealed with keys derived from SECRET_KEY.

    seal(purpose, text)    → a Fernet token, under the current SECRET_KEY
    unseal(purpose, token) → the text, opened with SECRET_KEY or any of SECRET_KEY_FALLBACKS

Each purpose ("lti-tool-key", "lti-class-key") derives its own key, so a value sealed for one
cannot be opened as another. Rotating SECRET_KEY: put the old one first in
SECRET_KEY_FALLBACKS and the new one in SECRET_KEY, run ``flask lti reseal`` (every sealed
value rewritten under the new key), then drop the fallback.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

__all__ = ["InvalidToken", "is_sealed", "reseal", "seal", "unseal"]

PLAIN_PEM = "-----BEGIN"  # a tool key stored before keys were sealed


def _fernet(purpose: str, secret) -> Fernet:
    digest = hashlib.sha256(purpose.encode() + b":" + str(secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys(purpose: str) -> MultiFernet:
    """The current key first (it seals), then the fallbacks (they only open)."""
    secrets = [current_app.secret_key, *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([_fernet(purpose, secret) for secret in secrets])


def seal(purpose: str, text: str) -> str:
    return _keys(purpose).encrypt(text.encode()).decode()


def unseal(purpose: str, token: str) -> str:
    """The sealed text; raises InvalidToken when no known SECRET_KEY opens it."""
    return _keys(purpose).decrypt(token.encode()).decode()


def reseal(purpose: str, token: str) -> str:
    """The same text sealed under the current SECRET_KEY."""
    return _keys(purpose).rotate(token.encode()).decode()


def is_sealed(value: str) -> bool:
    return not value.startswith(PLAIN_PEM)
