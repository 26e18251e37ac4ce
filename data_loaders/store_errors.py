"""What can go wrong with the database file, each with its own Chinese message.

DuckDB reports file problems as English text inside a few exception types; :func:`classify`
reads that text once, here, so that a read-only file is never called "locked" and a full disk
never looks like bad data. Every error names the file, because an operator fixes files.
"""

from __future__ import annotations

import re
from pathlib import Path

from paicha.text import t

# duckdb is imported by the two functions that read its exceptions (it is loaded by then anyway):
# the error classes alone stay cheap to import for `paicha` commands that never open a store.

_PID = re.compile(r"PID (\d+)")
_HOLDER = re.compile(r"lock is held in (.+?) \(PID")


class StoreError(RuntimeError):
    """A store problem worth a clear message; ``str(exc)`` is the Chinese text to show."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None


class StoreMissingError(StoreError):
    """The database file is not at its path (never created, moved away or deleted)."""

    def __init__(self, path: Path | str, moved: bool = False) -> None:
        detail = t("errors.store.missing_moved" if moved else "errors.store.missing_never")
        super().__init__(t("errors.store.missing", path=path, detail=detail), path)


class StoreReplacedError(StoreError):
    """Another file now sits at the path of the one this process opened."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(t("errors.store.replaced", path=path), path)


class StoreLockedError(StoreError):
    """Another process holds the file; DuckDB lets one process open a database for writing."""

    def __init__(self, path: Path | str, pid: int | None, program: str = "") -> None:
        if not pid:
            holder = t("errors.store.holder_unknown")
        elif program:
            holder = t("errors.store.holder_program", pid=pid, program=Path(program).name)
        else:
            holder = t("errors.store.holder_pid", pid=pid)
        super().__init__(t("errors.store.locked", path=path, holder=holder), path)
        self.pid = pid


class StoreReadOnlyError(StoreError):
    """The file or its folder cannot be written: reading may work, writing cannot."""

    def __init__(self, path: Path | str, action: str = "") -> None:
        what = t("errors.store.read_only_action", action=action) if action else ""
        super().__init__(t("errors.store.read_only", action=what, path=path), path)


class StoreDiskFullError(StoreError):
    """The disk holding the database is full; the transaction was rolled back."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(t("errors.store.disk_full", path=path), path)


class StoreNotPaichaError(StoreError):
    """The file is not a paicha database, or not one whose kind (demo or real) is known."""


def not_a_database(path: Path | str, reason: str = "") -> StoreNotPaichaError:
    extra = t("errors.store.not_paicha_reason", reason=reason) if reason else ""
    return StoreNotPaichaError(t("errors.store.not_paicha", path=path, reason=extra), path)


def unmarked(path: Path | str) -> StoreNotPaichaError:
    return StoreNotPaichaError(t("errors.store.unmarked", path=path), path)


def classify(exc: BaseException, path: Path | str) -> StoreError:
    """The store error a DuckDB (or OS) exception stands for; a generic one if none fits."""
    import duckdb

    if isinstance(exc, StoreError):
        return exc
    text = str(exc)
    if "Conflicting lock" in text or "Could not set lock" in text:
        pid = _PID.search(text)
        holder = _HOLDER.search(text)
        return StoreLockedError(path, int(pid.group(1)) if pid else None,
                                holder.group(1) if holder else "")
    if "No space left on device" in text or "Disk full" in text or (isinstance(exc, OSError) and exc.errno == 28):
        return StoreDiskFullError(path)
    if ("Permission denied" in text or "Read-only file system" in text or "read-only mode" in text
            or isinstance(exc, PermissionError)):
        return StoreReadOnlyError(path)
    if "No such file or directory" in text or isinstance(exc, FileNotFoundError):
        return StoreMissingError(path)
    if isinstance(exc, duckdb.SerializationException) or "not a valid DuckDB database" in text:
        return not_a_database(path, t("errors.store.corrupt"))
    return StoreError(t("errors.store.failed", path=path, reason=text), path)


def is_file_problem(exc: BaseException) -> bool:
    """True for DuckDB errors about the file itself (I/O, permissions), not about the data."""
    import duckdb

    text = str(exc)
    return isinstance(exc, duckdb.IOException | duckdb.PermissionException | OSError) or any(
        marker in text for marker in ("No space left on device", "Permission denied", "read-only mode",
                                      "Read-only file system", "Could not write file", "Conflicting lock"))
