"""A client-side deadline on every PostgreSQL call made inside ``Store.guard``.

A server that stops answering (frozen, or a host gone silent mid-connection) is a case the
server's own ``statement_timeout`` cannot cover: nothing on the other side runs the timer.
TCP keepalives and ``tcp_user_timeout`` notice a dead peer on a real network, but not a peer
whose kernel still acknowledges every byte. So the client keeps its own clock: while a guarded
operation holds a pooled connection, a watchdog thread knows the operation's deadline, and
once it passes the watchdog shuts the connection's socket down. The waiting driver then sees
the connection closed, the operation fails with ``StoreUnavailable`` and the breaker opens;
SQLAlchemy throws the connection (and the pool's older ones) away.

Pinging a pooled connection before use is done here too, after the deadline is armed, so the
ping itself cannot hang (SQLAlchemy's own ``pool_pre_ping`` runs before any checkout hook).
A new connection made inside a budget is made on a helper thread and given up once the
deadline passes (libpq's ``connect_timeout`` cannot go below 2 s); one that completes after
that is closed. Outside a budget (start-up, migrations) ``connect_timeout`` bounds it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DisconnectionError

DEADLINE_S = 1.25  # a guarded operation's whole use of a connection, its commit included
TICK_S = 0.05  # how often the watchdog looks: a frozen call fails within DEADLINE_S + TICK_S

_local = threading.local()


@contextmanager
def budget(seconds: float = DEADLINE_S) -> Iterator[None]:
    """Give the connections this thread takes from now on a deadline ``seconds`` away (an
    operation inside another keeps the outer, earlier deadline)."""
    outer = getattr(_local, "deadline", None)
    if outer is None:
        _local.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = outer


def current_deadline() -> float | None:
    return getattr(_local, "deadline", None)


class Watchdog:
    """Shuts down the socket of a connection held past its deadline. One thread per process,
    started on first use; idle while nothing is watched."""

    def __init__(self, tick: float = TICK_S):
        self.tick = tick
        self._watched: dict[int, tuple[float, object]] = {}
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self.fired = 0  # how many connections it cut (for tests and logs)

    def watch(self, dbapi_connection, deadline: float) -> None:
        with self._lock:
            self._watched[id(dbapi_connection)] = (deadline, dbapi_connection)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="store-deadline",
                                                daemon=True)
                self._thread.start()
            self._wake.notify()

    def release(self, dbapi_connection) -> None:
        # Called before the pool closes or reuses the connection, under the same lock as the
        # cut, so a socket number the watchdog holds always belongs to this connection.
        with self._lock:
            self._watched.pop(id(dbapi_connection), None)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._watched:
                    self._wake.wait()
                now = time.monotonic()
                for key, (deadline, connection) in list(self._watched.items()):
                    if now >= deadline:
                        del self._watched[key]
                        self._cut(connection)
            time.sleep(self.tick)

    def _cut(self, connection) -> None:
        try:
            descriptor = os.dup(connection.fileno())
        except Exception:  # already closed
            return
        self.fired += 1
        with socket.socket(fileno=descriptor) as sock:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


WATCHDOG = Watchdog()


def arm(engine: Engine, watchdog: Watchdog = WATCHDOG) -> None:
    """Hook ``engine``'s pool: a connection handed out inside ``budget`` is watched until it
    returns, and pinged (under the deadline) before use."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, _record, _proxy) -> None:
        deadline = current_deadline()
        if deadline is not None:
            watchdog.watch(dbapi_connection, deadline)
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            watchdog.release(dbapi_connection)
            late = deadline is not None and time.monotonic() >= deadline
            if not late and isinstance(exc, dialect.loaded_dbapi.Error) and (
                    dialect.is_disconnect(exc, dbapi_connection, None)):
                raise DisconnectionError(str(exc)) from exc  # the pool tries a fresh one
            raise

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        deadline = current_deadline()
        if deadline is None:
            return None  # SQLAlchemy connects as usual
        return connect_within(
            lambda: _dialect.connect(*cargs, **cparams),
            deadline - time.monotonic(),
            lambda: dialect.loaded_dbapi.OperationalError(
                "connection timeout expired: the request's deadline passed while connecting"))

    for name in ("checkin", "invalidate", "close", "close_detached", "detach"):
        event.listen(engine, name, _releaser(watchdog))


def connect_within(connect, seconds: float, give_up):
    """``connect()`` on a helper thread; its connection, or ``give_up()`` raised after
    ``seconds`` (a connection that arrives later is closed, never handed out)."""
    box: dict = {}
    lock = threading.Lock()
    done = threading.Event()

    def run() -> None:
        try:
            made = connect()
        except BaseException as exc:  # handed to the waiting thread
            box["error"] = exc
            done.set()
            return
        with lock:
            if box.get("abandoned"):
                made.close()
                return
            box["connection"] = made
        done.set()

    threading.Thread(target=run, name="store-connect", daemon=True).start()
    done.wait(max(0.0, seconds))
    with lock:
        if "connection" in box:
            return box["connection"]
        if "error" in box:
            raise box["error"]
        box["abandoned"] = True
    raise give_up()


def _releaser(watchdog: Watchdog):
    def release(dbapi_connection, *_args) -> None:
        watchdog.release(dbapi_connection)
    return release


def probe_until_back(store) -> None:
    """Keep ``store``'s breaker open until the server answers again: after each pause of the
    breaker's length, one ``SELECT 1`` under the deadline, off any request; the first that
    answers closes the breaker. Ends when the store is disposed of."""
    while not store._closed:
        time.sleep(max(0.0, min(store._open_until - store._clock(), store.breaker_seconds)))
        try:
            with budget(), store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # still gone (any failure: this thread must not die of it)
            with store._lock:
                store._open_until = store._clock() + store.breaker_seconds
            continue
        with store._lock:
            store._open_until, store._probing = 0.0, False
        return
    store._probing = False
