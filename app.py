"""The application factory: configuration, then each package's ``init_app``. Nothing else."""

from __future__ import annotations

import os

from flask import Flask

import instructors
import lti
from chapter import api as widget_api
from chapter import views
from quizzes import routes as checkpoint
from web import assets, errors, openapi, security


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. Configuration comes from the environment, then ``instance/config.py``,
    then ``test_config`` (tests only). ``INSTANCE_PATH`` moves the folder for local state."""
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

    security.init_app(app)
    errors.init_app(app)
    assets.init_app(app)  # before the page: it links hashed files and plotly.js
    widget_api.init_app(app)
    checkpoint.init_app(app)  # before the page: its forms post to these routes
    instructors.init_app(app)  # after the checkpoint (it shares its store), before the page
    lti.init_app(app)  # after instructors: LTI launches open classes and their dashboards
    views.init_app(app, **checkpoint.page_context())
    openapi.init_app(app)  # last: it describes what the others registered
    return app
