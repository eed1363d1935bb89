"""The application factory: configuration, each part's ``init_app``, then the page. Nothing else."""

from __future__ import annotations

import os

from flask import Flask

import chapter
import instructors
import lti
import quizzes
import store
import web
from chapter import views
from web import openapi

PARTS = (web, store, chapter, quizzes, instructors, lti)  # the import order: each uses those before


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. Configuration comes from the environment, then ``instance/config.py``,
    then ``test_config`` (tests only). ``INSTANCE_PATH`` moves the folder for local state."""
    app = _configured(test_config)
    for part in PARTS:
        part.init_app(app)
    views.prepare_page(app)  # the anonymous page, rendered once every part has registered
    openapi.describe(app)  # the API description of what the parts registered
    return app


def _configured(test_config: dict | None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance_path) if instance_path else None)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only-not-secret"),
        SECRET_KEY_FALLBACKS=[old for old in os.environ.get("SECRET_KEY_FALLBACKS", "")
                              .split(",") if old],
        DATABASE_URL=os.environ.get("DATABASE_URL", ""),
        MAX_CONTENT_LENGTH=int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024)),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    return app
