"""Security headers on every response, and refusing to run production with unsafe settings.

Which environment is this? ``APP_ENV`` (environment variable or config) says so: ``production``
or ``development``. Left unset, a process served by gunicorn — the production server the README
names — counts as production, and anything else (``flask run``, ``make run``, the tests) as
development. So ``make run`` works on a fresh machine with the built-in development key, while a
production process with that key, no key, or debug mode on stops at start-up and says why.

Configuration (environment variable, or the same key in ``instance/config.py``):

- ``FRAME_ANCESTORS``: who may embed the chapter in a frame, as CSP sources, e.g.
  ``'self' https://lms.example.edu``. Default ``'self'``.
- ``SESSION_COOKIE_SECURE`` (environment): ``1``/``0``. Default: on in production, off in
  development.
  Behind a proxy that terminates HTTPS, keep it on.
- ``PROXY_COUNT``: how many proxies (nginx, a load balancer) stand in front of the app. When
  set, their ``X-Forwarded-For/-Proto/-Host`` headers are trusted that many hops deep, so the
  app sees the reader's address and scheme (HSTS is sent only for HTTPS requests).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from web import sessions
from web.errors import ServiceUnavailable

DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 — app.py's default, `make run` only
MIN_SECRET_LENGTH = 16
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class UnsafeConfiguration(RuntimeError):
    """Start-up refused: the message says which setting is unsafe and how to fix it."""


def _setting(app: Flask, name: str, default: str | None = None) -> str | None:
    """A value from app config (instance config, tests) first, then the environment."""
    value = app.config.get(name)
    if value is None:
        value = os.environ.get(name, default)
    return value if value is None else str(value)


setting = _setting  # for features: one reading of "config first, then the environment"


class RateWindow:
    """At most ``limit`` hits per key in each ``seconds``-long window, in this process's memory.
    For floods (answers, class creation), where a per-worker count is enough: the window is
    generous for people and still caps a script at ``workers × limit`` per window."""

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 50_000):
        self.limit, self.seconds, self._clock, self._max_keys = limit, seconds, clock, max_keys
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Count one hit; 0 when allowed, else the seconds until the key may try again (the
        refused hit is not counted)."""
        now = self._clock()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.seconds:
                start, count = now, 0
            if count >= self.limit:
                return max(0.001, start + self.seconds - now)
            self._windows[key] = (start, count + 1)
            if len(self._windows) > self._max_keys:
                for stale in [k for k, (t, _) in self._windows.items()
                              if now - t >= self.seconds]:
                    del self._windows[stale]
                if len(self._windows) > self._max_keys:  # all fresh: forget the oldest half
                    oldest = sorted(self._windows, key=lambda k: self._windows[k][0])
                    for stale in oldest[: len(oldest) // 2]:
                        del self._windows[stale]
            return 0.0


ANSWERS_PER_MINUTE_LEARNER = 30  # a person answering, retrying and practising stays far below
ANSWERS_PER_MINUTE_ADDRESS = 300  # a whole class behind one school address, too


def answer_limits(learner: str | None,
                  address: str | None) -> tuple[dict[str, int], float] | None:
    """The answer windows this learner (when known) and address count in: each bucket's
    limit, and the window's seconds; None when the app sets no answer limits."""
    from flask import current_app

    windows = current_app.extensions.get("answer_windows")
    if windows is None:
        return None
    buckets = {f"address {address or 'unknown'}": windows["address"].limit}
    if learner:
        buckets[f"learner {learner}"] = windows["learner"].limit
    return buckets, windows["learner"].seconds


def local_answer_wait(learner: str | None, address: str | None) -> float:
    """``answer_wait`` counted by this worker alone (RateWindow): while storage is down."""
    from flask import current_app

    windows = current_app.extensions.get("answer_windows")
    if windows is None:
        return 0.0
    if learner:
        wait = windows["learner"].hit(learner)
        if wait:
            return wait
    return windows["address"].hit(address or "unknown")


def answer_wait(learner: str | None, address: str | None) -> float:
    """Seconds before this learner (when known) and address may store another answer; 0 now.
    Counted in the database when the store offers shared windows (every worker sees the same
    count), else, or while storage is down, per worker (RateWindow); only for answers that
    would be stored. (A checkpoint answer counts its windows in its own transaction instead:
    quizzes/shared.py's ``store_limited``.)"""
    from flask import current_app

    limits = answer_limits(learner, address)
    if limits is None:
        return 0.0
    shared = current_app.extensions.get("shared_windows")
    if shared is not None:
        try:
            return shared.hit(*limits)
        except ServiceUnavailable:  # storage down: this worker's own count, never a wait
            pass
    return local_answer_wait(learner, address)


SWEEP_COUNT_S = 0.25  # a new sweep's shared count may hold a connection this long, no more


def new_sweep_wait(address: str | None) -> float:
    """Seconds before this address may build another new sweep; 0 now. Counted in the
    database when the store offers shared windows (every worker sees the same count, within
    ``SWEEP_COUNT_S``), else, or while storage is down, per worker."""
    from flask import current_app

    local: RateWindow = current_app.extensions["sweep_builds"]
    key = address or "unknown"
    shared = current_app.extensions.get("shared_windows")
    if shared is not None:
        try:
            return shared.hit({f"sweeps {key}": local.limit}, local.seconds,
                              within=SWEEP_COUNT_S)
        except ServiceUnavailable:  # storage down: this worker's own count, never a wait
            pass
    return local.hit(key)


def is_production(app: Flask) -> bool:
    env = (_setting(app, "APP_ENV") or "").strip().lower()
    if env:
        if env not in {"production", "development"}:
            raise UnsafeConfiguration(
                f"APP_ENV={env!r} is not understood: use 'production' or 'development'.")
        return env == "production"
    return "gunicorn" in sys.modules and not app.testing


def _env_flag(name: str, default: bool) -> bool:
    """A 1/0 switch from the environment. (Flask's own config always holds a default for
    SESSION_COOKIE_SECURE, so the config cannot tell "unset" from "off".)"""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in TRUE | FALSE:
        raise UnsafeConfiguration(f"{name}={raw!r} is not understood: use 1 or 0.")
    return value in TRUE


def check_production(app: Flask) -> None:
    """Stop start-up if a production process would run with a guessable key or debug on."""
    key = app.config.get("SECRET_KEY")
    if not key or key == DEVELOPMENT_SECRET_KEY or len(str(key)) < MIN_SECRET_LENGTH:
        raise UnsafeConfiguration(
            "Refusing to start in production without a real SECRET_KEY: set the SECRET_KEY "
            f"environment variable to a long random value (at least {MIN_SECRET_LENGTH} "
            "characters), e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`. "
            "For local development, set APP_ENV=development instead.")
    if app.debug:
        raise UnsafeConfiguration(
            "Refusing to start in production with debug mode on: it lets anyone who reaches an "
            "error page run code. Unset FLASK_DEBUG (and don't pass --debug).")


def content_security_policy(frame_ancestors: str) -> str:
    """Scripts only from files on this host (no inline script, no eval); Plotly sets inline
    styles and injects a <style> element, hence 'unsafe-inline' for styles only."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def frame_options(frame_ancestors: str) -> str | None:
    """X-Frame-Options for browsers that ignore frame-ancestors; it cannot name an LMS, so it
    is sent only when the policy is this site alone (or nobody)."""
    sources = frame_ancestors.split()
    if sources == ["'self'"]:
        return "SAMEORIGIN"
    if sources == ["'none'"]:
        return "DENY"
    return None


def _validated_ancestors(raw: str) -> str:
    value = " ".join(raw.split())
    if not value or any(c in value for c in ";,\r\n"):
        raise UnsafeConfiguration(
            f"FRAME_ANCESTORS={raw!r} is not a list of CSP sources: separate them with spaces, "
            "e.g. \"'self' https://lms.example.edu\".")
    return value


log = logging.getLogger(__name__)

PROXY_WARNING = (
    "X-Forwarded-For arrived but PROXY_COUNT is not set: the app is behind a proxy it does "
    "not trust, so every reader seems to come from the proxy's address (one shared limit "
    "for everyone) and HTTPS is not recognised (no HSTS). Set PROXY_COUNT to the number of "
    "proxies in front of the app, e.g. PROXY_COUNT=1 behind nginx.")


class ForwardedWithoutProxyCount(ProxyFix):
    """WSGI middleware for a deployment without PROXY_COUNT: trusts nothing, and the first
    request that carries X-Forwarded-For logs one loud warning (once per process). A ProxyFix
    that trusts zero hops, so whatever wraps the app inside a ProxyFix (web/fastpage.py) sits
    behind this check too."""

    def __init__(self, wsgi_app, logger: logging.Logger = log):
        super().__init__(wsgi_app, x_for=0, x_proto=0, x_host=0, x_port=0, x_prefix=0)
        self.logger, self.warned = logger, False

    def __call__(self, environ, start_response):
        if not self.warned and "HTTP_X_FORWARDED_FOR" in environ:
            self.warned = True
            self.logger.warning("!!! %s", PROXY_WARNING)
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    production = is_production(app)
    app.config["APP_ENV"] = "production" if production else "development"
    if production:
        check_production(app)

    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = _env_flag(
        "SESSION_COOKIE_SECURE", production or bool(app.config.get("SESSION_COOKIE_SECURE")))

    proxies = _setting(app, "PROXY_COUNT")
    if proxies and proxies.strip() not in {"", "0"}:
        if not proxies.strip().isdigit():
            raise UnsafeConfiguration(f"PROXY_COUNT={proxies!r} must be a whole number.")
        n = int(proxies)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    else:
        app.wsgi_app = ForwardedWithoutProxyCount(app.wsgi_app, app.logger)

    ancestors = _validated_ancestors(_setting(app, "FRAME_ANCESTORS", "'self'") or "")
    headers = {
        "Content-Security-Policy": content_security_policy(ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    xfo = frame_options(ancestors)
    if xfo:
        headers["X-Frame-Options"] = xfo
    headers_items = tuple(headers.items())

    app.session_interface = sessions.SigningOnceSessionInterface()
    app.extensions["answer_windows"] = {  # config or environment, like every setting here
        "learner": RateWindow(int(_setting(app, "ANSWERS_PER_MINUTE_LEARNER")
                                  or ANSWERS_PER_MINUTE_LEARNER), 60.0),
        "address": RateWindow(int(_setting(app, "ANSWERS_PER_MINUTE_ADDRESS")
                                  or ANSWERS_PER_MINUTE_ADDRESS), 60.0)}

    @app.after_request
    def _security_headers(response: Response) -> Response:
        # A plain scan: werkzeug's `in`/setdefault raise and catch an exception per miss,
        # which costs more than the rest of serving the prepared page.
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend(
            item for item in headers_items if item[0].lower() not in present)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
