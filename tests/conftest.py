"""Shared fixtures: a fresh app per test, with its own instance folder and database."""

from __future__ import annotations

import pytest

import lti.schema  # noqa: F401 — its tables are on the app's one metadata, as in the app
from tests.apps import make_app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()
