"""A class's secrets and names: the student link's token, the instructor key, clean names.

No Flask, no SQL. The instructor key is shown once and stored only as its hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from web.errors import ClientError

TOKEN_BYTES = 16  # the student link: 128 random bits, unrelated to the class's row id
KEY_BYTES = 32  # the instructor key: 256 random bits, so a hash without salt is enough
CLASS_NAME_MAX = 120
DISPLAY_NAME_MAX = 80


# What new_token/new_key make: base64url, 22 and 43 characters. Anything else in a link is
# refused as an unknown page before any query (a NUL byte never reaches PostgreSQL).
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22,64}", re.ASCII)
KEY_RE = re.compile(r"[A-Za-z0-9_-]{43,64}", re.ASCII)


def well_formed_token(token: str) -> bool:
    return TOKEN_RE.fullmatch(token) is not None


def well_formed_key(key: str) -> bool:
    return KEY_RE.fullmatch(key) is not None


def code_matches(sent: object, code: str) -> bool:
    """The instructor code the operator set, compared in constant time."""
    if not isinstance(sent, str) or not code:
        return False
    return hmac.compare_digest(sent.strip().encode("utf-8", "surrogatepass"),
                               code.encode("utf-8", "surrogatepass"))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def hash_key(key: str) -> str:
    """SHA-256 of the key: a leaked database does not open any dashboard. No salt or slow hash
    is needed for 256 random bits; nothing about them can be guessed."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(key: str, key_hash: str) -> bool:
    """Constant-time comparison, so response times say nothing about how close a guess was."""
    return hmac.compare_digest(hash_key(key), key_hash)



class BadName(ClientError):
    """A name that cannot be used; ``message`` says what would work."""

    def __init__(self, message: str, field: str):
        super().__init__(message, field, status=400)


def clean_name(raw: object, field: str, limit: int, what: str) -> str:
    """One line of printable text, spaces collapsed, 1..limit characters."""
    if not isinstance(raw, str):
        raise BadName(f"Type {what}.", field)
    text = " ".join(raw.split())
    if not text:
        raise BadName(f"Type {what}; it cannot be empty.", field)
    if len(text) > limit:
        raise BadName(f"{what[0].upper()}{what[1:]} can be at most {limit} characters "
                         f"(this one has {len(text)}).", field)
    if any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co"} for c in text):
        raise BadName(f"Use letters, digits and punctuation in {what}.", field)
    return text

