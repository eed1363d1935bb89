"""The chapter: its content, the maths engine, and the code that turns both into a page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The figures' API and the page's route; the page itself is prepared last, once every
    part has registered what it links (``chapter.views.prepare_page``)."""
    from chapter import api, views

    api.init_app(app)
    views.init_app(app)
