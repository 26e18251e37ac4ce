"""What every `paicha` sub-command shares: exit codes, argument types, JSON output, the store."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

from data_loaders.store import Store
from paicha.config import Settings
from paicha.scope import Scope

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments discovered after parsing (unknown town, date out of range)."""


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD: {text}") from exc


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


def open_store(args: argparse.Namespace, settings: Settings, must_exist: bool = True) -> Store:
    path = Path(args.db) if args.db else settings.db_path
    if must_exist and not path.exists():
        raise UsageError(f"数据库不存在: {path}（先运行 paicha demo 或 paicha import）")
    return Store(path)


def scope_of(args: argparse.Namespace, settings: Settings) -> Scope:
    town = getattr(args, "town", None)
    return Scope.town(settings.district_code, town) if town else Scope.district(settings.district_code)


def checked_scope(store: Store, args: argparse.Namespace, settings: Settings) -> Scope:
    """The scope named by --town, refusing a town the store does not know."""
    scope = scope_of(args, settings)
    if scope.town_code and store.towns(scope).empty:
        raise UsageError(f"未知的乡镇代码: {scope.town_code}")
    return scope


Handler = Callable[[argparse.Namespace, Settings], int]
