"""DuckDB as the store's engine: one connection per file per process, and its dialect.

The store's SQL is written once, in the part of SQL both engines speak; what DuckDB spells its
own way is here, and PostgreSQL's spelling of the same is in ``engines.postgres``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from data_loaders.store_errors import (
    StoreMissingError,
    StoreReadOnlyError,
    StoreReplacedError,
    classify,
    is_file_problem,
)

NAME = "duckdb"
Error = duckdb.Error
ConstraintError = duckdb.ConstraintException
ConflictError = (duckdb.TransactionException,)

HISTORY_AGG = "list({'day': screened_on, 'method': method})"
ZONES_AGG = "list(DISTINCT {'kind': z.kind, 'level': z.level})"


def _as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The frame as an Arrow table when it converts as it is (text, numbers, dates).

    DuckDB reads pandas' text columns a cell at a time and Arrow's as buffers: storing a
    back-check's 650,000 households took twice as long from the frame. A column Arrow cannot
    type (mixed cells) leaves the frame to DuckDB's own conversion.
    """
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


def ddl(schema: str) -> str:
    return schema


def first(value: str, order: str) -> str:
    """An aggregate's first value in an order."""
    return f"first({value} ORDER BY {order})"


@dataclass
class _Handle:
    """The process's one connection to a file, and which file (device, inode) it opened."""

    con: duckdb.DuckDBPyConnection
    identity: tuple[int, int]
    read_only: bool


_connections: dict[str, _Handle] = {}
_connections_lock = threading.Lock()


def _identity(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _writable(path: Path) -> bool:
    """A DuckDB file is writable when the file is, and its folder too (the .wal lives beside it)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _connect(path: Path, read_only: bool | None, memory_limit: str | None = None) -> _Handle:
    """One DuckDB connection per database file per process: DuckDB locks the file per process.

    A connection whose file is no longer the one at ``path`` (moved, replaced) is let go.
    ``memory_limit`` (the configuration's ``store.memory_limit``) caps the engine's memory from the
    connection's first statement: it holds for the whole process, whoever opens the file first.
    """
    key = str(path.resolve())
    with _connections_lock:
        try:
            identity = _identity(path)
        except FileNotFoundError:
            raise StoreMissingError(path) from None
        handle = _connections.get(key)
        if handle is not None and handle.identity != identity:
            _close(_connections.pop(key))
            handle = None
        if handle is None:
            mode = not _writable(path) if read_only is None else read_only
            try:
                con = duckdb.connect(key, read_only=mode,
                                     config={"memory_limit": memory_limit} if memory_limit else {})
            except duckdb.Error as exc:
                raise classify(exc, path) from exc
            handle = _Handle(con, identity, mode)
            _connections[key] = handle
        return handle


def _close(handle: _Handle) -> None:
    # Every write is checkpointed (Store._checkpoint), so closing writes nothing into the file
    # even when it has been moved away: there is no pending WAL to fold in.
    with suppress(duckdb.Error):
        handle.con.close()


def forget(path: Path | str) -> None:
    """Close and drop this process's connection to ``path`` (after the file moved or was replaced)."""
    with _connections_lock:
        handle = _connections.pop(str(Path(path).resolve()), None)
    if handle is not None:
        _close(handle)


def close_all() -> None:
    """Close every cached connection (tests and the CLI use it before touching files)."""
    with _connections_lock:
        for handle in _connections.values():
            _close(handle)
        _connections.clear()


class Engine:
    """A process's connection to one DuckDB file, with a cursor per thread."""

    name = NAME

    def __init__(self, path: Path, read_only: bool | None = None, memory_limit: str | None = None) -> None:
        self.path = path
        self.display = str(path)
        self._handle = _connect(path, read_only, memory_limit)
        self.read_only = self._handle.read_only
        self._local = threading.local()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread: DuckDB cursors must not be shared across threads."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._handle.con.cursor()
            self._local.cursor = cur
        return cur

    def set_scope(self, key: str) -> None:
        """DuckDB has no row policies: the store's scoped queries are the one guard."""

    def fail_closed(self) -> None:
        """Nothing to close: without row policies, the scoped queries are all there is."""

    def after_schema(self, cur: duckdb.DuckDBPyConnection) -> None:
        """No engine-specific objects beyond the shared schema."""

    def check_file(self) -> None:
        """Raise unless the file at ``path`` is still the one this process opened (a cheap stat)."""
        try:
            identity = _identity(self.path)
        except FileNotFoundError:
            raise StoreMissingError(self.path, moved=True) from None
        if identity != self._handle.identity:
            raise StoreReplacedError(self.path)

    def require_writable(self, path: Path, action: str = "") -> None:
        self.check_file()
        if self.read_only:
            raise StoreReadOnlyError(path, action)

    def tables(self) -> set[str]:
        return {row[0] for row in self.cursor().execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = 'main'").fetchall()}

    def columns(self) -> set[tuple[str, str]]:
        return set(self.cursor().execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main'").fetchall())

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file (see Store._checkpoint for why)."""
        with suppress(duckdb.Error):
            self.cursor().execute("CHECKPOINT")

    def after_refresh(self) -> None:
        """DuckDB keeps its statistics as it writes."""

    def insert_frame(self, cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
                     columns: Sequence[str]) -> None:
        cur.register("_incoming", _as_arrow(frame[list(columns)]))
        try:
            cols = ", ".join(columns)
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            cur.unregister("_incoming")

    def load_parquet(self, cur: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str],
                     files: Sequence[str]) -> None:
        """Files written by the demo build, in one statement: DuckDB scans them straight into the file."""
        names = ", ".join(columns)
        cur.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM read_parquet(?)", [list(files)])

    def arrow(self, cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence | None = None):
        return cur.sql(sql, params=params).to_arrow_table()

    def classify(self, exc: BaseException) -> BaseException:
        return classify(exc, self.path) if is_file_problem(exc) else exc

    def is_file_problem(self, exc: BaseException) -> bool:
        return is_file_problem(exc)

    def forget(self) -> None:
        forget(self.path)


def create(path: Path, schema: str, meta: list[list[str]]) -> None:
    """A new file holding the schema and its marker rows, written in one transaction."""
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise classify(exc, path) from exc
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(schema)
        con.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise classify(exc, path) from exc
    finally:
        con.close()


def read_schema_version(path: Path) -> int:
    if not path.exists():
        raise StoreMissingError(path)
    handle = _connect(path, read_only=None)
    rows = handle.con.cursor().execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else 1
