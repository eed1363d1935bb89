"""The chapter page: assembled once at start-up, then served as prepared bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from chapter import assets, fastpage, render
from chapter.values import chapter_values
from chapter.widgets import FIGURES
from quizzes.bank import public_questions
from quizzes.routes import reader_state

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "chapter" / "content"
TERMS_PATH = ROOT / "chapter" / "terms.toml"

bp = Blueprint("chapter", __name__)


@dataclass(frozen=True)
class PreparedPage:
    body: bytes
    etag: str
    prepared: assets.Prepared  # identity, br and gzip, with their headers, made at start-up


def build_chapter(app: Flask) -> dict:
    """Render every section and question once; a broken content file stops start-up here."""
    sections = render.load_chapter(CONTENT_DIR, TERMS_PATH, chapter_values(), FIGURES)
    return {"sections": sections, "questions": public_questions()}


def prepare_page(app: Flask, chapter: dict) -> PreparedPage:
    with app.test_request_context("/"):
        body = render_template("chapter.html", **chapter).encode("utf-8")
    etag = hashlib.sha256(body).hexdigest()[:20]
    cache = assets.build_dir(app) / f"page.{etag}.html"
    prepared = assets.Prepared(assets.encode(body, cache), "text/html", etag,
                               "public, max-age=60")
    return PreparedPage(body=body, etag=etag, prepared=prepared)


@bp.get("/")
def index() -> Response:
    reader = reader_state()  # None for a reader without a session: the shared bytes below
    if reader is not None:
        return reader_page(reader)
    page: PreparedPage = current_app.extensions["chapter_page"]
    response = page.prepared.respond()
    response.vary.add("Cookie")
    return response


def reader_page(reader: dict) -> Response:
    """The page for one reader: the cached sections, with their checkpoint state filled in."""
    body = render_template("chapter.html", **current_app.extensions["chapter"], reader=reader)
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def _error_page(error: HTTPException):
    messages = {
        404: ("This page isn't part of the chapter.",
              "The address may be mistyped, or the page may have moved."),
        405: ("That action isn't available here.", "Go back to the chapter and try again."),
        413: ("That was more than this page accepts.", "Send something shorter."),
    }
    heading, detail = messages.get(
        error.code, (error.name, error.description or "Go back to the chapter and try again."))
    if request.path.startswith("/api/"):  # API clients get the message as JSON, always
        response = jsonify({"error": f"{heading} {detail}", "field": None})
        if getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response, error.code
    page = render_template("error.html", code=error.code, heading=heading, detail=detail)
    return page, error.code


def _server_error(error: Exception):
    current_app.logger.exception("Unhandled error", exc_info=error)
    return render_template("error.html", code=500, heading="Something went wrong on our side.",
                           detail="Reload the page in a moment; your reading is not affected."), 500


def init_app(app: Flask) -> None:
    assets.init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(Exception, _server_error)
    chapter = build_chapter(app)
    app.extensions["chapter"] = chapter
    app.extensions["chapter_page"] = prepare_page(app, chapter)
    fastpage.install(app, app.extensions["chapter_page"].prepared)  # anonymous GET /, replayed
