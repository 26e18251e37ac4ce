"""PostgreSQL backups and restores with pg_dump and pg_restore (data_loaders.backup uses them).

A backup is ``pg_dump --format=custom`` of the store's database, a restore ``pg_restore`` into a
database that holds no store yet. The row policies (engines.postgres) apply to the tables' owner too (FORCE),
so the tools need both halves of one combination: ``--enable-row-security`` (by default they set
row_security = off, and PostgreSQL then refuses to read a table whose policies would filter it)
and a connection whose paicha.town_prefix is '*' (with row security on but the setting unset, the
policies show no town's rows and the dump holds every scoped table empty, without an error).
Restoring needs neither: pg_restore loads the data before the post-data section turns the
policies back on.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql as pgsql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from data_loaders.engines.postgres import EVERY_ROW, NAME, display
from data_loaders.store_errors import StoreError
from paicha.text import t

# Where Debian and Ubuntu install each major version's client side by side.
CLIENT_DIRS = Path("/usr/lib/postgresql")
_TOOL_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
# A line of `pg_restore --list`: "217; 1259 16393 TABLE public divisions paicha".
_LIST_ENTRY = re.compile(r"^\d+;\s+\d+\s+\d+\s+(TABLE DATA|TABLE|SEQUENCE SET|SEQUENCE)\s+(\S+)\s+(\S+)")
_STDERR_LINES = 6  # the tail of a tool's messages quoted in an error


def _major(version: tuple[int, int]) -> tuple[int, ...]:
    """PostgreSQL's major version: 15 for 15.x, 9.6 for 9.6.x (before 10 a major had two parts)."""
    return (version[0],) if version[0] >= 10 else version


def _spelled(major: tuple[int, ...]) -> str:
    return ".".join(map(str, major))


def server_major(conn: psycopg.Connection) -> tuple[int, ...]:
    number = int(conn.execute("SHOW server_version_num").fetchone()[0])
    return _major((number // 10000, number // 100 % 100))


def _tool_major(tool: Path) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([str(tool), "--version"], capture_output=True, text=True, timeout=30,
                             stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = _TOOL_VERSION.search(out)
    return _major((int(found.group(1)), int(found.group(2) or 0))) if found else None


def _dir_major(name: str) -> tuple[int, ...] | None:
    parts = name.split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return _major((int(parts[0]), int(parts[1]) if len(parts) > 1 else 0))


def client_tool(name: str, server: tuple[int, ...]) -> Path:
    """``pg_dump`` or ``pg_restore`` for a server of major version ``server``.

    The one on PATH or in a /usr/lib/postgresql/<major>/bin whose major version is the server's;
    else the newest there is, which must not be older than the server (an older pg_dump refuses
    a newer server, an older pg_restore cannot read a newer dump). Debian's pg_wrapper on PATH
    is skipped: it only dispatches to those same folders.
    """
    found: list[tuple[tuple[int, ...], Path]] = []
    on_path = shutil.which(name)
    if on_path and not os.path.realpath(on_path).endswith("pg_wrapper"):
        major = _tool_major(Path(on_path))
        if major:
            found.append((major, Path(on_path)))
    for tool in CLIENT_DIRS.glob(f"*/bin/{name}"):
        major = _dir_major(tool.parent.parent.name)
        if major and os.access(tool, os.X_OK):
            found.append((major, tool))
    if not found:
        raise StoreError(t("errors.backup.no_client", tool=name, server=_spelled(server)))
    for major, tool in found:
        if major == server:
            return tool
    newest, tool = max(found, key=lambda item: item[0])
    if newest < server:
        raise StoreError(t("errors.backup.old_client", tool=tool, client=_spelled(newest),
                           server=_spelled(server)))
    return tool


def every_row_params(url: str) -> dict[str, str]:
    """The address's connection parameters with paicha.town_prefix = '*' added to its options
    (those of the address, else PGOPTIONS, as libpq would take them).
    """
    params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    options = params.get("options", os.environ.get("PGOPTIONS", ""))
    params["options"] = f"{options} -c paicha.town_prefix={EVERY_ROW}".strip()
    params.setdefault("application_name", "paicha backup")
    return params


def tool_connection(url: str) -> tuple[str, dict[str, str]]:
    """The ``--dbname`` connection string and the environment for pg_dump or pg_restore.

    The password goes into the environment (PGPASSWORD), never onto the command line, where
    every user of the machine could read it in the process list.
    """
    params = every_row_params(url)
    password = params.pop("password", None)
    env = dict(os.environ)
    env.pop("PGOPTIONS", None)  # in the connection string's options already
    if password:
        env["PGPASSWORD"] = password
    return make_conninfo(**params), env


def _run_tool(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True)


def tool_messages(done: subprocess.CompletedProcess) -> str:
    """The last lines a tool wrote to stderr (its own words: PostgreSQL's are not translated)."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return "\n".join(lines[-_STDERR_LINES:]) or f"exit status {done.returncode}"


@dataclass(frozen=True)
class DumpState:
    """What the dumped snapshot held, read in that very snapshot."""

    households: int
    is_demo: bool
    schema: str
    server: tuple[int, ...]


def dump(url: str, out: Path) -> DumpState:
    """``pg_dump --format=custom`` of the database at ``url`` into ``out``.

    The dump reads a snapshot this function exports from a REPEATABLE READ transaction, and the
    households are counted in the same one: the count is that of the dump, whatever commits
    meanwhile. MVCC keeps the snapshot: no write of the dashboard waits for it (pg_dump's
    ACCESS SHARE locks stop only schema changes such as a migration).
    """
    target = display(url)
    try:
        conn = psycopg.connect(**every_row_params(url))
    except psycopg.OperationalError as exc:
        raise StoreError(t("errors.store.server_unreachable", url=target, reason=str(exc)), target) from exc
    with conn:
        # Set before the first statement, which opens the transaction whose snapshot is dumped.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot, schema = conn.execute("SELECT pg_export_snapshot(), current_schema()").fetchone()
        server = server_major(conn)
        tool = client_tool("pg_dump", server)
        households = conn.execute("SELECT count(*) FROM households").fetchone()[0]
        demo = conn.execute("SELECT value FROM meta WHERE key = 'is_demo'").fetchone()
        dbname, env = tool_connection(url)
        done = _run_tool([str(tool), "--format=custom", "--enable-row-security", f"--snapshot={snapshot}",
                          "--no-password", f"--file={out}", f"--dbname={dbname}"], env)
        conn.rollback()
    if done.returncode:
        raise StoreError(t("errors.backup.dump_failed", db=target, reason=tool_messages(done)), target)
    return DumpState(int(households), bool(demo) and demo[0] == "true", schema, server)


def archive_tables(path: Path, server: tuple[int, ...]) -> dict[str, set[str]]:
    """Per kind of entry (TABLE, TABLE DATA, ...), the schema-qualified names a dump holds.

    Reads only the dump's table of contents (``pg_restore --list``); a file that is not a
    custom-format dump is refused in its own words.
    """
    done = _run_tool([str(client_tool("pg_restore", server)), "--list", str(path)])
    if done.returncode:
        raise StoreError(t("errors.backup.not_a_dump", path=path, reason=tool_messages(done)), path)
    entries: dict[str, set[str]] = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        found = _LIST_ENTRY.match(line)
        if found:
            entries.setdefault(found.group(1), set()).add(f"{found.group(2)}.{found.group(3)}")
    return entries


def _unescaped(field: str) -> str | None:
    """A field of COPY's text format."""
    if field == r"\N":
        return None
    escapes = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\", "b": "\b", "f": "\f", "v": "\v"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), field)


def archive_meta(path: Path, schema: str, server: tuple[int, ...]) -> dict[str, str | None]:
    """The rows of the meta table in a dump, read from the dump alone (its marker, its schema)."""
    done = _run_tool([str(client_tool("pg_restore", server)), "--data-only", f"--schema={schema}",
                      "--table=meta", "--file=-", str(path)])
    if done.returncode:
        raise StoreError(t("errors.backup.not_a_dump", path=path, reason=tool_messages(done)), path)
    rows: dict[str, str | None] = {}
    inside = False
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("COPY "):
            inside = True
        elif line == "\\.":
            inside = False
        elif inside:
            key, _, value = line.partition("\t")
            rows[_unescaped(key) or ""] = _unescaped(value)
    return rows


@dataclass(frozen=True)
class TargetState:
    server: tuple[int, ...]
    schema: str
    tables: frozenset[str]  # the tables already in that schema


def target_state(url: str) -> TargetState:
    """The server version, the schema a restore would fill and the tables already in it."""
    target = display(url)
    try:
        with psycopg.connect(**every_row_params(url), autocommit=True) as conn:
            server = server_major(conn)
            schema = conn.execute("SELECT current_schema()").fetchone()[0]
            tables = {r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    except psycopg.OperationalError as exc:
        raise StoreError(t("errors.store.server_unreachable", url=target, reason=str(exc)), target) from exc
    if schema is None:  # no schema of the search path exists
        raise StoreError(t("errors.backup.no_schema", db=target), target)
    return TargetState(server, schema, frozenset(tables))


def restore_archive(path: Path, url: str, server: tuple[int, ...], tables: Sequence[str]) -> None:
    """``pg_restore`` of a dump into the database at ``url``, all of it or (on any error) nothing.

    Without owners and privileges: the restoring role owns what it restores, as the role that
    ran ``paicha db init`` owns a new store, and a role named in the dump's grants need not
    exist on this server.
    """
    target = display(url)
    dbname, env = tool_connection(url)
    done = _run_tool([str(client_tool("pg_restore", server)), "--no-owner", "--no-privileges",
                      "--exit-on-error", "--single-transaction", "--no-password",
                      f"--dbname={dbname}", str(path)], env)
    if done.returncode:
        raise StoreError(t("errors.backup.restore_failed", db=target, path=path,
                           reason=tool_messages(done)), target)
    # The planner's statistics are not part of a dump: ``tables`` are analysed as after an import
    # (only they: a plain ANALYZE would also visit, and warn about, the server's shared catalogs).
    with psycopg.connect(**every_row_params(url), autocommit=True) as conn:
        conn.execute(pgsql.SQL("ANALYZE {}").format(pgsql.SQL(", ").join(map(pgsql.Identifier, tables))))


def database_name(url: str) -> str:
    """The database an address names, as a file name may spell it (a backup's)."""
    params = conninfo_to_dict(url)
    name = str(params.get("dbname") or params.get("user") or NAME)
    return re.sub(r"[^\w.-]+", "_", name).strip(".") or NAME
