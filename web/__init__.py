"""App-wide web plumbing: what every feature needs, written once, importing no feature.

security (headers, production checks), errors (one error type, one JSON-or-page handler,
and the one answer to a service that is down), csrf (the one guard on every unsafe request),
assets (static files and vendored scripts under hashed names, compressed once), fastpage
(the anonymous page replayed), reader (the anonymous learner id and form token), openapi
(the API description, assembled from what the features contribute) and accessibility (the
accessibility statement and conformance report at /accessibility, from acr).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Headers and production checks, the error handlers, the CSRF guard, the static files,
    the accessibility statement."""
    from web import accessibility, assets, csrf, errors, security

    security.init_app(app)
    errors.init_app(app)
    csrf.init_app(app)
    assets.init_app(app)
    accessibility.init_app(app)
