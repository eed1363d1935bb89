"""Signed-cookie sessions as Flask makes them, cheaper to open and to send.

The signer is built once per key and derives its keys once per process; a cookie whose
signature checked out is not checked again (only its age), its data decoded once while it
holds only plain values; an unchanged session is not signed again on every response, only
once its cookie is ``resign_after`` old (a day, or half the session's lifetime if shorter)
or was signed with a fallback key; a response a shared cache may store never carries the
session. chapter/fast_reader.py sends the same
cookie by the same rules.
"""

from __future__ import annotations

import time
from typing import ClassVar

from flask import Flask, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

SESSION_RESIGN_AFTER_S = 86400  # an unchanged session's cookie is signed again after a day
KEPT_COOKIES = 4096  # verified cookies remembered per process
_PLAIN = (str, int, float, bool, type(None))  # values no request can change in place


def resign_after(app: Flask) -> float:
    """How old an unchanged session's cookie may grow before it is signed again: a day, or
    half the session's lifetime if that is shorter (so an active reader's expiry slides)."""
    return min(SESSION_RESIGN_AFTER_S, app.permanent_session_lifetime.total_seconds() / 2)


class KeyOnceSigner(TimestampSigner):
    """itsdangerous's timestamp signer, deriving each key once per process instead of on
    every signature (an HMAC of the salt: the same bytes every time)."""

    _derived: ClassVar[dict[tuple, bytes]] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = (secret_key if secret_key is not None else self.secret_keys[-1], self.salt,
               self.key_derivation, self.digest_method)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived.setdefault(key, super().derive_key(secret_key))
        return derived


class SigningOnceSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per key instead of on
    every request (it cost ~90 µs a request, a third of serving the chapter page), and its
    keys derived once (``KeyOnceSigner``).

    A response marked ``Cache-Control: public`` (widgets, the OpenAPI description, static
    files, plotly.js) never carries the session: a shared cache must not store one reader's
    cookie, and the response does not depend on it. An unchanged session is not signed again
    on every request, only once its cookie is ``resign_after`` old, or was signed with a
    fallback key."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}
        # cookie → (the serializer that verified it, its data, when signed, by a fallback)
        self._verified: dict[str, tuple[URLSafeTimedSerializer, dict, float, bool]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if key not in self._serializers:
            made = super().get_signing_serializer(app)
            if made is not None:  # Flask's own, its signer deriving keys once
                made.signer = KeyOnceSigner
            self._serializers[key] = made
        return self._serializers[key]

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        """Flask's, noting when the cookie was signed (``should_set_cookie``)."""
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at, by_fallback = self._loads(app, signer, value)
        except BadSignature:
            return self.session_class()
        opened = self.session_class(data)
        # A cookie still signed with a fallback key is signed again now, with the current
        # one: the fallback can be dropped once every active reader has been back once.
        opened.signed_at = 0.0 if by_fallback else signed_at
        return opened

    def _loads(self, app: Flask, signer: URLSafeTimedSerializer,
               value: str) -> tuple[dict, float, bool]:
        """``signer.loads(value, max_age=…)`` as Flask calls it, when it was signed, and
        whether by a fallback key. The same cookie again (a returning reader's, unchanged)
        has only its age checked, as itsdangerous counts it; its data is kept when it holds
        only plain values (the session copies them), else decoded again."""
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._verified.get(value)
        if kept is not None and kept[0] is signer:  # verified with these very keys
            _, data, signed_at, by_fallback = kept
            age = int(time.time()) - int(signed_at)
            if age > max_age or age < 0:
                raise SignatureExpired(f"Signature age {age} > {max_age} seconds")
            return data, signed_at, by_fallback
        data, signed = signer.loads(value, max_age=max_age, return_timestamp=True)
        signed_at, by_fallback = signed.timestamp(), self.signed_by_fallback(app, value)
        if isinstance(data, dict) and all(isinstance(v, _PLAIN) for v in data.values()):
            if len(self._verified) >= KEPT_COOKIES:
                self._verified.clear()
            self._verified[value] = (signer, data, signed_at, by_fallback)
        return data, signed_at, by_fallback

    def signed_by_fallback(self, app: Flask, value: str) -> bool:
        """Whether a valid cookie ``value`` was signed with a fallback key, not SECRET_KEY."""
        if not app.config.get("SECRET_KEY_FALLBACKS"):
            return False
        key = ("current only", app.secret_key)
        if key not in self._serializers:
            self._serializers[key] = URLSafeTimedSerializer(
                app.secret_key, salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation,
                               "digest_method": self.digest_method})
        try:
            self._serializers[key].loads(value)
        except BadSignature:
            return True
        return False

    def should_set_cookie(self, app: Flask, session) -> bool:
        """A changed session is sent again; an unchanged one only once its cookie is
        ``resign_after`` old (its expiry still slides with use, without signing it on every
        request) or was signed with a fallback key."""
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        return time.time() - getattr(session, "signed_at", 0.0) >= resign_after(app)

    def save_session(self, app: Flask, session, response: Response) -> None:
        """Flask's, but a session that is not sent (public, or unchanged and not due to be
        signed again) costs no cookie settings: only Flask's ``Vary: Cookie`` if it was read."""
        if _public(response):
            return
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def _public(response: Response) -> bool:
    """``response.cache_control.public``, without parsing a header that cannot say so."""
    value = response.headers.get("Cache-Control")
    return value is not None and "public" in value.lower() and response.cache_control.public
