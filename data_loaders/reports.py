"""Store queries composed with domain functions: the figures pages and the CLI both show."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_loaders.store import Store
from paicha.config import Settings
from paicha.overview import Overview, build_overview, previous_workday
from paicha.progress import Policy, compute_progress
from paicha.scope import Scope


def policy_of(settings: Settings) -> Policy:
    return Policy(settings.campaign, settings.thresholds)


def progress_table(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                   level: str) -> pd.DataFrame:
    """Progress per unit at a level, confined to the scope."""
    facts = store.village_facts(scope, as_of)
    daily = store.daily_first_screenings(scope, as_of)
    district = (settings.district_code, settings.district_name)
    return compute_progress(facts, daily, policy_of(settings), as_of, level, district)


def overview(store: Store, settings: Settings, scope: Scope, as_of: dt.date) -> Overview:
    """The leaders' overview for a scope and date, with the previous working day for changes."""
    prev = previous_workday(as_of)
    return build_overview(
        store.village_facts(scope, as_of), store.daily_first_screenings(scope, as_of),
        store.village_facts(scope, prev), store.daily_first_screenings(scope, prev),
        store.milestones(scope), policy_of(settings), as_of,
        (settings.district_code, settings.district_name),
    )
