"""The two engines a store runs on: an embedded DuckDB file, or a PostgreSQL server."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

from paicha.config import is_server_url


def is_server(target: Path | str) -> bool:
    """A store named by a postgresql:// address lives on a server; anything else is a file path."""
    return is_server_url(target)


class Cursor(Protocol):
    """What the store's code asks of a cursor, on either engine: DuckDB's own cursor protocol,
    which the PostgreSQL engine's cursor speaks too.
    """

    def execute(self, sql: str, params: Sequence | dict | None = None) -> Cursor: ...
    def fetchall(self) -> list[tuple]: ...
    def fetchone(self) -> tuple | None: ...
    def df(self) -> pd.DataFrame: ...
    def register(self, name: str, frame: pd.DataFrame) -> object: ...
    def unregister(self, name: str) -> object: ...
