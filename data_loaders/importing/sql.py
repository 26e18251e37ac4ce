"""Lends a pandas frame to DuckDB under a name for the duration of a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd


@contextmanager
def registered(cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    # DuckDB 2 refuses register() while the cursor's previous result is unread (a caller's
    # ``execute(...).fetchone()``, e.g. Store.count); a finished statement clears it.
    cur.execute("SELECT 1").fetchall()
    cur.register(name, frame)
    try:
        yield
    finally:
        cur.unregister(name)
