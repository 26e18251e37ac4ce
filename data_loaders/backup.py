"""Consistent backups of a store through the engine, and restores that check before replacing.

A backup is ``ATTACH`` a new file and ``COPY FROM DATABASE`` into it. The copy runs in one
transaction of the process that holds the store, so it is a consistent snapshot even while
the dashboard serves pages and imports (a file copy of a live DuckDB file is not, and DuckDB
lets only that one process open the file anyway), and the result is an ordinary paicha store
with its sequences, keys and demo/real marker, which ``paicha restore`` and ``Store()`` open
like any other. ``EXPORT DATABASE`` would write a folder of CSV files instead, whose restore
re-creates the schema from text.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data_loaders.store import SCHEMA_VERSION, STORE_TABLES, Store, forget
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
    path: Path
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


def backup(store: Store, out: Path | str) -> BackupInfo:
    """Write a consistent copy of ``store`` to ``out`` (which must not exist yet).

    Written beside ``out`` first and renamed when complete, so ``out`` is never half a backup.
    Works on a read-only store too: it only reads it.
    """
    out = Path(out)
    if out.exists():
        raise StoreError(t("errors.backup.exists", path=out), out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
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
        missing = sorted(STORE_TABLES - tables)
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
    backup never replaces a real store.
    """
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
