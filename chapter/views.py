"""The chapter page: assembled once at start-up, then served as prepared bytes.

The chapter knows nothing of the checkpoint: what the page needs from it (the public
questions, and a reader's state per request) is handed in through ``add_checkpoint``.
``prepare_page`` renders the anonymous page once every part of the app is registered (the
page links their routes and assets), and installs the fast paths that replay it: the
anonymous bytes (web/fastpage.py), and a returning reader's page from its kept parts
(chapter/fast_reader.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    get_template_attribute,
    render_template,
    request,
    url_for,
)
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from chapter import fast_reader
from chapter.figures import figure_params
from chapter.figures.style import CSS_VARIABLES
from chapter.sections import CONTENT_DIR, TERMS_PATH, chapter_sections
from web import assets, fastpage
from web.gzip_splice import gzip_around

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


# Where each reader's page differs: their class banner, the checkpoint, reviews due, and each
# practice-only item placed in a section ("practice_<id>", its state).
SLOTS = ("class_banner", "checkpoint", "review_toc", "review_notice")
_MARK = "\x00{}\x00"  # no page text holds a NUL


@dataclass(frozen=True)
class Frame:
    """The page with a mark where each reader's part goes: the text between marks, and the
    slot each mark names."""

    texts: tuple[str, ...]
    slots: tuple[str, ...]

    def fill(self, parts: dict[str, str]) -> str:
        out = [self.texts[0]]
        for slot, text in zip(self.slots, self.texts[1:], strict=True):
            out += (parts[slot], text)
        return "".join(out)


def _slot_names(chapter: dict) -> tuple[str, ...]:
    return SLOTS + tuple(f"practice_{item.id}" for item in chapter["practice_items"])


def _frame(app: Flask, chapter: dict) -> Frame:
    marks = {name: Markup(_MARK.format(name)) for name in _slot_names(chapter)}
    with app.test_request_context("/"):
        body = render_template("chapter.html", **chapter, slots=marks)
    pieces = re.split(_MARK.format(r"(\w+)"), body)
    return Frame(tuple(pieces[0::2]), tuple(pieces[1::2]))


def reader_parts(reader: dict) -> dict[str, str]:
    """One reader's parts of the page, each rendered alone: the class banner (from their
    session) every time; the rest once per distinct reader state (``_state_parts``). When
    the fast path asked for them (chapter/fast_reader.py), they are left for it in the
    request's environ, with the stand-in still in place of the reader's CSRF token."""
    token = reader.get("csrf")
    parts = _state_parts({**reader, "csrf": _CSRF_STAND_IN if token else token})
    banner = render_template("partials/class_banner.html")
    if fast_reader.WANTED in request.environ:
        request.environ[fast_reader.WANTED] = (
            {**parts, "class_banner": banner}, _CSRF_STAND_IN, reader.get("notice"))
    if token:
        said = str(escape(token))  # as the template would write it (a genuine one is plain)
        parts = {name: text.replace(_CSRF_STAND_IN, said) for name, text in parts.items()}
    return {**parts, "class_banner": banner}


# The same state renders the same HTML, so the last few hundred are kept, keyed by a digest of
# the state with a stand-in for the reader's CSRF token (put back after). States with reviews
# due carry fresh review tokens, so they miss and are rendered again, as they must be.
CACHED_STATES = 256
_CSRF_STAND_IN = "csrf-" + secrets.token_hex(16)
_parts_lock = threading.Lock()  # each app's kept parts: app.extensions["chapter_parts"]


def _state_parts(reader: dict) -> dict[str, str]:
    review = reader.get("review") or {}
    shown = review.get("due") or review.get("upcoming") or review.get("last")
    # Without anything to review, the review block (and its clock, "now") is not drawn.
    keyed = reader if shown else {**reader, "review": None}
    key = hashlib.sha256(json.dumps(keyed, sort_keys=True, default=str).encode()).digest()
    parts: OrderedDict[bytes, dict[str, str]] = current_app.extensions["chapter_parts"]
    with _parts_lock:
        found = parts.get(key)
        if found is not None:
            parts.move_to_end(key)
            return found
    count = len(reader["review"]["due"]) if reader.get("review") else 0
    chapter = current_app.extensions["chapter"]
    found = {"checkpoint": render_template(
                "partials/checkpoint.html", questions=chapter["questions"],
                practice_items=chapter["practice_items"], reader=reader),
             "review_toc": str(get_template_attribute("partials/review_due.html",
                                                      "toc_item")(count)),
             "review_notice": str(get_template_attribute("partials/review_due.html",
                                                         "notice")(count))}
    for item in chapter["practice_items"]:
        found[f"practice_{item.id}"] = render_template("partials/practice_item.html", q=item,
                                                       reader=reader)
    with _parts_lock:
        parts[key] = found
        while len(parts) > CACHED_STATES:
            parts.popitem(last=False)
    return found


@bp.app_template_filter("page_json")
def page_json(value) -> Markup:
    """A page's JSON block (``<script type="application/json">``): compact, its characters as
    they are (the page is UTF-8), and safe inside HTML (<, >, & and ' written as \\u escapes,
    as ``|tojson`` writes them)."""
    return htmlsafe_json_dumps(value, dumps=json.dumps, separators=(",", ":"),
                               ensure_ascii=False, sort_keys=True)


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
    """The page for one reader: the prepared frame, with their own parts rendered alone and
    spliced in (their class banner, the checkpoint, the reviews due in the contents and above
    the chapter).
    The same bytes as rendering the whole page with ``reader`` (tests/test_chapter_http.py)."""
    frame: Frame = current_app.extensions["chapter_frame"]
    body = frame.fill(reader_parts(reader))
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    response.vary.add("Accept-Encoding")
    if fast_reader.encoding(request.headers.get("Accept-Encoding", "")) == "gzip":
        # ~180 KB of HTML is ~40 KB gzipped: worth a millisecond here (the fast path keeps
        # each state's page compressed and only splices the reader's token in). The token is
        # stored, never compressed with the page, on both paths.
        token = str(escape(reader["csrf"])).encode() if reader.get("csrf") else b""
        response.set_data(gzip_around(response.get_data(), token, fast_reader.FLASK_GZIP_LEVEL))
        response.headers["Content-Encoding"] = "gzip"
    return response



def init_app(app: Flask) -> None:
    """The page's route and its sections; no checkpoint until one is added."""
    app.register_blueprint(bp)
    app.extensions["chapter"] = {"sections": list(chapter_sections(CONTENT_DIR, TERMS_PATH)),
                                 "questions": [], "practice_items": [],
                                 "figure_config": figure_config}
    app.extensions["chapter_reader"] = lambda: None
    app.extensions["chapter_parts"] = OrderedDict()


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
    app.extensions["chapter_frame"] = _frame(app, app.extensions["chapter"])
    fast_reader.install(app, app.extensions["chapter_frame"],
                        tuple(item.id for item in app.extensions["chapter"]["practice_items"]))
    fastpage.install(app, app.extensions["chapter_page"].prepared)  # outside: the most readers
