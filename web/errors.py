"""One error type and one handler: JSON for ``/api/``, a page for everything else.

Every refusal a feature makes is a ``ClientError`` (or a subclass): a status, a message a
person can act on, and the field at fault. Werkzeug's own HTTP errors (404, 405, 413 …) and
anything unexpected (500) go through the same two renderers, so an API client always gets
``{"error", "field"}`` and a reader always gets the friendly page.

A service the app depends on that is down (the database) raises a ``ServiceUnavailable``
(``store.StoreUnavailable`` is one): whatever route it reaches, one handler answers 503 with
``Retry-After``, in the same two shapes. A route that can do better (grade an answer without
saving it) catches it itself.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException


class ClientError(Exception):
    """A request refused: ``status``, ``message``, the ``field`` at fault; for the page, an
    optional ``heading``, a ``back`` link (url, label) and extra response ``headers``; ``extra``
    fields join the JSON answer."""

    status = 400

    def __init__(self, message: str, field: str | None = None, status: int | None = None,
                 heading: str | None = None, back: tuple[str, str] | None = None,
                 headers: dict[str, str] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.extra = extra or {}
        self.message, self.field = message, field
        if status is not None:
            self.status = status
        self.heading, self.back, self.headers = heading, back, headers or {}


class ServiceUnavailable(Exception):
    """Something the request needs is down; nothing was done. Its own text is for the log:
    the reader is told ``message``."""

    message = ("Saved progress and classes can't be reached just now. The chapter itself "
               "still works: try again in a minute.")
    retry_after = 60  # seconds


HEADINGS = {  # a refusal's page heading, unless it names its own
    403: "This form has expired.",
    404: "That isn't part of the chapter.",
    413: "That was more than this form accepts.",
    422: "That answer couldn't be graded.",
}
PAGES = {  # Werkzeug's own errors: heading and detail
    404: ("This page isn't part of the chapter.",
          "The address may be mistyped, or the page may have moved."),
    405: ("That action isn't available here.", "Go back to the chapter and try again."),
    413: ("That was more than this page accepts.", "Send something shorter."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(error: ClientError) -> tuple[Response | str, int]:
    """The refusal as the client reads it: the JSON shape under /api/, else the page."""
    if wants_json():
        response = jsonify({"error": error.message, "field": error.field, **error.extra})
    else:
        detail = Markup("{}").format(error.message)
        if error.back:
            detail = Markup('{} <a href="{}">{}</a>.').format(error.message, *error.back)
        response = Response(render_template(
            "error.html", code=error.status, detail=detail,
            heading=error.heading or HEADINGS.get(error.status,
                                                  "That request couldn't be handled.")),
            mimetype="text/html")
    response.headers.update(error.headers)
    return response, error.status


def _http_error(error: HTTPException):
    code = error.code or 500
    heading, detail = PAGES.get(code, (error.name, error.description
                                       or "Go back to the chapter and try again."))
    headers = {"Allow": ", ".join(error.valid_methods)} if getattr(
        error, "valid_methods", None) else None
    message = f"{heading} {detail}" if wants_json() else detail
    return respond(ClientError(message, status=code, heading=heading, headers=headers))


def _server_error(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error", exc_info=error)
    message = "Something went wrong on our side. Reload the page in a moment."
    if wants_json():
        return jsonify({"error": message, "field": None}), 500
    return render_template("error.html", code=500, heading="Something went wrong on our side.",
                           detail="Reload the page in a moment; your reading is not "
                                  "affected."), 500


def _unavailable(error: ServiceUnavailable):
    from flask import current_app

    current_app.logger.warning("service unavailable: %s", error)
    return respond(ClientError(error.message, status=503, heading="That can't be reached "
                               "right now.", headers={
                                   "Retry-After": str(error.retry_after),
                                   "Cache-Control": "no-store",
                                   "Referrer-Policy": "no-referrer"}))


def init_app(app: Flask) -> None:
    app.register_error_handler(ClientError, respond)
    app.register_error_handler(ServiceUnavailable, _unavailable)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
