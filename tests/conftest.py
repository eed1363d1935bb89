"""Shared fixtures: a fresh app per test, with its own instance folder and database."""

from __future__ import annotations

import pytest

from app import create_app


@pytest.fixture
def app(tmp_path):
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
        "INSTANCE_PATH": str(tmp_path),
    })


@pytest.fixture
def client(app):
    return app.test_client()
