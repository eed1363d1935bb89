"""LTI's queries run on the app's one store, like store/classes.py's: one transaction
per call, and any database failure becomes ``StoreUnavailable``."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from store import Store, StoreUnavailable


def store() -> Store:
    return current_app.extensions["store"]


def run(work, write: bool = False, on: Store | None = None):
    handle = on or store()
    try:
        handle.ensure_schema()
        with (handle.engine.begin() if write else handle.engine.connect()) as conn:
            return work(conn)
    except IntegrityError:
        raise
    except SQLAlchemyError as exc:
        raise StoreUnavailable(str(exc)) from exc
