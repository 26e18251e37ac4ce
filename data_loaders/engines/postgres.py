"""PostgreSQL as the store's engine: a connection pool, DuckDB's cursor protocol over it, its dialect.

The store's SQL is written once, in the part of SQL both engines speak; what differs (column
types, list aggregates, bulk loading, the write lock, scope policies) is here and in
``engines.duck``. Cursors behave as the store expects of DuckDB's: ``execute`` returns the cursor,
results are read with ``fetchall``/``fetchone``/``df``, and a frame can be lent to SQL by name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import psycopg
import psycopg_pool
from psycopg import sql as pgsql

from data_loaders.store_errors import StoreError, StoreReadOnlyError
from paicha.text import t

NAME = "postgresql"
Error = psycopg.Error
ConstraintError = psycopg.errors.IntegrityError
# Conflicting concurrent writes: PostgreSQL reports them as serialisation failures or deadlocks.
ConflictError = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)

# Types the DuckDB schema names that PostgreSQL spells otherwise. The records and zones of
# household_facts are lists of structs in DuckDB and JSON arrays here.
_TYPES = [
    (re.compile(r"\bDOUBLE\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"STRUCT\([^)]*\)\[\]"), "JSONB"),
]

HISTORY_AGG = "jsonb_agg(jsonb_build_object('day', screened_on, 'method', method))"
ZONES_AGG = "jsonb_agg(DISTINCT jsonb_build_object('kind', z.kind, 'level', z.level))"

# Every write transaction takes this lock first: the derived tables are rebuilt by DELETE and
# INSERT, which two concurrent transactions would interleave into duplicate rows.
_WRITE_LOCK = "SELECT pg_advisory_xact_lock(7061696368)"

_DATE_OIDS = {1082, 1114, 1184}
_INT_OIDS = {20, 21, 23}
_BOOL_OID = 16
_FLOAT_OIDS = {700, 701, 1700}
_TEXT_OIDS = {25, 1043}


def ddl(schema: str) -> str:
    for pattern, replacement in _TYPES:
        schema = pattern.sub(replacement, schema)
    return schema


# Row-level security: every table that holds a town's rows shows a connection only the rows of
# the towns its setting paicha.town_prefix names — a town's code, a district's code, '*' for
# every row (the CLI and maintenance), and nothing while it is unset or names nothing. The store's
# own queries confine themselves to the scope too; these policies hold even for one that forgot.
SCOPED_TABLES = ("divisions", "households", "screenings", "milestones", "household_status", "screening_days",
                 "village_days", "screener_days", "key_assessments", "household_facts", "spot_check_draws", "spot_check_items",
                 "spot_check_frame")
# One starts_with, not an OR with a test for '*': the planner estimates an OR of two unknowns
# at a fraction of a per cent of the rows and then joins millions by nested loops (3 s instead of
# 0.13 s for a town's key households at 5 M). '*' becomes the prefix every code starts with;
# unset, current_setting is NULL and so is the test.
_VISIBLE = "(starts_with(town_code, replace(current_setting('paicha.town_prefix', true), '*', '')))"
EVERY_ROW = "*"
NO_ROW = "-"  # no town code starts with it


# A row store reads a whole table to find a town's rows: a town's pages on a province's database
# would scan millions. DuckDB scans columns and needs none of these; PostgreSQL gets them here.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS households_town ON households (town_code)",
    "CREATE INDEX IF NOT EXISTS household_status_key_town ON household_status (town_code) WHERE is_key",
    "CREATE INDEX IF NOT EXISTS household_facts_town ON household_facts (town_code)",
    "CREATE INDEX IF NOT EXISTS screenings_household ON screenings (household_id)",
    "CREATE INDEX IF NOT EXISTS key_assessments_household ON key_assessments (household_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS spot_check_items_key ON spot_check_items (draw_id, household_id)",
)


def policies() -> str:
    """The statements that put every scoped table under its policy (safe to run again)."""
    return "\n".join(
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY; ALTER TABLE {table} FORCE ROW LEVEL SECURITY; "
        f"DROP POLICY IF EXISTS town_scope ON {table}; "
        f"CREATE POLICY town_scope ON {table} USING {_VISIBLE} WITH CHECK {_VISIBLE};"
        for table in SCOPED_TABLES)


def town_prefix(scope_key: str) -> str:
    """The policy setting for a scope's key (paicha.scope.Scope.key)."""
    kind, _, code = scope_key.partition(":")
    return code if kind in ("town", "district") and code else EVERY_ROW if kind == "all" else NO_ROW


def first(value: str, order: str) -> str:
    """An aggregate's first value in an order."""
    return f"(array_agg({value} ORDER BY {order}))[1]"


def display(url: str) -> str:
    """The address without its password, for messages and logs."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    if len(netloc) == 2 and ":" in netloc[0]:
        user = netloc[0].split(":", 1)[0]
        parts = parts._replace(netloc=f"{user}:***@{netloc[1]}")
    return urlunsplit(parts)


# In order: quoted text and comments (kept as they are), then DuckDB's placeholders and the
# percent sign psycopg reserves.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?|\$(\d+)|\$([A-Za-z_]\w*)|%")


def translate(sql: str, params: Sequence | dict | None) -> tuple[str, Sequence | dict | None]:
    """DuckDB's ``?``, ``$n`` and ``$name`` placeholders as psycopg's ``%s`` / ``%(pn)s`` / ``%(name)s``.

    Quoted text and comments are left alone, so a literal '?' in SQL stays what it is; every
    ``%`` is doubled, since psycopg reads the whole statement for its placeholders.
    """
    if not params:
        return sql, None
    numbered = False

    def swap(match: re.Match[str]) -> str:
        nonlocal numbered
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            numbered = True
            return f"%(p{match.group(1)})s"
        if match.group(2):
            return f"%({match.group(2)})s"
        return token.replace("%", "%%")

    out = _TOKENS.sub(swap, sql)
    if isinstance(params, dict):
        return out, params
    if numbered:
        return out, {f"p{n}": value for n, value in enumerate(params, start=1)}
    return out, list(params)


def _column(values: list, oid: int) -> pd.Series | pd.api.extensions.ExtensionArray:
    """A result column typed as DuckDB's ``df()`` types it (dates as datetime64, nullable ints)."""
    if oid in _DATE_OIDS:
        return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[us]")
    has_null = any(v is None for v in values)
    if oid in _INT_OIDS:
        return pd.array(values, dtype="Int64") if has_null else pd.array(values, dtype="int64")
    if oid == _BOOL_OID:
        return pd.array(values, dtype="boolean") if has_null else pd.array(values, dtype="bool")
    if oid in _FLOAT_OIDS:
        return pd.array([float("nan") if v is None else float(v) for v in values], dtype="float64")
    if oid in _TEXT_OIDS and values:
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype=object)


class Cursor:
    """DuckDB's cursor protocol over pooled connections.

    Outside a transaction each statement borrows a connection and returns it with its rows
    read; ``BEGIN`` keeps one connection until ``COMMIT`` or ``ROLLBACK``, and so does a lent
    frame until it is taken back (temporary tables live on one connection).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: psycopg.Connection | None = None
        self._holds = 0  # an open transaction and lent frames each hold the connection
        self._in_transaction = False
        self._rows: list[tuple] = []
        self.description: list | None = None

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        if self._conn is not None:
            yield self._conn
            return
        with self._engine.pool.connection() as conn:
            self._engine.apply_scope(conn)
            yield conn

    def _hold(self) -> None:
        if self._conn is None:
            self._conn = self._engine.pool.getconn()
            self._engine.apply_scope(self._conn)
        self._holds += 1

    def _release(self) -> None:
        self._holds -= 1
        if self._holds <= 0 and self._conn is not None:
            conn, self._conn, self._holds = self._conn, None, 0
            self._engine.pool.putconn(conn)

    def execute(self, sql: str, params: Sequence | None = None) -> Cursor:
        word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if word == "BEGIN":
            self._hold()
            self._in_transaction = True
            self._run("BEGIN", None)
            self._run(_WRITE_LOCK, None)
            return self
        if word in ("COMMIT", "ROLLBACK"):
            if not self._in_transaction:
                return self
            try:
                self._run(word, None)
            finally:
                self._in_transaction = False
                self._release()
            return self
        if word == "CHECKPOINT":  # the server keeps its own files consistent
            return self
        self._run(sql, params)
        return self

    def _run(self, sql: str, params: Sequence | None) -> None:
        text, args = translate(sql, params)
        with self._connection() as conn:
            cur = conn.execute(text, args, prepare=False)
            if cur.description is None:
                self._rows, self.description = [], None
            else:
                self.description = [(c.name, c.type_code) for c in cur.description]
                self._rows = cur.fetchall()

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> Cursor:
        text, _ = translate(sql, [None] * sql.count("?"))
        with self._connection() as conn, conn.cursor() as cur:
            cur.executemany(text, rows)
        self._rows, self.description = [], None
        return self

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self) -> tuple | None:
        return self._rows.pop(0) if self._rows else None

    def df(self) -> pd.DataFrame:
        rows, self._rows = self._rows, []
        names = [name for name, _ in self.description or []]
        columns = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
        return pd.DataFrame({name: _column(list(values), oid)
                             for (name, oid), values in zip(self.description or [], columns, strict=True)},
                            columns=names)

    def arrow(self, sql: str, params: Sequence | None = None):
        import pyarrow as pa

        return pa.Table.from_pandas(self.execute(sql, params).df(), preserve_index=False)

    # -- frames lent to SQL by name ------------------------------------------------------------

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self._hold()
        try:
            with self._connection() as conn:
                copy_frame(conn, name, frame, temporary=True)
        except BaseException:
            self._release()
            raise

    def unregister(self, name: str) -> None:
        try:
            with self._connection() as conn:
                conn.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(pgsql.Identifier(name)))
        finally:
            self._release()


# Arrow's types as PostgreSQL's, for the temporary table a lent frame becomes.
def _pg_type(arrow_type) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    if pa.types.is_integer(arrow_type):
        return "BIGINT"
    if pa.types.is_floating(arrow_type):
        return "DOUBLE PRECISION"
    if pa.types.is_date(arrow_type):
        return "DATE"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"
    return "TEXT"


def _csv_chunks(table) -> Iterator[bytes]:
    """The table as CSV in pieces: Arrow writes it in C, and COPY reads CSV at the server's pace.

    Empty unquoted fields are NULL in PostgreSQL's CSV, and Arrow quotes every string, so an
    empty string stays an empty string.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    for batch in table.to_batches(max_chunksize=50_000):
        out = pa.BufferOutputStream()
        pacsv.write_csv(pa.Table.from_batches([batch], schema=table.schema), out,
                        write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"))
        yield out.getvalue().to_pybytes()


def _arrow(frame: pd.DataFrame, columns: Sequence[str]):
    import pyarrow as pa

    sub = frame[list(columns)]
    return pa.Table.from_pandas(sub, preserve_index=False)


def copy_arrow(conn: psycopg.Connection, table: str, data, columns: Sequence[str], *,
               temporary: bool = False) -> None:
    """Load an Arrow table with COPY: into a new temporary table named ``table``, or into
    ``columns`` of an existing table.

    PostgreSQL refuses COPY into a table under row policies: rows for one are copied into a
    staging table first and inserted from it, so the policies check every row written.
    """
    names = pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns)
    ident = pgsql.Identifier(table)
    if temporary:
        conn.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(ident))
        conn.execute(pgsql.SQL("CREATE TEMPORARY TABLE {} ({})").format(ident, pgsql.SQL(", ").join(
            pgsql.SQL("{} {}").format(pgsql.Identifier(c), pgsql.SQL(_pg_type(data.schema.field(c).type)))
            for c in columns)))
        _copy_into(conn, ident, data, columns)
        return
    staging = pgsql.Identifier("_paicha_copy")
    conn.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(staging))
    conn.execute(pgsql.SQL("CREATE TEMPORARY TABLE {} AS SELECT {} FROM {} WITH NO DATA").format(
        staging, names, ident))
    try:
        _copy_into(conn, staging, data, columns)
        conn.execute(pgsql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(ident, names, names, staging))
    finally:
        conn.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(staging))


def _copy_into(conn: psycopg.Connection, ident: pgsql.Composable, data, columns: Sequence[str]) -> None:
    statement = pgsql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        ident, pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns))
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for chunk in _csv_chunks(data.select(list(columns))):
            copy.write(chunk)


def copy_frame(conn: psycopg.Connection, table: str, frame: pd.DataFrame, *, temporary: bool = False,
               columns: Sequence[str] | None = None) -> None:
    cols = [str(c) for c in (columns if columns is not None else frame.columns)]
    copy_arrow(conn, table, _arrow(frame, cols), cols, temporary=temporary)


class Engine:
    """A process's pool of connections to one PostgreSQL database."""

    name = NAME

    def __init__(self, url: str, read_only: bool | None = None, memory_limit: str | None = None,
                 pool_size: int = 10) -> None:
        # memory_limit is DuckDB's (store.memory_limit): a server's memory is its own configuration.
        self.url = url
        self.display = display(url)
        self.read_only = bool(read_only)
        self._local = threading.local()
        self._scope = threading.local()
        # The CLI and maintenance see every row; the app turns this off (fail_closed) for its
        # sessions, each of which says whose it is on every run.
        self.default_prefix = EVERY_ROW
        try:
            self.pool = psycopg_pool.ConnectionPool(
                url, min_size=1, max_size=pool_size, open=True, timeout=30,
                kwargs={"autocommit": True}, check=psycopg_pool.ConnectionPool.check_connection)
            self.pool.wait(timeout=10)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise StoreError(t("errors.store.server_unreachable", url=self.display, reason=str(exc))) from exc

    def cursor(self) -> Cursor:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = Cursor(self)
            self._local.cursor = cur
        return cur

    def apply_scope(self, conn: psycopg.Connection) -> None:
        """Key the connection's row policies to the calling thread's scope (see Store.act_as)."""
        prefix = getattr(self._scope, "prefix", self.default_prefix)
        conn.execute("SELECT set_config('paicha.town_prefix', %s, false)", [prefix])

    def set_scope(self, key: str) -> None:
        self._scope.prefix = town_prefix(key)

    def fail_closed(self) -> None:
        """From now on a thread that has not said whose it is sees no town's rows."""
        self.default_prefix = NO_ROW

    def after_schema(self, cur: Cursor) -> None:
        cur.execute(policies())
        for statement in INDEXES:
            cur.execute(statement)

    def check_file(self) -> None:
        """A server has no file to move away; its availability shows at the next statement."""

    def require_writable(self, path: object, action: str = "") -> None:
        if self.read_only:
            raise StoreReadOnlyError(self.display, action)

    def tables(self) -> set[str]:
        return {r[0] for r in self.cursor().execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()}

    def columns(self) -> set[tuple[str, str]]:
        return set(self.cursor().execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()").fetchall())

    def checkpoint(self) -> None:
        """Nothing to fold in: the server's own log is its durability."""

    def after_refresh(self) -> None:
        """Fresh statistics for the planner once the derived tables were rebuilt: autovacuum
        would get there, but a page shown right after a large import would be planned blind.
        """
        self.cursor().execute("ANALYZE")

    def insert_frame(self, cur: Cursor, table: str, frame: pd.DataFrame, columns: Sequence[str]) -> None:
        with cur._connection() as conn:
            copy_frame(conn, table, frame, columns=columns)

    def load_parquet(self, cur: Cursor, table: str, columns: Sequence[str], files: Sequence[str]) -> None:
        """Files written by the demo build, one COPY each."""
        import pyarrow.parquet as pq

        with cur._connection() as conn:
            for file in files:
                copy_arrow(conn, table, pq.read_table(file, columns=list(columns)), columns)

    def arrow(self, cur: Cursor, sql: str, params: Sequence | None = None):
        return cur.arrow(sql, params)

    def classify(self, exc: BaseException) -> BaseException:
        if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            return StoreReadOnlyError(self.display)
        if isinstance(exc, psycopg.errors.DiskFull):
            from data_loaders.store_errors import StoreDiskFullError

            return StoreDiskFullError(self.display)
        return exc

    def is_file_problem(self, exc: BaseException) -> bool:
        return isinstance(exc, psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.DiskFull
                          | psycopg.OperationalError)

    def forget(self) -> None:
        """Close the pool (a refused database, or a test done with it)."""
        self.pool.close()


def create(url: str, schema: str, meta: list[list[str]]) -> None:
    """The schema and its marker rows in a database that holds no paicha store yet, in one transaction."""
    target = display(url)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            present = conn.execute("SELECT count(*) FROM information_schema.tables "
                                   "WHERE table_schema = current_schema() AND table_name = 'meta'").fetchone()[0]
            if present:
                raise StoreError(t("errors.store.server_exists", path=target), target)
            with conn.transaction():
                conn.execute(ddl(schema))
                conn.execute(policies())
                for statement in INDEXES:
                    conn.execute(statement)
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO meta VALUES (%s, %s)", meta)
    except psycopg.OperationalError as exc:
        raise StoreError(t("errors.store.server_unreachable", url=target, reason=str(exc)), target) from exc


def has_store(url: str) -> bool:
    """Whether the database holds a paicha store (its meta table)."""
    target = display(url)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            return bool(conn.execute("SELECT count(*) FROM information_schema.tables "
                                     "WHERE table_schema = current_schema() AND table_name = 'meta'").fetchone()[0])
    except psycopg.OperationalError as exc:
        raise StoreError(t("errors.store.server_unreachable", url=target, reason=str(exc)), target) from exc


def read_schema_version(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 1
