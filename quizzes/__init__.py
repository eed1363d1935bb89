"""The checkpoint: the question bank as data, pure grading, and its routes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The checkpoint's routes, its signer, and its questions on the chapter's page."""
    from quizzes import answer_routes

    answer_routes.init_app(app)
