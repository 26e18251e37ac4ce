"""Assembles the leaders' one-screen overview from progress figures: totals, changes, lights."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from paicha.calendar import last_workdays
from paicha.progress import (
    DeadlineState,
    Policy,
    compute_progress,
    cumulative_curve,
    deadlines,
    span_shortfall,
    town_lights,
    villages_behind,
)


@dataclass(frozen=True)
class Overview:
    """Everything the overview page draws, as plain data."""

    as_of: dt.date
    previous_day: dt.date
    district: pd.Series
    previous: pd.Series | None
    deadlines: list[DeadlineState]
    towns: pd.DataFrame
    lights: pd.DataFrame
    villages: pd.DataFrame
    curve: pd.DataFrame
    behind: pd.DataFrame
    short_span: pd.DataFrame
    latest_start: dt.date


def previous_workday(as_of: dt.date) -> dt.date:
    """The working day before ``as_of``: "what changed" compares against it."""
    return last_workdays(as_of - dt.timedelta(days=1), 1)[0]


def build_overview(
    facts: pd.DataFrame,
    daily: pd.DataFrame,
    previous_facts: pd.DataFrame,
    previous_daily: pd.DataFrame,
    milestones: pd.DataFrame,
    policy: Policy,
    as_of: dt.date,
    district: tuple[str, str],
) -> Overview:
    """Combine one day's and the previous working day's counts into the overview."""
    prev_day = previous_workday(as_of)
    total = compute_progress(facts, daily, policy, as_of, "district", district)
    prev = compute_progress(previous_facts, previous_daily, policy, prev_day, "district", district)
    towns = compute_progress(facts, daily, policy, as_of, "town", district)
    villages = compute_progress(facts, daily, policy, as_of, "village", district)
    households = int(total["households"].sum()) if not total.empty else 0
    return Overview(
        as_of=as_of,
        previous_day=prev_day,
        district=total.iloc[0] if not total.empty else pd.Series(dtype=object),
        previous=prev.iloc[0] if not prev.empty else None,
        deadlines=deadlines(policy, as_of),
        towns=towns,
        lights=town_lights(milestones, towns, policy, as_of),
        villages=villages,
        curve=cumulative_curve(daily, households, policy, as_of),
        behind=villages_behind(villages, 5),
        short_span=span_shortfall(villages, policy, as_of),
        latest_start=policy.latest_village_start,
    )
