"""What every `paicha` sub-command shares: exit codes, argument types, JSON output, the store."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from paicha.calendar import CalendarRangeError, check_covered
from paicha.config import Settings, is_server_url
from paicha.scope import Scope
from paicha.text import t

if TYPE_CHECKING:  # the store loads DuckDB and pandas: imported when a command opens one
    from data_loaders.store import Store

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments discovered after parsing (unknown town, date out of range)."""


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("cli.bad_date", text=text)) from exc


def parse_as_of(text: str) -> dt.date:
    """An as-of date the working-day calendar covers; any other is a usage error (exit 2)."""
    day = parse_date(text)
    try:
        return check_covered(day)
    except CalendarRangeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(type(value).__name__)


def json_rows(frame) -> list[dict]:
    """A frame's rows for JSON: missing values (NaN, NaT, None) become null."""
    import pandas as pd

    rows = frame.to_dict(orient="records")
    return [{k: None if not isinstance(v, str | list | dict) and pd.isna(v) else v for k, v in row.items()}
            for row in rows]


def emit(payload: object) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, default=_json_default, indent=2)
    sys.stdout.write("\n")


def db_path(args: argparse.Namespace, settings: Settings) -> Path | str:
    """The store's file, or its server's postgresql:// address."""
    given = getattr(args, "db", None)
    if not given:
        return settings.db_path
    return given if is_server_url(given) else Path(given)


def open_store(args: argparse.Namespace, settings: Settings, read_only: bool | None = None) -> Store:
    """The existing store named by --db (or the configuration); never creates one."""
    from data_loaders.store import Store, store_exists

    path = db_path(args, settings)
    if not store_exists(path):
        raise UsageError(t("cli.no_db", path=path))
    return Store(path, read_only, memory_limit=settings.store_memory_limit)


def scope_of(args: argparse.Namespace, settings: Settings) -> Scope:
    town = getattr(args, "town", None)
    return Scope.town(settings.district_code, town) if town else Scope.district(settings.district_code)


def checked_scope(store: Store, args: argparse.Namespace, settings: Settings) -> Scope:
    """The scope named by --town, refusing a town the store does not know."""
    scope = scope_of(args, settings)
    if scope.town_code and store.towns(scope).empty:
        raise UsageError(t("cli.unknown_town", town=scope.town_code))
    return scope


Handler = Callable[[argparse.Namespace, Settings], int]
