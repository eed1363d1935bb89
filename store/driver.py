"""A transaction run on a pooled connection's own cursor, its statements compiled once.

SQLAlchemy's ``Connection.execute`` builds an execution context, a result object and a row
per call; for an answer's three statements that was a third of its transaction's CPU. Here
each statement is compiled once per database (the SQL text, its parameters' order and their
type conversions, its columns' conversions) and then sent straight to the driver, with
exactly the values and rows ``execute`` would have given: the same bind and result
processors, from SQLAlchemy's own types. The pool's checkout hooks (the deadline and the
ping, store/deadline.py) run as for any connection; the driver's errors become SQLAlchemy's,
as ``execute`` makes them (a lost connection is dropped, not pooled), so ``Store.guard``
treats them as any other; whatever listens to the engine's ``before_cursor_execute`` and
``commit`` events hears each statement and the commit too.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError


@dataclass
class _Compiled:
    statement: object  # kept, so its id names no other statement
    sql: str
    names: tuple[str, ...]  # its parameters: in the driver's order when it is positional
    positional: bool
    fixed: dict  # the statement's own values (literals)
    binds: tuple[tuple[str, object], ...]  # (name, conversion) for each converted parameter
    columns: list | None = None  # the selected columns' types (typed statements only)
    shape: tuple | None = None  # the row type and each column's conversion (or None), from
    # the first answer's cursor description


_COMPILED: dict[tuple[str, int], _Compiled] = {}


def _compiled(engine: Engine, statement) -> _Compiled:
    key = (engine.dialect.name, id(statement))
    found = _COMPILED.get(key)
    if found is None or found.statement is not statement:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        converting = []
        for name, bind in compiled.binds.items():
            conversion = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if conversion is not None:
                converting.append((name, conversion))
        columns = [column.type for column in getattr(statement, "selected_columns", ())]
        found = _COMPILED[key] = _Compiled(
            statement, str(compiled),
            tuple(compiled.positiontup if compiled.positional else compiled.binds),
            compiled.positional, {name: bind.value for name, bind in compiled.binds.items()
                                  if bind.value is not None}, tuple(converting), columns or None)
    return found


class Cursor:
    """What an answer's transaction asks of a connection: ``execute(statement, params)``,
    its rows (named like SQLAlchemy's) as ``.all()`` or by iterating."""

    def __init__(self, engine: Engine, cursor) -> None:
        self.engine, self.cursor = engine, cursor
        self.sql: str | None = None  # the last statement sent, and its parameters (errors
        self.sent: tuple | dict | None = None  # name them, as SQLAlchemy's do)

    def execute(self, statement, params: dict) -> Rows:
        compiled = _compiled(self.engine, statement)
        values = {**compiled.fixed, **params}
        for name, conversion in compiled.binds:
            values[name] = conversion(values[name])
        if compiled.positional:
            sent: tuple | dict = tuple(values[name] for name in compiled.names)
        else:
            sent = {name: values[name] for name in compiled.names}
        sql = self.sql = compiled.sql
        self.sent = sent
        for listen in self.engine.dispatch.before_cursor_execute:  # e.g. a test's count
            listen(None, self.cursor, sql, sent, None, False)
        self.cursor.execute(sql, sent)
        description = self.cursor.description
        if description is None:
            return Rows()
        return Rows(_rows(self.engine, compiled, description, self.cursor.fetchall()))


class Rows(list):
    """Rows as a list, with ``all()`` as SQLAlchemy's result has."""

    def all(self) -> Rows:
        return self


def _rows(engine: Engine, compiled: _Compiled, description, fetched: list) -> list:
    if compiled.shape is None:
        dialect = engine.dialect
        convert = tuple(type_.dialect_impl(dialect).result_processor(dialect, column[1])
                        for type_, column in zip(compiled.columns, description, strict=True)
                        ) if compiled.columns else ()
        compiled.shape = (namedtuple("Row", [column[0] for column in description]),
                          convert if any(convert) else None)
    row, convert = compiled.shape
    if convert is None:
        return [row(*values) for values in fetched]
    return [row(*[value if conversion is None else conversion(value)
                  for conversion, value in zip(convert, values, strict=True)])
            for values in fetched]


@contextmanager
def pooled_cursor(engine: Engine, named=lambda: (None, None)) -> Iterator[tuple]:
    """A pooled connection and its cursor, given back when the block ends (the pool rolls
    back whatever was not committed); the driver's errors raised as SQLAlchemy's, as
    ``execute`` makes them (a lost connection is dropped, not pooled), named by ``named()``:
    the statement and parameters that failed."""
    dialect = engine.dialect
    error = dialect.loaded_dbapi.Error
    try:
        pooled = engine.raw_connection()
    except error as exc:
        raise DBAPIError.instance(*named(), exc, error) from exc
    cursor = None
    try:
        cursor = pooled.cursor()
        yield pooled, cursor
    except error as exc:
        lost = dialect.is_disconnect(exc, pooled.dbapi_connection, cursor)
        if lost:
            pooled.invalidate(exc)
        raise DBAPIError.instance(*named(), exc, error, connection_invalidated=lost) from exc
    finally:
        if cursor is not None:
            with suppress(error):  # a cut connection's cursor
                cursor.close()
        with suppress(error):  # back to the pool (rolled back there if still open)
            pooled.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Cursor]:
    """One transaction on a pooled connection: committed when the block ends, rolled back if
    it raises; the driver's errors raised as SQLAlchemy's."""
    running = None
    with pooled_cursor(engine, lambda: (running.sql, running.sent) if running else (None, None)
                       ) as (pooled, cursor):
        running = Cursor(engine, cursor)
        yield running
        running.sql = running.sent = None
        for listen in engine.dispatch.commit:  # e.g. a test's count, or its frozen server
            listen(None)
        pooled.commit()
