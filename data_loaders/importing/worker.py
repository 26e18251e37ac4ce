"""Reads uploaded files in a worker process, so that a big roster does not hold the server.

Why a process and not a thread: reading is calamine (which holds the GIL while it builds Python
cells) and cell-by-cell Python, so a thread would stall every other session as much as running
inline. Why only reading here: the store is a DuckDB file the server holds read-write, and DuckDB
lets no other process open it meanwhile, not even read-only. So the worker does the part that
needs no store (sizes, formats, headers, every cell of every sheet read and typed: the bulk of
the time) and returns the typed tables, pickled; the server then resolves names and checks the
rules against its own connection and counts in SQL, and only the apply writes, in one
transaction (``import_files(..., prepared=...)``).
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import types
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from data_loaders.importing.service import Prepared, prepare
from data_loaders.importing.spec import ImportKind
from paicha.config import Settings

_LOCK = threading.Lock()
_POOL: ProcessPoolExecutor | None = None


def _pool() -> ProcessPoolExecutor:
    """One worker for the server, started on first use ('spawn': no forked DuckDB or Streamlit
    threads in the child); imports queue behind each other rather than share two cores.
    """
    global _POOL
    with _LOCK:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _POOL


@contextmanager
def _plain_main() -> Iterator[None]:
    """A bare ``__main__`` while the worker is spawned: 'spawn' re-runs the parent's main module in
    the child, and under Streamlit that is the page script (app.py), which must not run there.
    """
    original = sys.modules.get("__main__")
    plain = types.ModuleType("__main__")
    sys.modules["__main__"] = plain
    try:
        yield
    finally:
        if sys.modules.get("__main__") is plain and original is not None:
            sys.modules["__main__"] = original


def start_reading(files: list[tuple[str, bytes]], settings: Settings, kind: ImportKind | None) -> Future:
    """Read ``files`` in the worker; the future's result is a :class:`Prepared` for import_files."""
    pool = _pool()
    # The pool starts its process on a submit (the first, or after the worker died).
    with _LOCK, _plain_main():
        return pool.submit(prepare, files, settings, kind)


def read_in_worker(files: list[tuple[str, bytes]], settings: Settings, kind: ImportKind | None) -> Prepared:
    """:func:`start_reading` and wait for it (the CLI and benchmarks)."""
    return start_reading(files, settings, kind).result()


def shutdown() -> None:
    """Stop the worker (tests, and a server shutting down)."""
    global _POOL
    with _LOCK:
        if _POOL is not None:
            _POOL.shutdown(wait=True, cancel_futures=True)
            _POOL = None
