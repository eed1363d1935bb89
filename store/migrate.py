"""Schema migrations with Alembic, run from code: at start-up and by ``flask db …``.

There is no ``alembic.ini``: the script folder and the database come from the app, so the
app, its CLI and the tests always migrate the database ``DATABASE_URL`` names.
"""

from __future__ import annotations

import threading

import click
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Engine

from store.schema import MIGRATIONS_DIR

# Alembic keeps its running context in module globals: one migration per process at a time.
_LOCK = threading.Lock()


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


class MigrationBusy(RuntimeError):
    """Another thread of this process is migrating right now."""


def upgrade(engine: Engine, revision: str = "head", wait: float | None = None) -> None:
    """Migrate to ``revision``. ``wait`` (seconds, inside a request) bounds how long this
    queues behind another thread's migration; past it, MigrationBusy."""
    if not _LOCK.acquire(timeout=-1 if wait is None else wait):
        raise MigrationBusy("the schema is being migrated by another request")
    try:
        with engine.begin() as connection:
            command.upgrade(_config(connection), revision)
    finally:
        _LOCK.release()


def downgrade(engine: Engine, revision: str) -> None:
    with _LOCK, engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


db_cli = AppGroup("db", help="The checkpoint's database: migrate and inspect.")


def _engine() -> Engine:
    return current_app.extensions["store"].engine


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    upgrade(_engine(), revision)
    click.echo(f"database at {current(_engine())}")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Step the schema back to REVISION (data in dropped columns is lost)."""
    downgrade(_engine(), revision)
    click.echo(f"database at {current(_engine())}")


@db_cli.command("current")
def current_command() -> None:
    """Show the schema revision the database is at, and the newest one."""
    click.echo(f"database at {current(_engine())}; newest is {head()}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True, help="Compare schema.py with the database.")
def revision_command(message: str, autogenerate: bool) -> None:
    """Write a new migration script into store/migrations/versions."""
    with _LOCK, _engine().begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=autogenerate)
