"""The reader: an anonymous learner id and a CSRF token in Flask's signed session cookie.

Every feature that needs to know who is answering, or to protect a form, asks here, so the
session's keys are named once. A reader without a cookie has no id until they first do
something worth remembering (an answer, joining a class); asking never creates a session.
"""

from __future__ import annotations

import hmac
import secrets

from flask import current_app, request, session

LEARNER = "learner"
CSRF = "csrf"


def learner() -> str | None:
    """The learner id, without creating a session for a reader who has none."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    return session.get(LEARNER)


def ensure_learner() -> str:
    """The learner id, made now if the reader has none; it comes with a CSRF token."""
    current = session.get(LEARNER)
    if not current:
        session.permanent = True  # progress survives closing the browser, not just a reload
        current = session[LEARNER] = secrets.token_urlsafe(16)
    csrf_token()
    return current


def csrf_token() -> str:
    if not session.get(CSRF):
        session[CSRF] = secrets.token_urlsafe(24)
    return session[CSRF]


def current_csrf() -> str | None:
    """The reader's CSRF token if they have one (never makes one)."""
    return session.get(CSRF)


def csrf_ok(sent: str | None) -> bool:
    """The token the form carried is this session's, compared in constant time (as bytes:
    ``compare_digest`` refuses non-ASCII text, and a forged form may carry any)."""
    expected = session.get(CSRF)
    if not (expected and sent):
        return False
    return hmac.compare_digest(str(expected).encode("utf-8", "surrogatepass"),
                               str(sent).encode("utf-8", "surrogatepass"))
