"""What a request already learnt of storage: once a store failed in a request, its other
storage calls in that request fail at once (``Store.guard``), rather than each waiting out
its own deadline and logging the same failure again."""

from __future__ import annotations

from flask import g, has_request_context, request

# Set in a WSGI environ by a layer below Flask (chapter/fast_reader.py) whose read already
# failed: {id(store): True}. The request's own storage calls then fail at once, as after a
# failure inside Flask, so one request tries storage (and logs its failure) once.
FAILED_BELOW = "seeingml.store_failed"


def failed_below(environ: dict, store) -> None:
    """Note in ``environ`` that ``store`` failed for this request before Flask saw it."""
    environ.setdefault(FAILED_BELOW, {})[id(store)] = True


def request_flags() -> dict | None:
    """Per-request notes (flask.g, seeded from ``FAILED_BELOW``), or None outside a request."""
    if not has_request_context():
        return None
    flags = g.__dict__.get("_store_failed")
    if flags is None:
        flags = g._store_failed = dict(request.environ.get(FAILED_BELOW, {}))
    return flags
