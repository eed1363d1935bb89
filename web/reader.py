"""The reader: an anonymous learner id and a CSRF token in Flask's signed session cookie.

Every feature that needs to know who is answering, or to put the token in a form, asks here,
so the session's keys are named once (web/csrf.py checks the token). A reader without a
cookie has no id until they first do something worth remembering (an answer, joining a
class); asking never creates a session.
"""

from __future__ import annotations

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
