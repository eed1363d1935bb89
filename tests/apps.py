"""The one way tests build an app: its own instance folder and SQLite file under ``folder``.

Every test gets an app of its own, so a test may change its configuration or its extensions
freely. What does not differ between them is made once per test process: the chapter's
sections (cached by ``chapter.views``), every template's compiled code (a bytecode cache
shared by the apps built here), and the migrated empty database, copied into each new
instance folder instead of migrating from nothing again.
"""

from __future__ import annotations

import atexit
import gc
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from jinja2 import BytecodeCache

from app import create_app
from store import Store

DATABASE_FILE = "test.sqlite"


class CompiledOnce(BytecodeCache):
    """Compiled templates kept in memory for every app of the process. A bucket's key names
    the template and its checksum is the source's, so an edited template compiles again."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledOnce()
_lock = threading.Lock()
_migrated: list[Path] = []


@contextmanager
def _shared_templates():
    """While an app is built, its Jinja environment (made on first use) gets the shared
    cache; Flask's own options are as they were afterwards."""
    options = Flask.jinja_options
    Flask.jinja_options = {**options, "bytecode_cache": COMPILED}
    try:
        yield
    finally:
        Flask.jinja_options = options


def migrated_database() -> Path:
    """An empty database at the newest migration, made once per process (closed, so its
    write-ahead log is folded into the file and a plain copy is the whole database)."""
    with _lock:
        if not _migrated:
            folder = tempfile.mkdtemp(prefix="seeingml-migrated-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            path = Path(folder) / DATABASE_FILE
            store = Store(f"sqlite:///{path}")
            store.upgrade()
            store.dispose()
            _migrated.append(path)
        return _migrated[0]


def make_app(folder: Path, **config):
    folder = Path(folder)
    database = folder / DATABASE_FILE
    if "DATABASE_URL" not in config and not database.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_database(), database)
    with _shared_templates():
        return create_app({
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": f"sqlite:///{database}",
            "INSTANCE_PATH": str(folder),
            "LTI_SEND_IN_BACKGROUND": False,  # the LMS tests turn the score sender on
            **config,
        })


NOT_SAVED = "Not saved: storage is unavailable — try again in a moment"


def assert_honestly_unsaved(response) -> None:
    """An answer storage could not record: 503, the one sentence, and nothing about the
    answer (no correctness, feedback, explanation or result)."""
    assert response.status_code == 503, (response.status_code, response.get_data()[:300])
    assert int(response.headers["Retry-After"]) > 0
    if response.is_json:
        body = response.get_json()
        assert body["error"] == NOT_SAVED and body["saved"] is False, body
        assert set(body) <= {"error", "field", "saved"}, body
    else:
        page = response.get_data(as_text=True)
        assert NOT_SAVED in page and "Correct" not in page and "Explanation" not in page


@contextmanager
def connections_asked(store):
    """Every connection ``store`` asks its engine for meanwhile: a list, empty if none was.
    Each way to the database (``connect``, ``begin``, an answer's own, the page's read) asks
    ``raw_connection``, and each ask may wait on the database; so an empty list shows a call
    did not wait on it, whatever a loaded machine's clock says."""
    asked: list[int] = []
    real = store.engine.raw_connection
    store.engine.raw_connection = lambda *args, **kwargs: asked.append(1) or real(*args, **kwargs)
    try:
        yield asked
    finally:
        del store.engine.raw_connection  # the engine's own method again


@contextmanager
def own_cpu():
    """The CPU seconds this thread spends in the block, with the garbage collector paused: a
    list holding one float when the block ends. Not wall time (a loaded machine pauses the
    test), nor the process's (another test's threads may still run, and a full collection
    walks every object the whole test run holds): the work the block asked for itself."""
    spent: list[float] = []
    collecting = gc.isenabled()
    gc.disable()
    started = time.thread_time()
    try:
        yield spent
    finally:
        spent.append(time.thread_time() - started)
        if collecting:
            gc.enable()
