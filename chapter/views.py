"""The chapter page: assembled once at start-up, then served as prepared bytes.

The chapter knows nothing of the checkpoint: what the page needs from it (the public
questions, and a reader's state per request) is handed in through ``add_checkpoint``.
``prepare_page`` renders the anonymous page once every part of the app is registered (the
page links their routes and assets), and installs the fast path that replays it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, render_template, url_for

from chapter.figures import figure_params
from chapter.figures.style import CSS_VARIABLES
from chapter.sections import CONTENT_DIR, TERMS_PATH, chapter_sections
from web import assets, fastpage

bp = Blueprint("chapter", __name__)


@dataclass(frozen=True)
class PreparedPage:
    body: bytes
    etag: str
    prepared: assets.Prepared  # identity, br and gzip, with their headers, made at start-up


def _render(app: Flask, chapter: dict) -> PreparedPage:
    with app.test_request_context("/"):
        body = render_template("chapter.html", **chapter).encode("utf-8")
    etag = hashlib.sha256(body).hexdigest()[:20]
    cache_file = assets.build_dir(app) / f"page.{etag}.html"
    prepared = assets.Prepared(assets.encode(body, cache_file), "text/html", etag,
                               "public, max-age=60")
    return PreparedPage(body=body, etag=etag, prepared=prepared)


def figure_config() -> dict:
    """What the page hands its figure scripts (the JSON in #figure-config): each figure's
    controls from the API's schemas, the figure API's and plotly.js's URLs, and the palette
    (each colour a figure is written in → the CSS variable carrying its role). Called while
    the page renders, so the URLs are the app's own."""
    figures = figure_params()
    plotly = current_app.extensions.get("plotly")
    return {"figures": figures,
            "api": {name: url_for("figures_api.figure_json", name=name) for name in figures},
            "plotly": url_for("plotly_js", digest=plotly.digest) if plotly else "",
            "palette": CSS_VARIABLES}


@bp.get("/")
def index() -> Response:
    reader = current_app.extensions["chapter_reader"]()  # None: the shared bytes below
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


def init_app(app: Flask) -> None:
    """The page's route and its sections; no checkpoint until one is added."""
    app.register_blueprint(bp)
    app.extensions["chapter"] = {"sections": list(chapter_sections(CONTENT_DIR, TERMS_PATH)),
                                 "questions": [], "practice_items": [],
                                 "figure_config": figure_config}
    app.extensions["chapter_reader"] = lambda: None


def add_checkpoint(app: Flask, questions: list, reader_state: Callable[[], dict | None],
                   practice_items: list = ()) -> None:
    """Put the checkpoint's public ``questions`` (and its practice-only items) on the page,
    and let ``reader_state`` fill in a reader's results (None for a reader without a
    session)."""
    app.extensions["chapter"]["questions"] = questions
    app.extensions["chapter"]["practice_items"] = list(practice_items)
    app.extensions["chapter_reader"] = reader_state


def prepare_page(app: Flask) -> None:
    """The anonymous page, rendered once and replayed to every reader without a session.
    Called last: the page links every part's routes, assets and template globals."""
    app.extensions["chapter_page"] = _render(app, app.extensions["chapter"])
    fastpage.install(app, app.extensions["chapter_page"].prepared)
