"""The 村级进度 report of one scope: every village's figures, why it is behind, what changed since.

Assembled, like the overview, from small frames the store counts: per-village facts and daily
first screenings as of the as-of date and as of the comparison date, the days with records, and
the key households' screening methods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from paicha.changes import with_changes
from paicha.config import Reasons
from paicha.progress import Policy, compute_progress, possible_spans
from paicha.reasons import explain
from paicha.vocab import Status

# Worst first: what needs a supervisor's call today at the top.
SEVERITY = {Status.severely_lagging.value: 0, Status.not_started.value: 1, Status.lagging.value: 2,
            Status.on_track.value: 3, Status.done.value: 4}


@dataclass(frozen=True)
class VillageReport:
    """Everything the 村级进度 page draws for one scope, as plain data.

    ``villages`` holds the progress columns (``paicha.progress.PROGRESS_COLUMNS``), the reasons'
    columns (``paicha.reasons.explain``) and the change columns (``paicha.changes.with_changes``),
    worst first. ``total`` and ``total_since`` are the scope's own row on the two dates.
    """

    as_of: dt.date
    since: dt.date
    total: pd.Series
    total_since: pd.Series
    villages: pd.DataFrame
    activity: pd.DataFrame
    latest_start: dt.date
    deadline: dt.date
    min_workdays: int

    # Cached: the page reads each of these several times per run, and a report is never changed.
    @cached_property
    def due_to_start(self) -> pd.DataFrame:
        """Villages not started while the latest start date is still ahead (须在…前开工)."""
        return self.villages[self.villages["start_by"].notna()]

    @cached_property
    def short_span(self) -> pd.DataFrame:
        """Villages that can no longer reach the minimum screening span (or finished short of it)."""
        return self.villages[self.villages["possible_span"] < self.min_workdays]

    @cached_property
    def behind(self) -> pd.DataFrame:
        """Villages with any reason, worst first: the ones the sentences are about."""
        return self.villages[self.villages["why"] != ""]


def worst_first(villages: pd.DataFrame) -> pd.DataFrame:
    """Severely lagging, not started, lagging, on track, done; the most households behind first."""
    rank = villages["status"].map(SEVERITY)
    return villages.assign(_rank=rank).sort_values(["_rank", "lag", "code"], ascending=[True, False, True]) \
        .drop(columns="_rank").reset_index(drop=True)


def build_village_report(facts: pd.DataFrame, daily: pd.DataFrame, facts_since: pd.DataFrame,
                         daily_since: pd.DataFrame, activity: pd.DataFrame, key_methods: pd.DataFrame,
                         policy: Policy, cutoffs: Reasons, as_of: dt.date, since: dt.date,
                         total_level: str = "town", district: tuple[str, str] = ("", "")) -> VillageReport:
    """The report for the villages in ``facts`` (one town, or the district with ``total_level``
    "district"): their progress as of ``as_of`` with reasons, and the changes since ``since``.
    """
    now = compute_progress(facts, daily, policy, as_of, "village", district)
    before = compute_progress(facts_since, daily_since, policy, since, "village", district)
    villages = explain(now, activity, key_methods, policy, cutoffs, as_of)
    villages = with_changes(villages, before)
    villages["possible_span"] = possible_spans(villages, policy, as_of) if not villages.empty else []
    total = compute_progress(facts, daily, policy, as_of, total_level, district)
    total_since = compute_progress(facts_since, daily_since, policy, since, total_level, district)
    return VillageReport(
        as_of=as_of, since=since,
        total=total.iloc[0] if not total.empty else pd.Series(dtype=object),
        total_since=total_since.iloc[0] if not total_since.empty else pd.Series(dtype=object),
        villages=worst_first(villages),
        activity=activity[activity["day"] <= as_of] if not activity.empty else activity,
        latest_start=policy.latest_village_start,
        deadline=policy.campaign.screening_deadline,
        min_workdays=policy.campaign.min_village_workdays,
    )
