"""GET / for a returning reader, answered below Flask from one read and kept parts.

A reader's page is the prepared frame with their own parts spliced in (chapter/views.py).
Flask's request context, and opening and re-signing the session, cost more than the rest of
serving it, so this WSGI layer does the same work without them:

1. the session cookie is verified with the serializer Flask's session interface uses (same
   key, fallbacks, salt and maximum age); a bad, tampered or expired cookie goes to Flask;
2. the session must hold nothing but what the page reads from it: the learner, the CSRF
   token, ``_permanent`` and the class banner's ``class``. Anything else (an LMS launch, a
   review's last result, …) goes to Flask;
3. one statement reads the learner's record (store/reader.py ``page_rows``; on SQLite not
   sent again while nothing was committed: store/page_read.py); storage down, reviews
   scheduled (their words and tokens depend on the clock) or any practice-only item touched
   go to Flask;
4. the parts for that record (and banner, and with or without a token) were kept the first
   time Flask rendered them; the page is the frame joined with them, the reader's token put
   in (with gzip, when the reader accepts it, the state's page compressed once and the
   token spliced into it: web/gzip_splice.py); the headers are the ones Flask sent for that
   page in that encoding, with this reader's
   ``Set-Cookie`` when the session interface would send one (a cookie due to be signed
   again: web/sessions.py ``resign_after``), made by its own rules (expiry and flags).

A miss goes to Flask, which renders the page and leaves its parts in the environ; they are
kept only if a second read finds the record unchanged (no answer landed in between).
tests/test_fast_reader.py compares both paths, body and headers.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask
from flask.sessions import SecureCookieSession
from itsdangerous import BadData, BadSignature, SignatureExpired
from markupsafe import escape
from werkzeug.http import dump_cookie, parse_cookie
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from store import StoreUnavailable, failed_below
from store import reader as reader_store
from web import assets, reader
from web.gzip_splice import SplicedGzip

WANTED = "seeingml.reader_parts"  # environ key: the fast path asks Flask's route for the parts
PAGE_SESSION_KEYS = frozenset({reader.LEARNER, reader.CSRF, "_permanent", "class"})
KEPT = 256  # distinct states kept per process
KEPT_PAYLOADS = 4096  # distinct session payloads decoded, per process
KEPT_HEADERS = 1024  # distinct Cookie headers parsed, per process
KEPT_HEADER_LENGTH = 8192  # longer ones (a server may pass 64 KB and more) parsed each time
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,3000}")  # a signed session: nothing to quote


FLASK_GZIP_LEVEL = 1  # Flask's reader's page is compressed per request: ~1 ms for ~180 KB


def encoding(accept_encoding: str) -> str:
    """How a reader's page is sent, on either path: gzip when accepted (made per reader, so
    not brotli, whose streams cannot be spliced), else as it is."""
    return assets.choose_encoding(accept_encoding, ("gzip",))


@dataclass
class Kept:
    """One state's page: the frame's texts and the parts between them, as bytes, with a
    stand-in where the reader's CSRF token goes (in the pieces ``tokened`` names); gzipped
    with a hole for the token once a reader asks for it compressed."""

    pieces: tuple[bytes, ...]
    stand_in: bytes
    tokened: tuple[int, ...]
    gzipped: SplicedGzip | None = None

    def body(self, token: str | None, coding: str = "identity") -> bytes:
        if coding == "gzip":
            return self._gzip(token)
        if not (token and self.tokened):
            return b"".join(self.pieces)
        pieces, token_bytes = list(self.pieces), str(escape(token)).encode()
        for at in self.tokened:
            pieces[at] = pieces[at].replace(self.stand_in, token_bytes)
        return b"".join(pieces)

    def _gzip(self, token: str | None) -> bytes:
        spliced = self.gzipped
        if spliced is None:  # once per state (~3 ms); two threads may both make it
            page = b"".join(self.pieces)
            spliced = self.gzipped = SplicedGzip.of(
                tuple(page.split(self.stand_in)) if self.tokened else (page,))
        value = str(escape(token)).encode() if token else self.stand_in
        return spliced.body(value)


class ReaderPage:
    def __init__(self, inner: Callable, app: Flask, texts: tuple[str, ...],
                 slots: tuple[str, ...], practice_ids: tuple[str, ...]):
        self.inner, self.flask = inner, app
        self.texts = tuple(text.encode("utf-8") for text in texts)
        self.slots, self.practice_ids = slots, practice_ids
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.marker = self.cookie_name + "="
        self.kept: OrderedDict[bytes, Kept] = OrderedDict()
        # per scheme and encoding: Flask's status and headers for a reader's page, without
        # Content-Length (its place kept) and Set-Cookie (which Flask's session interface
        # sends last)
        self.headers: dict[tuple[str, str], tuple[str, list[tuple[str, str]], int]] = {}
        self.lock = threading.Lock()
        self.payloads: dict[bytes, tuple[object, bytes]] = {}  # as signed → (data, re-dumped)
        # cookie values whose signature checked out → (payload, when signed, by a fallback
        # key): the same bytes need no second HMAC (only their age is checked again)
        self.verified: dict[bytes, tuple[bytes, float, bool]] = {}
        self.verified_by: object = None  # the serializer (its keys) they were verified with
        self.cookie_tail: tuple[int, str] = (-1, "")  # (expiry second, "; Expires=…; …")
        self.max_cookie_size = app.config.get("MAX_COOKIE_SIZE", Response.max_cookie_size)
        # learner → (the rows read last, (banner, with a token), their state's key): rows the
        # store kept unchanged (store/page_read.py) are the same object, their key the same
        self.last_keys: dict[str, tuple[object, tuple, bytes]] = {}
        self.cookie_values: dict[str, tuple[str | None]] = {}  # Cookie header → the session's

    # --- the session, as Flask would open it ---------------------------------------------

    def _session(self, environ: dict) -> tuple[dict, bytes, float] | None:
        """The session's data, its payload as Flask dumps it and when its cookie was signed
        (0 for a fallback key's: signed again at once, as Flask's interface does), when the
        page may be served here."""
        value = self._cookie_value(environ.get("HTTP_COOKIE", ""))
        serializer = self.flask.session_interface.get_signing_serializer(self.flask)
        if not value or serializer is None:
            return None
        try:
            data, dumped, signed_at = self._loads(serializer, value.encode())
        except BadData:  # Flask answers it as a reader without a session
            return None
        if not (isinstance(data, dict) and data.keys() <= PAGE_SESSION_KEYS
                and isinstance(data.get(reader.LEARNER), str) and data[reader.LEARNER]
                and isinstance(data.get(reader.CSRF, ""), str)):
            return None
        return data, dumped, signed_at

    def _cookie_value(self, header: str) -> str | None:
        """The session cookie's value in a Cookie header, as Flask reads it (werkzeug's
        parser), parsed once per distinct header of at most KEPT_HEADER_LENGTH characters (a
        returning reader sends the same one)."""
        found = self.cookie_values.get(header)
        if found is None:
            found = (parse_cookie(header).get(self.cookie_name),)
            if len(header) > KEPT_HEADER_LENGTH:
                return found[0]
            if len(self.cookie_values) >= KEPT_HEADERS:
                self.cookie_values.clear()
            self.cookie_values[header] = found
        return found[0]

    def _loads(self, serializer, value: bytes) -> tuple[object, bytes, float]:
        """``serializer.loads(value, max_age=…)`` as Flask calls it (every key, the same
        maximum age), and when it was signed (0 for a fallback key's: signed again at once,
        as Flask's interface does): the signature and which key made it checked once per
        distinct cookie, its age every time; the payload decoded once per distinct payload
        (a returning reader's stays the same)."""
        max_age = int(self.flask.permanent_session_lifetime.total_seconds())
        if self.verified_by is not serializer:  # the keys changed: verify everything again
            self.verified, self.verified_by = {}, serializer
        verified = self.verified.get(value)
        if verified is not None:  # these very bytes were verified before: only its age
            payload, signed_at, by_fallback = verified
            age = int(time.time()) - int(signed_at)  # as itsdangerous counts it
            if age > max_age or age < 0:
                raise SignatureExpired(f"Signature age {age} > {max_age} seconds")
            return (*self._payload(serializer, payload), 0.0 if by_fallback else signed_at)
        failed: BadSignature | None = None
        for signer in serializer.iter_unsigners():
            try:
                payload, signed = signer.unsign(value, max_age=max_age, return_timestamp=True)
            except SignatureExpired:
                raise
            except BadSignature as exc:
                failed = exc
                continue
            by_fallback = self.flask.session_interface.signed_by_fallback(
                self.flask, value.decode("ascii", "replace"))
            if len(self.verified) >= KEPT_PAYLOADS:
                self.verified.clear()
            self.verified[value] = (payload, signed.timestamp(), by_fallback)
            return (*self._payload(serializer, payload),
                    0.0 if by_fallback else signed.timestamp())
        raise failed or BadSignature("no key")

    def _payload(self, serializer, payload: bytes) -> tuple[object, bytes]:
        """A verified payload's data and its form as Flask dumps it, decoded once."""
        found = self.payloads.get(payload)
        if found is None:
            data = serializer.load_payload(payload)
            found = (data, serializer.dump_payload(dict(SecureCookieSession(data)))
                     if isinstance(data, dict) else b"")
            if len(self.payloads) >= KEPT_PAYLOADS:
                self.payloads.clear()
            self.payloads[payload] = found
        return found

    def _set_cookie(self, data: dict, dumped: bytes, signed_at: float) -> list[tuple[str, str]]:
        """The Set-Cookie Flask's session interface would send for this unchanged session:
        its own test (a permanent session is re-sent when SESSION_REFRESH_EACH_REQUEST),
        serializer (the payload as it dumps it, signed now), expiry and cookie settings
        (``SecureCookieSessionInterface.save_session`` without a response object)."""
        interface, app = self.flask.session_interface, self.flask
        session = SecureCookieSession(data)
        session.signed_at = signed_at  # as the interface's open_session notes it
        if not interface.should_set_cookie(app, session):
            return []
        serializer = interface.get_signing_serializer(app)
        value = serializer.make_signer().sign(dumped).decode("ascii")
        expires = interface.get_expiration_time(app, session)
        if expires is None or not _PLAIN_VALUE.fullmatch(value):
            return [("Set-Cookie", self._dump_cookie(value, expires))]
        second = int(expires.timestamp())
        made = self.cookie_tail
        if made[0] != second:  # the attributes after the value change once a second
            probe = self._dump_cookie("v", expires)
            made = self.cookie_tail = (second, probe[probe.index("=v") + 2:])
        return [("Set-Cookie", f"{interface.get_cookie_name(app)}={value}{made[1]}")]

    def _dump_cookie(self, value: str, expires) -> str:
        interface, app = self.flask.session_interface, self.flask
        return dump_cookie(
            interface.get_cookie_name(app), value, expires=expires,
            httponly=interface.get_cookie_httponly(app),
            domain=interface.get_cookie_domain(app), path=interface.get_cookie_path(app),
            secure=interface.get_cookie_secure(app),
            partitioned=interface.get_cookie_partitioned(app),
            samesite=interface.get_cookie_samesite(app), max_size=self.max_cookie_size)

    # --- the state, in one read ----------------------------------------------------------

    def _key(self, data: dict, environ: dict) -> bytes | None:
        """The kept page's key for this reader's state, or None when only Flask may say."""
        store = self.flask.extensions.get("store")
        if store is None:
            return None
        try:
            rows = reader_store.page_rows(store, data[reader.LEARNER], self.practice_ids)
        except StoreUnavailable:
            failed_below(environ, store)  # Flask's page says so at once, without a second try
            return None
        banner, tokened = data.get("class"), bool(data.get(reader.CSRF))
        learner = data[reader.LEARNER]
        last = self.last_keys.get(learner)
        if last is not None and last[0] is rows and last[1] == (banner, tokened):
            return last[2]  # the very rows read last (kept: nothing committed since)
        if any(row[0] in ("review", "practised") for row in rows):
            return None
        state = (sorted(map(repr, rows)), repr(banner), tokened)
        key = hashlib.blake2b(repr(state).encode(), digest_size=20).digest()
        if len(self.last_keys) >= KEPT_PAYLOADS:
            self.last_keys.clear()
        self.last_keys[learner] = (rows, (banner, tokened), key)
        return key

    # --- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (environ.get("PATH_INFO") != "/" or method not in ("GET", "HEAD")
                or self.marker not in environ.get("HTTP_COOKIE", "")):
            return self.inner(environ, start_response)
        opened = self._session(environ)
        data, dumped, signed_at = opened if opened is not None else (None, b"", 0.0)
        key = self._key(data, environ) if data is not None else None
        if key is None:
            return self.inner(environ, start_response)
        scheme = environ.get("wsgi.url_scheme", "http")
        coding = encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        with self.lock:
            kept = self.kept.get(key)
            if kept is not None:
                self.kept.move_to_end(key)
            template = self.headers.get((scheme, coding))
        if kept is None or template is None:
            return self._through_flask(environ, start_response, data, key, method == "GET")
        body = kept.body(data.get(reader.CSRF), coding)
        status, headers, at = template
        headers = [*headers[:at], ("Content-Length", str(len(body))), *headers[at:],
                   *self._set_cookie(data, dumped, signed_at)]
        start_response(status, headers)
        return [body] if method == "GET" else []

    def _through_flask(self, environ: dict, start_response, data: dict, key: bytes,
                       keep: bool) -> Iterable[bytes]:
        if not keep:
            return self.inner(environ, start_response)
        environ[WANTED] = None
        seen: list = []

        def recording_start_response(status, headers, exc_info=None):
            seen[:] = [status, list(headers)]
            return start_response(status, headers, exc_info)

        body = b"".join(self.inner(environ, recording_start_response))
        left = environ.get(WANTED)
        if left is not None and seen and seen[0].startswith("200"):
            parts, stand_in, notice = left
            if notice is None and self._key(data, {}) == key:  # nothing changed in between
                self._keep(key, parts, stand_in, environ.get("wsgi.url_scheme", "http"),
                           *seen)
        return [body]

    def _keep(self, key: bytes, parts: dict[str, str], stand_in: str, scheme: str,
              status: str, headers: list[tuple[str, str]]) -> None:
        pieces = [self.texts[0]]
        for slot, text in zip(self.slots, self.texts[1:], strict=True):
            pieces += (parts[slot].encode("utf-8"), text)
        stand_in_bytes = stand_in.encode()
        tokened = tuple(n for n, piece in enumerate(pieces) if stand_in_bytes in piece)
        lowered = [(name.lower(), value.lower()) for name, value in headers]
        names = [name for name, _ in lowered]
        cookies = names.count("set-cookie")
        if names.count("content-length") != 1 or "set-cookie" in names[:len(names) - cookies]:
            return  # not the shape this replays: every such page stays Flask's
        at = names.index("content-length")
        rest = [(n, v) for n, v in headers if n.lower() not in ("content-length", "set-cookie")]
        with self.lock:
            self.kept[key] = Kept(tuple(pieces), stand_in_bytes, tokened)
            while len(self.kept) > KEPT:
                self.kept.popitem(last=False)
            coding = "gzip" if ("content-encoding", "gzip") in lowered else "identity"
            self.headers.setdefault((scheme, coding), (status, rest, at))


def install(app: Flask, frame, practice_ids: tuple[str, ...]) -> None:
    """Put the reader's fast path inside ProxyFix (if any), as web/fastpage.py does."""
    if isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app.app = ReaderPage(app.wsgi_app.app, app, frame.texts, frame.slots,
                                      practice_ids)
    else:
        app.wsgi_app = ReaderPage(app.wsgi_app, app, frame.texts, frame.slots, practice_ids)
