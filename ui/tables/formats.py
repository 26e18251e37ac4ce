"""How a value reads in a display cell: short dates, timestamps, percentages and intervals."""

from __future__ import annotations

import datetime as dt

import pandas as pd

MISSING = "—"


def date_text(value: object) -> str:
    """A date as 09-12 (the campaign lies in one year); empty when missing."""
    # pd.NaT passes isinstance(date) but cannot format: test for missing first.
    if value is None or pd.isna(value):
        return ""
    return value.strftime("%m-%d") if isinstance(value, dt.date) else ""


def when_text(value: object) -> str:
    """A moment as 2024-09-12 14:05; empty when missing."""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M") if value is not None and not pd.isna(value) else ""


def pct_text(value: float | None) -> str:
    """A share as 12.5%; a dash when there is none."""
    return MISSING if value is None or pd.isna(value) else f"{100 * value:.1f}%"


def interval_text(low: float | None, high: float | None) -> str:
    """An interval of shares as 3.1–25.0%; a dash when there is none."""
    if low is None or pd.isna(low):
        return MISSING
    return f"{100 * low:.1f}–{100 * high:.1f}%"
