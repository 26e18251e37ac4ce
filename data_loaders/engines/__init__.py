"""The two engines a store runs on: an embedded DuckDB file, or a PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

from paicha.config import is_server_url


def is_server(target: Path | str) -> bool:
    """A store named by a postgresql:// address lives on a server; anything else is a file path."""
    return is_server_url(target)
