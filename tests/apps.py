"""The one way tests build an app: its own instance folder and SQLite file under ``folder``."""

from __future__ import annotations

from pathlib import Path

from app import create_app


def make_app(folder: Path, **config):
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{Path(folder) / 'test.sqlite'}",
        "INSTANCE_PATH": str(folder),
        "LTI_SEND_IN_BACKGROUND": False,  # the LMS tests turn the score sender on
        **config,
    })
