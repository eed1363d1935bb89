"""GET / for a reader without a session cookie, answered without running Flask again.

Every anonymous reader gets the same prepared bytes (views.prepare_page). Routing, request
contexts and header objects cost more than sending them, so this WSGI layer keeps Flask's
own answer for each kind of such request — encoding (br/gzip/none), GET or HEAD, revalidated
(304) or not, HTTP or HTTPS — captured the first time Flask gives it, and replays it. By
construction the replay carries exactly the headers Flask sent (security headers included);
tests/test_fastpage.py checks that, header for header. Anything else — another path or
method, a response that is not 200/304 — goes to Flask as usual; a session cookie goes on
inward to the returning reader's own fast path (chapter/fast_reader.py), then Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from web.assets import Prepared, choose_encoding

Captured = tuple[str, list[tuple[str, str]], bytes]


class FastPage:
    def __init__(self, inner: Callable, prepared: Prepared, session_cookie: str):
        self.inner = inner
        self.prepared = prepared
        self.cookie = session_cookie + "="
        self.cache: dict[tuple[str, str, bool, str], Captured] = {}

    def _key(self, environ: dict) -> tuple[str, str, bool, str] | None:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != "/" or method not in ("GET", "HEAD"):
            return None
        if self.cookie in environ.get("HTTP_COOKIE", ""):
            return None  # a reader with a session gets their own page from Flask
        available = self.prepared.available
        encoding = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""), available) \
            if available else "identity"
        if_none_match = environ.get("HTTP_IF_NONE_MATCH", "")
        fresh = bool(if_none_match) and (self.prepared.etags[encoding] in if_none_match
                                         or if_none_match.strip() == "*")
        return method, encoding, fresh, environ.get("wsgi.url_scheme", "http")

    def _capture(self, environ: dict, start_response) -> tuple[Iterable[bytes], Captured | None]:
        seen: list = []

        def recording_start_response(status, headers, exc_info=None):
            seen[:] = [status, list(headers)]
            return start_response(status, headers, exc_info)

        body = b"".join(self.inner(environ, recording_start_response))
        status, headers = seen
        keep = status.startswith(("200", "304")) and not any(
            name.lower() == "set-cookie" for name, _ in headers)
        return [body], (status, headers, body) if keep else None

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.inner(environ, start_response)
        captured = self.cache.get(key)
        if captured is None:
            body, captured = self._capture(environ, start_response)
            if captured is not None:
                self.cache[key] = captured
            return body
        status, headers, body = captured
        start_response(status, headers)
        return [body]


def install(app: Flask, prepared: Prepared) -> None:
    """Put the fast path inside ProxyFix (if any), so it sees the reader's real scheme."""
    cookie = app.config["SESSION_COOKIE_NAME"]
    if isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app.app = FastPage(app.wsgi_app.app, prepared, cookie)
    else:
        app.wsgi_app = FastPage(app.wsgi_app, prepared, cookie)
