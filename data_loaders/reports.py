"""Store queries composed with domain functions: the figures pages and the CLI both show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data_loaders import progress as progress_sql
from data_loaders.store import Store
from paicha.changes import changes_since, stacked, with_changes
from paicha.config import Settings
from paicha.overview import Overview, build_overview, previous_workday
from paicha.privacy import mask_name
from paicha.progress import Policy, compute_progress
from paicha.reasons import explain
from paicha.scope import Scope
from paicha.screeners import screener_matrix, screener_summary, village_dependence
from paicha.villages import VillageReport, build_village_report


def policy_of(settings: Settings) -> Policy:
    return Policy(settings.campaign, settings.thresholds)


def _daily(store: Store, scope: Scope, as_of: dt.date, since: dt.date | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First screenings per village and day as of both dates, from one query (the later date's)."""
    last = max(as_of, since or as_of)
    daily = store.daily_first_screenings(scope, last)
    return daily[daily["day"] <= as_of], daily[daily["day"] <= (since or as_of)]


def progress_table(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                   level: str, since: dt.date | None = None) -> pd.DataFrame:
    """Progress per unit at a level, confined to the scope.

    Villages carry their reasons (``paicha.reasons.explain``: ``reasons``, ``why`` and the
    columns they rest on); with ``since``, every unit carries its changes since that date
    (``paicha.changes.with_changes``).
    """
    daily, daily_since = _daily(store, scope, as_of, since)
    district = (settings.district_code, settings.district_name)
    policy = policy_of(settings)
    table = compute_progress(store.village_facts(scope, as_of), daily, policy, as_of, level, district)
    if level == "village":
        table = explain(table, progress_sql.village_activity(store, scope, as_of),
                        progress_sql.key_methods(store, scope, as_of), policy, settings.reasons, as_of)
    if since is not None:
        before = compute_progress(store.village_facts(scope, since), daily_since, policy, since, level, district)
        table = with_changes(table, before)
    return table


def overview(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
             since: dt.date | None = None) -> Overview:
    """The leaders' overview for a scope and date, with changes since ``since`` (by default the
    previous working day).
    """
    since = previous_workday(as_of) if since is None else since
    daily, daily_since = _daily(store, scope, as_of, since)
    return build_overview(
        store.village_facts(scope, as_of), daily, store.village_facts(scope, since), daily_since,
        store.milestones(scope), policy_of(settings), as_of,
        (settings.district_code, settings.district_name), since,
    )


def village_report(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                   since: dt.date) -> VillageReport:
    """The 村级进度 report of a scope (one town, or the district): villages with reasons and
    changes since ``since``, and the days with records for the timeline and the heatmap.
    """
    daily, daily_since = _daily(store, scope, as_of, since)
    return build_village_report(
        store.village_facts(scope, as_of), daily, store.village_facts(scope, since), daily_since,
        progress_sql.village_activity(store, scope, as_of), progress_sql.key_methods(store, scope, as_of),
        policy_of(settings), settings.reasons, as_of, since,
        total_level="town" if scope.town_code else "district",
        district=(settings.district_code, settings.district_name),
    )


@dataclass(frozen=True)
class ScreenerReport:
    """Who screens in a scope as of a date: one row per screener, the screener × village
    matrix, and each village's dependence on its busiest screener.
    """

    summary: pd.DataFrame
    matrix: pd.DataFrame
    dependence: pd.DataFrame
    limit: int


def screener_report(store: Store, settings: Settings, scope: Scope, as_of: dt.date) -> ScreenerReport:
    """Screeners' figures from one query (per screener, village and day, up to ``as_of``)."""
    limit = settings.thresholds.max_home_visits_per_day
    days = progress_sql.screener_days(store, scope, as_of, limit)
    return ScreenerReport(screener_summary(days), screener_matrix(days),
                          village_dependence(days, settings.reasons.single_screener_share), limit)


def screener_table(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                   since: dt.date | None = None, unmasked: bool = False) -> pd.DataFrame:
    """One row per screener (names masked unless ``unmasked``); with ``since``, the records and
    home visits added since that date.
    """
    limit = settings.thresholds.max_home_visits_per_day
    table = screener_summary(progress_sql.screener_days(store, scope, as_of, limit))
    if since is not None:
        before = screener_summary(progress_sql.screener_days(store, scope, since, limit))
        then = before.set_index("screener")[["records", "home_visits"]]
        table["records_delta"] = table["records"] - table["screener"].map(then["records"]).fillna(0).astype(int)
        table["home_visits_delta"] = (table["home_visits"]
                                      - table["screener"].map(then["home_visits"]).fillna(0).astype(int))
    if not unmasked:
        table["screener"] = table["screener"].map(mask_name)
    return table


def changes(store: Store, settings: Settings, scope: Scope, as_of: dt.date, since: dt.date) -> pd.DataFrame:
    """Every town and village of the scope: counts added since ``since`` and the status then and now."""
    daily, daily_since = _daily(store, scope, as_of, since)
    facts, facts_since = store.village_facts(scope, as_of), store.village_facts(scope, since)
    policy, district = policy_of(settings), (settings.district_code, settings.district_name)
    return stacked([changes_since(compute_progress(facts, daily, policy, as_of, level, district),
                                  compute_progress(facts_since, daily_since, policy, since, level, district))
                    for level in ("town", "village")])
