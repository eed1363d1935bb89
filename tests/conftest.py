"""Shared fixtures: a fresh app per test, with its own instance folder and database."""

from __future__ import annotations

import pytest

from tests.apps import make_app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()
