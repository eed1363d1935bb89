"""Shared fixtures: a fresh app per test, with its own instance folder and database; a store
on SQLite, and on a throwaway PostgreSQL database when TEST_DATABASE_URL is set.

Every fixture more than one test module uses lives here; test modules import none from
each other (helpers shared by modules live in plain modules such as tests/classes_helpers.py).
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import MetaData, create_engine, text

import store.lti
from store import Store, database_url
from tests.apps import make_app

PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "")
CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def pg_database():
    """A throwaway PostgreSQL database for this test run, so parallel runs never collide.

    Its commits do not wait for their flush to disk (``synchronous_commit`` off: committed and
    seen by every later query all the same, only not kept through a crash of the server,
    which no test makes). A test of the store's time budgets is about the code's waits, not
    the disk of a busy machine, where one flush has taken 0.7 s."""
    if not PG_ADMIN_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    admin = create_engine(database_url(PG_ADMIN_URL, ""), isolation_level="AUTOCOMMIT")
    name = f"seeingml_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = database_url(PG_ADMIN_URL, "").rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_database(url: str) -> None:
    """Drop every table, the migration history included: each test starts from nothing."""
    engine = create_engine(url)
    reflected = MetaData()
    reflected.reflect(engine)
    reflected.drop_all(engine)
    engine.dispose()


@pytest.fixture
def clock(monkeypatch):
    """The store's clock, stopped at CLOCK_START; ``clock(hours=…)`` moves it on."""
    now = {"t": CLOCK_START}
    monkeypatch.setattr(Store, "now", lambda self: now["t"])

    def move(**delta):
        now["t"] = now["t"] + timedelta(**delta)
    return move


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    url = request.getfixturevalue("pg_database")
    empty_database(url)
    return url


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    store.upgrade()
    yield store
    store.dispose()
