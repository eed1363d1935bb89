"""One guard against cross-site requests, run before every unsafe request (POST, PUT, PATCH,
DELETE) whatever route it is for. No route checks for itself.

Two checks, one for each kind of request:

- **Where it comes from.** A browser says so: ``Sec-Fetch-Site`` (every current browser) must
  be ``same-origin`` (or ``none``: the reader's own action); without it, an ``Origin`` header
  must name this host. A request with neither is not sent by a page in a browser (a script,
  ``curl``, the tests) and passes this check. Script requests (under ``/api/``) rest on it;
  their bodies must also be ``application/json``, which each route's body parser insists on
  (415 otherwise) and which a page on another site cannot send without a CORS preflight this
  app never grants.
- **The form token.** A form post (anything outside ``/api/``) from a reader who has a learner
  id carries the session's token (web/reader.py) in its ``csrf_token`` field. A form post
  from a reader with no learner id rides no one's session and needs none, except on a view
  declared ``@token_always``: one that changes who the reader is, or acts in their name.

Declared here, where a view needs it: ``@exempt(reason)`` for a view another site must post
to (an LMS's login and launch, authenticated by their signed id_token instead), and
``@limit_body(n)`` for a view that accepts only small bodies, so the limit holds when the
guard reads the form before the view does.

A refusal is ``CrossSite`` (403) or ``FormExpired`` (403, "This form has expired"), in the
shape ``web/errors.py`` gives every ``ClientError``: JSON under ``/api/``, a page otherwise.
A feature that answers an expired form its own way (its form again, with a fresh token)
registers a handler for ``FormExpired`` on its blueprint.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app, request, session

from web import reader
from web.errors import ClientError

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAME_ORIGIN = frozenset({"same-origin", "none"})  # Sec-Fetch-Site values a page of ours sends
FIELD = "csrf_token"


class CrossSite(ClientError):
    """An unsafe request a page on another site made the reader's browser send."""

    def __init__(self) -> None:
        super().__init__("This request came from another site, so it was refused. Open the "
                         "chapter itself and try again from there.", "origin", status=403,
                         heading="That request came from another site.")


class FormExpired(ClientError):
    """A form post whose token is missing or is not this session's."""

    def __init__(self) -> None:
        super().__init__("This form has expired. Reload the page and try again.", FIELD,
                         status=403)


def exempt(reason: str) -> Callable:
    """Leave a view unguarded, saying why (it is listed by ``exemptions``)."""
    def mark(view: Callable) -> Callable:
        view.csrf_exempt = reason
        return view
    return mark


def token_always(view: Callable) -> Callable:
    """This form needs the session's token even from a reader without a learner id."""
    view.csrf_token_always = True
    return view


def limit_body(max_bytes: int) -> Callable:
    """The largest body this view accepts (413 beyond it), applied before any body is read."""
    def mark(view: Callable) -> Callable:
        view.max_body = max_bytes
        return view
    return mark


def exemptions(app: Flask) -> dict[str, str]:
    """Every exempt endpoint, with its reason."""
    return {endpoint: view.csrf_exempt for endpoint, view in app.view_functions.items()
            if getattr(view, "csrf_exempt", None)}


def same_origin() -> bool:
    """False when the browser says the request comes from another site."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site.strip().lower() in SAME_ORIGIN
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not sent by a page in a browser
    return urlsplit(origin.strip()).netloc.lower() == request.host.lower()


def token_matches(sent: object) -> bool:
    """The token the form carried is this session's, compared in constant time (as bytes:
    ``compare_digest`` refuses non-ASCII text, and a forged form may carry any)."""
    expected = session.get(reader.CSRF)
    if not (expected and isinstance(sent, str) and sent):
        return False
    return hmac.compare_digest(str(expected).encode("utf-8", "surrogatepass"),
                               sent.encode("utf-8", "surrogatepass"))


def guard() -> None:
    """Before every request: refuse an unsafe one that another site may have forged."""
    if request.method not in UNSAFE or request.endpoint is None:
        return  # safe, or no such route (404/405 answer it)
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "max_body", None):
        request.max_content_length = view.max_body
    if getattr(view, "csrf_exempt", None):
        return
    if not same_origin():
        raise CrossSite()
    if request.path.startswith("/api/"):
        return
    if (getattr(view, "csrf_token_always", False) or reader.learner() is not None) and (
            not token_matches(request.form.get(FIELD))):
        raise FormExpired()


def init_app(app: Flask) -> None:
    app.before_request(guard)
