"""Store queries composed with domain functions: the figures pages and the CLI both show."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_loaders.store import Store
from paicha.config import Settings
from paicha.overview import Overview, build_overview, previous_workday
from paicha.privacy import mask_frame
from paicha.progress import Policy, compute_progress
from paicha.scope import Scope
from paicha.vocab import key_group_labels, method_labels


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


def unreached_page(store: Store, scope: Scope, as_of: dt.date, village_code: str | None, which: str,
                   page: int, page_size: int, unmasked: bool) -> tuple[pd.DataFrame, int]:
    """One page of a drill-down list, masked unless the caller may unmask, with readable labels."""
    frame, total = store.unreached(scope, as_of, village_code, which, page_size, page * page_size)
    frame = mask_frame(frame, unmasked=unmasked)
    frame["key_groups"] = key_group_labels(frame)
    frame["methods"] = frame["methods"].map(method_labels)
    return frame.drop(columns=[c for c in frame.columns if c.startswith("kg_")]), total
