"""Assembles the leaders' one-screen overview from progress figures: totals, changes, lights."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from paicha.calendar import last_workdays
from paicha.changes import changes_since, light_changes, stacked
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
    """Everything the overview page draws, as plain data.

    ``previous`` is the district's row as of ``since`` (the comparison date); ``changes`` holds
    one row per town and village (``paicha.changes.changes_since``), ``light_changes`` one per
    town light that differs between the two dates.
    """

    as_of: dt.date
    since: dt.date
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
    changes: pd.DataFrame
    light_changes: pd.DataFrame


def previous_workday(as_of: dt.date) -> dt.date:
    """The working day before ``as_of``: the comparison date until someone picks another."""
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
    since: dt.date | None = None,
) -> Overview:
    """Combine one day's counts and the comparison day's (``since``, by default the previous
    working day) into the overview; ``previous_*`` are the store's counts as of ``since``.
    """
    since = previous_workday(as_of) if since is None else since
    total = compute_progress(facts, daily, policy, as_of, "district", district)
    prev = compute_progress(previous_facts, previous_daily, policy, since, "district", district)
    towns = compute_progress(facts, daily, policy, as_of, "town", district)
    towns_before = compute_progress(previous_facts, previous_daily, policy, since, "town", district)
    villages = compute_progress(facts, daily, policy, as_of, "village", district)
    villages_before = compute_progress(previous_facts, previous_daily, policy, since, "village", district)
    lights = town_lights(milestones, towns, policy, as_of)
    households = int(total["households"].sum()) if not total.empty else 0
    return Overview(
        as_of=as_of,
        since=since,
        district=total.iloc[0] if not total.empty else pd.Series(dtype=object),
        previous=prev.iloc[0] if not prev.empty else None,
        deadlines=deadlines(policy, as_of),
        towns=towns,
        lights=lights,
        villages=villages,
        curve=cumulative_curve(daily, households, policy, as_of),
        behind=villages_behind(villages, 5),
        short_span=span_shortfall(villages, policy, as_of),
        latest_start=policy.latest_village_start,
        changes=stacked([changes_since(towns, towns_before), changes_since(villages, villages_before)]),
        light_changes=light_changes(lights, town_lights(milestones, towns_before, policy, since)),
    )
