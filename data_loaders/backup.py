"""Consistent backups of a store through the engine, and restores that check before replacing.

A backup is ``ATTACH`` a new file and ``COPY FROM DATABASE`` into it. The copy runs in one
transaction of the process that holds the store, so it is a consistent snapshot even while
the dashboard serves pages and imports (a file copy of a live DuckDB file is not, and DuckDB
lets only that one process open the file anyway), and the result is an ordinary paicha store
with its sequences, keys and demo/real marker, which ``paicha restore`` and ``Store()`` open
like any other. ``EXPORT DATABASE`` would write a folder of CSV files instead, whose restore
re-creates the schema from text.

A store on PostgreSQL is backed up with ``pg_dump --format=custom``, whose snapshot (the
server's MVCC) is consistent while the dashboards keep reading and writing, and restored with
``pg_restore`` into a database that holds no store yet, in one transaction: a live store is
never dropped from under the dashboards using it (``engines.postgres`` runs the tools).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data_loaders.engines import is_server
from data_loaders.store import DERIVED_TABLES, SCHEMA_VERSION, STORE_TABLES, Store, forget
from data_loaders.store_errors import (
    StoreError,
    StoreLockedError,
    classify,
    not_a_database,
    unmarked,
)
from paicha.text import joined, t


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    bytes: int
    households: int
    is_demo: bool


@dataclass(frozen=True)
class RestoreInfo:
    path: Path | str  # a file, or the postgresql:// address restored into
    previous: Path | None  # the replaced store, kept as a timestamped .bak
    households: int
    is_demo: bool


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _partial(out: Path) -> Path:
    return out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")


# Why a backup's folder cannot be made or written, for the errors an operator meets.
_FOLDER_REASONS = {errno.ENOTDIR: "errors.backup.folder_is_a_file", errno.EEXIST: "errors.backup.folder_is_a_file",
                   errno.EACCES: "errors.backup.folder_no_permission", errno.EPERM: "errors.backup.folder_no_permission",
                   errno.EROFS: "errors.backup.folder_read_only", errno.ENOSPC: "errors.backup.folder_disk_full"}


def _make_folder(out: Path) -> None:
    """The backup's folder, made when missing; one that cannot be made or written is refused
    with its reason, before any tool runs.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(out.parent, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(out.parent))
    except OSError as exc:
        key = _FOLDER_REASONS.get(exc.errno or 0)
        reason = t(key) if key else exc.strerror or str(exc)
        raise StoreError(t("errors.backup.folder", folder=out.parent, reason=reason), out) from exc


def backup(store: Store, out: Path | str) -> BackupInfo:
    """Write a consistent copy of ``store`` to ``out`` (which must not exist yet).

    Written beside ``out`` first and renamed when complete, so ``out`` is never half a backup.
    Works on a read-only store too: it only reads it. A store on PostgreSQL is written as a
    pg_dump archive (:func:`_backup_server`).
    """
    out = Path(out)
    if out.exists():
        raise StoreError(t("errors.backup.exists", path=out), out)
    _make_folder(out)
    if store.server:
        return _backup_server(store, out)
    partial = _partial(out)
    alias = f"paicha_backup_{uuid.uuid4().hex[:12]}"
    store.check_file()
    cur = store.cursor()
    try:
        # READ_WRITE spelled out: a store opened read-only would attach read-only by default.
        cur.execute(f"ATTACH {_quoted(partial)} AS {alias} (READ_WRITE)")
        try:
            source = cur.execute("SELECT current_database()").fetchall()[0][0]
            cur.execute(f'COPY FROM DATABASE "{source}" TO {alias}')
        finally:
            cur.execute(f"DETACH {alias}")  # detaching checkpoints: the file is complete
        _fsync(partial)
        os.replace(partial, out)
    except duckdb.Error as exc:
        raise classify(exc, out) from exc
    finally:
        for leftover in (partial, Path(f"{partial}.wal")):
            leftover.unlink(missing_ok=True)
    checked = _validated(out)
    return BackupInfo(out, out.stat().st_size, checked[0], checked[1])


def _backup_server(store: Store, out: Path) -> BackupInfo:
    """``pg_dump --format=custom`` of the store's database, every row of it, into ``out``.

    The archive's table of contents is read back (``pg_restore --list``) before it gets its
    name: the meta table and every store table, each with its data. The households are counted
    in the snapshot that was dumped.
    """
    from data_loaders.engines import pg_backup

    partial = _partial(out)
    try:
        state = pg_backup.dump(str(store.path), partial)
        entries = pg_backup.archive_tables(partial, state.server)
        missing = sorted(name for name in STORE_TABLES if not all(
            f"{state.schema}.{name}" in entries.get(kind, ()) for kind in ("TABLE", "TABLE DATA")))
        if missing:
            raise StoreError(t("errors.backup.dump_incomplete", tables=joined(missing), path=out), out)
        _fsync(partial)
        os.replace(partial, out)
    except OSError as exc:
        raise classify(exc, out) from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(out, out.stat().st_size, state.households, state.is_demo)


def _validated(path: Path) -> tuple[int, bool]:
    """(households, is_demo) of a paicha store file, opened privately; refuse anything else."""
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise classify(exc, path) from exc
    try:
        tables = {row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
        if "meta" not in tables:
            raise not_a_database(path, t("errors.store.no_meta"))
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("is_demo") not in ("true", "false"):
            raise unmarked(path)
        # Derived tables a backup from an earlier version lacks are rebuilt when the store opens.
        missing = sorted(STORE_TABLES - DERIVED_TABLES - tables)
        if missing:
            raise not_a_database(path, t("errors.backup.missing_tables", tables=joined(missing)))
        version = meta.get("schema_version") or "1"
        # An older backup is restored as it is: Store() upgrades it when it is next opened.
        if not version.isdigit() or not 1 <= int(version) <= SCHEMA_VERSION:
            raise StoreError(t("errors.backup.schema", path=path, version=meta.get("schema_version"),
                               supported=SCHEMA_VERSION), path)
        households = int(con.execute("SELECT count(*) FROM households").fetchall()[0][0])
        con.execute("CHECKPOINT")
        return households, meta["is_demo"] == "true"
    except duckdb.Error as exc:
        raise not_a_database(path, str(exc)) from exc
    finally:
        con.close()


def _target_state(target: Path) -> bool | None:
    """Whether the store being replaced is a demo (None when it is absent or unreadable).

    Opening it for writing is also the lock test: a running dashboard refuses the restore,
    naming its PID. Closing it folds its log into the file, so the kept .bak is complete.
    """
    if not target.exists():
        return None
    try:
        con = duckdb.connect(str(target))
    except duckdb.Error as exc:
        error = classify(exc, target)
        if isinstance(error, StoreLockedError):
            raise error from exc
        return None  # a damaged store is exactly what a restore is for; it is kept as .bak
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = 'is_demo'").fetchall()
        con.execute("CHECKPOINT")
    except duckdb.Error:
        return None
    finally:
        con.close()
    return {"true": True, "false": False}.get(rows[0][0]) if rows else None


def restore(source: Path | str, target: Path | str) -> RestoreInfo:
    """Replace the store at ``target`` with the backup ``source``, after checking the backup.

    The backup is copied beside the target and checked there (marker, schema); only then is the
    target replaced with one ``os.replace``, so at every moment ``target`` is either the old
    store or the restored one. The old store is kept as ``<name>.<timestamp>.bak``. A demo
    backup never replaces a real store. A ``postgresql://`` target is restored into, never
    replaced (:func:`_restore_server`).
    """
    if is_server(target):
        return _restore_server(Path(source), str(target))
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise StoreError(t("errors.backup.missing", path=source), source)
    forget(target)  # this process's own connection, if any, would hold the old file
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staged = target.with_name(f".{target.name}.restore-{stamp}")
    try:
        shutil.copyfile(source, staged)
        if Path(f"{source}.wal").exists():
            shutil.copyfile(f"{source}.wal", f"{staged}.wal")
        households, is_demo = _validated(staged)
        target_is_demo = _target_state(target)
        if is_demo and target_is_demo is False:
            raise StoreError(t("errors.backup.demo_over_real", source=source, target=target), target)
        _fsync(staged)
        previous = None
        if target.exists():
            previous = target.with_name(f"{target.name}.{stamp}.bak")
            try:
                os.link(target, previous)  # the old store stays reachable under its .bak name
            except OSError:
                shutil.copy2(target, previous)
        os.replace(staged, target)
        stale_log = Path(f"{target}.wal")
        if stale_log.exists() and previous is not None:
            os.replace(stale_log, f"{previous}.wal")
    finally:
        for leftover in (staged, Path(f"{staged}.wal")):
            leftover.unlink(missing_ok=True)
    return RestoreInfo(target, previous, households, is_demo)


def _restore_server(source: Path, url: str) -> RestoreInfo:
    """Restore a pg_dump archive into the database at ``url``, which must hold no store yet.

    A database with a store is refused, not emptied: dashboards may be using it, and a backup
    is put back by restoring it into a new database and pointing ``store.db`` there. The
    archive is checked first from its own contents (the tables, the meta table's marker and
    schema version), then restored in one transaction, so a damaged or truncated archive leaves
    the database as empty as it was; what was restored must then open as a store. A demo
    archive is allowed: an empty database has no real store to protect.
    """
    from data_loaders.engines import pg_backup, postgres

    db = postgres.display(url)
    if not source.is_file():
        raise StoreError(t("errors.backup.missing", path=source), source)
    with source.open("rb") as file:
        head = file.read(16)
    if head[8:12] == b"DUCK":  # a DuckDB file's magic bytes
        raise StoreError(t("errors.backup.duckdb_into_server", path=source, db=db), source)
    state = pg_backup.target_state(url)
    present = sorted(state.tables & STORE_TABLES, key=lambda name: (name != "meta", name))
    if present:
        named = joined(present) if len(present) <= 3 else t(
            "errors.backup.tables_some", tables=joined(present[:3]), n=len(present))
        raise StoreError(t("errors.backup.target_has_store", db=db, tables=named), db)
    entries = pg_backup.archive_tables(source, state.server)
    tables = {name.split(".", 1)[1] for name in entries.get("TABLE", ())
              if name.split(".", 1)[0] == state.schema}
    if "meta" not in tables:
        raise not_a_database(source, t("errors.store.no_meta"))
    # Derived tables an archive from an earlier version lacks are rebuilt when the store opens.
    missing = sorted(STORE_TABLES - DERIVED_TABLES - tables)
    if missing:
        raise not_a_database(source, t("errors.backup.missing_tables", tables=joined(missing)))
    meta = pg_backup.archive_meta(source, state.schema, state.server)
    if meta.get("is_demo") not in ("true", "false"):
        raise unmarked(source)
    version = meta.get("schema_version") or "1"
    if not version.isdigit() or not 1 <= int(version) <= SCHEMA_VERSION:
        raise StoreError(t("errors.backup.schema", path=source, version=meta.get("schema_version"),
                           supported=SCHEMA_VERSION), source)
    pg_backup.restore_archive(source, url, state.server, sorted(tables))
    # Read-only: opened to check, not upgraded (an older schema is, when the store is next opened).
    try:
        store = Store(url, read_only=True)
    except StoreError as exc:
        raise StoreError(t("errors.backup.restored_unusable", path=source, db=db, reason=exc), db) from exc
    try:
        if store.schema_version() > SCHEMA_VERSION:
            raise StoreError(t("errors.backup.restored_unusable", path=source, db=db, reason=t(
                "errors.store.newer_schema", path=db, version=store.schema_version(),
                supported=SCHEMA_VERSION)), db)
        households, is_demo = store.count("households"), store.is_demo()
    finally:
        store._engine.forget()  # this process has no use for the restored store's pool
    return RestoreInfo(url, None, households, is_demo)
