"""The reader's page's one read on an SQLite file, on a connection each thread keeps for it,
and not sent again while nothing has been committed since.

SQLite counts commits for each connection: ``PRAGMA data_version`` returns a different number
once any other connection, in this process or another, has committed since this one last
asked. A connection kept for this read alone never writes, so while its number stays the same
the rows it read last for a learner are still that learner's rows, whoever else reads or
writes. Each thread keeps one such connection (taken from the engine, so the engine's connect
hooks ran on it, then detached from the pool, which it never takes room in), with the rows it
read for each statement and learner and the number they were read under.

A driver error, in the read or in opening the connection (the engine's connect hooks run
SQL of their own), drops the connection (the next read opens another) and is raised as
SQLAlchemy raises it, so ``Store.guard`` counts it as any other. A thread without a
connection takes over one whose thread has ended (a server may start a thread per request,
as the development server does) and closes any others, so at most one stays open per live
thread and a new thread seldom connects. Disposing of the engine closes every kept
connection, each once a read on it is done (never under a thread reading on it). Other
databases, and SQLite in memory, read on a pooled connection each time (store/reader.py
``_fetch``).
"""

from __future__ import annotations

import os
import threading
from contextlib import suppress

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError

KEPT_ROWS = 4096  # statements × learners remembered per thread; forgotten all at once past it


class _Held:
    """One thread's connection, the process it was opened in, and its rows by statement;
    its lock held while the thread reads on it, and by whoever closes it."""

    def __init__(self, pooled, generation: int) -> None:
        self.pooled, self.pid, self.generation = pooled, os.getpid(), generation
        self.thread = threading.current_thread()
        self.rows: dict[tuple, tuple[int, tuple]] = {}
        self.lock = threading.Lock()
        self.closed = False


class KeptReads:
    """One engine's kept connections, one per thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.error = engine.dialect.loaded_dbapi.Error
        self._local = threading.local()
        self._open: list[_Held] = []
        self._lock = threading.Lock()
        self._generation = 0  # moved on by close(): every thread opens a new connection
        event.listen(engine, "engine_disposed", self.close)

    def rows(self, sql: str, sent: tuple) -> tuple:
        """The rows ``sql`` gives for ``sent``: those read under the current data version
        when this thread read them before, else read now."""
        while True:  # again only when close() took this thread's connection meanwhile
            try:
                held = self._held()
            except self.error as exc:  # a connect hook's statement failed (nothing kept)
                raise DBAPIError.instance(sql, sent, exc, self.error) from exc
            with held.lock:
                if not held.closed:
                    return self._read(held, sql, sent)

    def _read(self, held: _Held, sql: str, sent: tuple) -> tuple:
        try:
            cursor = held.pooled.cursor()
            try:
                version = cursor.execute("PRAGMA data_version").fetchone()[0]
                key = (sql, sent)
                found = held.rows.get(key)
                if found is not None and found[0] == version:
                    return found[1]
                cursor.execute(sql, sent)
                rows = tuple(cursor.fetchall())
            finally:
                cursor.close()
        except self.error as exc:
            self._drop(held)
            raise DBAPIError.instance(sql, sent, exc, self.error) from exc
        if len(held.rows) >= KEPT_ROWS:
            held.rows.clear()
        held.rows[key] = (version, rows)
        return rows

    def _held(self) -> _Held:
        held = getattr(self._local, "held", None)
        if held is not None and held.pid == os.getpid() and (
                held.generation == self._generation):
            return held
        # none yet, one closed, or one inherited across a fork (never used nor closed here):
        # a thread that has ended leaves its connection (and the rows it read) to this one
        pid, generation = os.getpid(), self._generation
        with self._lock:
            ended = [other for other in self._open
                     if other.pid == pid and not other.thread.is_alive()]
            taken = next((other for other in ended if other.generation == generation), None)
            if taken is not None:
                taken.thread = threading.current_thread()
                ended.remove(taken)
            self._open = [other for other in self._open if other not in ended]
        for other in ended:  # no thread will read on these again
            with other.lock:
                self._close(other)
        if taken is not None:
            self._local.held = taken
            return taken
        pooled = self.engine.raw_connection()
        try:
            pooled.detach()
        except BaseException:
            pooled.close()
            raise
        held = self._local.held = _Held(pooled, generation)
        with self._lock:
            self._open.append(held)
        return held

    def _drop(self, held: _Held) -> None:
        """Forget and close this thread's connection (its lock held)."""
        self._local.held = None
        with self._lock:
            if held in self._open:
                self._open.remove(held)
        self._close(held)

    def _close(self, held: _Held) -> None:
        held.closed = True
        with suppress(self.error):
            held.pooled.close()

    def close(self, _engine=None) -> None:
        """Close every thread's kept connection (each opens another at its next read), each
        once its thread's read on it, if any, is done."""
        with self._lock:
            self._generation += 1
            open_, self._open = self._open, []
        for held in open_:
            if held.pid == os.getpid():
                with held.lock:
                    self._close(held)


def kept_reads(engine: Engine) -> KeptReads | None:
    """Kept reads for an engine on an SQLite file, else None."""
    url = engine.url
    if engine.dialect.name != "sqlite" or url.database in (None, "", ":memory:") or (
            url.query.get("mode") == "memory"):
        return None
    return KeptReads(engine)
