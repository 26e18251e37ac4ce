"""Progress figures as ARCHITECTURE §4 defines them, computed from small per-village count frames."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from paicha.calendar import (
    add_workdays_within,
    check_covered,
    last_workdays,
    latest_start,
    workdays_after,
    workdays_between,
    workdays_in,
)
from paicha.config import Campaign, Thresholds
from paicha.text import t
from paicha.vocab import Level, Light, Status

LEVELS = tuple(level.value for level in Level)

PROGRESS_COLUMNS = [
    "code", "name", "level", "parent_code", "households", "screened", "screened_pct",
    "key_households", "key_home_visited", "key_pct", "proposed", "leaflet", "confirmed_online",
    "expected", "lag", "first_screened_on", "last_screened_on", "span_workdays", "recent_rate",
    "projected_finish", "finish_beyond_calendar", "status",
    # Added with the progress page (issue 10): register denominators, the pace still needed.
    "key_screened", "leaflet_pct", "confirmed_pct", "leaflet_screened_pct", "confirmed_screened_pct",
    "required_rate", "start_by",
]


@dataclass(frozen=True)
class Policy:
    """The campaign dates and cut-offs the figures are measured against."""

    campaign: Campaign
    thresholds: Thresholds

    def __post_init__(self) -> None:
        # Every figure counts working days of the campaign: a campaign the calendar does not
        # cover fails here, loudly and once, rather than in some page's corner.
        for day in (self.campaign.plan_training_deadline, self.campaign.start, self.campaign.report_deadline):
            check_covered(day)

    @property
    def total_workdays(self) -> int:
        """Working days from campaign start to the screening deadline, inclusive (19 in 2024)."""
        return workdays_between(self.campaign.start, self.campaign.screening_deadline)

    @property
    def latest_village_start(self) -> dt.date:
        return latest_start(self.campaign.screening_deadline, self.campaign.min_village_workdays)


def expected_share(policy: Policy, as_of: dt.date) -> float:
    """Share of households that should be screened by ``as_of`` on a linear working-day plan."""
    done = workdays_between(policy.campaign.start, as_of)
    return min(1.0, done / policy.total_workdays)


def expected_screened(households: int, policy: Policy, as_of: dt.date) -> float:
    """households × elapsed working days / total working days, clipped to [0, households]."""
    return float(np.clip(households * expected_share(policy, as_of), 0, households))


def recent_rate(daily: pd.Series, as_of: dt.date, window: int) -> float:
    """Households first screened on the last ``window`` working days up to ``as_of``, per day.

    ``daily`` maps day → first screenings that day.
    """
    days = last_workdays(as_of, window)
    return float(sum(daily.get(d, 0) for d in days)) / window


@dataclass(frozen=True)
class FinishProjection:
    """When an unfinished unit finishes at its recent rate, or why no date can be given.

    ``day`` is the projected working day. It is None without a recent rate (nothing to project
    from) and when ``beyond_calendar``: the k-th working day lies after the last day the
    official calendar covers (``covered_range()[1]``, 2026-12-31), so the unit cannot finish within the calendar's
    years. In progress frames the two are the columns ``projected_finish`` and
    ``finish_beyond_calendar``.
    """

    day: dt.date | None
    beyond_calendar: bool = False


def projected_finish(remaining: int, rate: float, as_of: dt.date) -> FinishProjection:
    """The k-th working day after ``as_of``, k = ceil(remaining / rate); no day without a rate.

    A projection past the calendar's end is an outcome, not an error: a slow village early in
    the campaign can project into a year the calendar does not know. ``as_of`` itself must lie
    inside the calendar (CalendarRangeError otherwise).
    """
    if remaining <= 0 or rate <= 0:
        return FinishProjection(None)
    day = add_workdays_within(as_of, math.ceil(remaining / rate))
    return FinishProjection(day, beyond_calendar=day is None)


def required_rate(households: int, screened: int, as_of: dt.date, deadline: dt.date) -> float | None:
    """(households − screened) / working days strictly after ``as_of`` up to the deadline.

    0 when finished; None when no working day is left (on and after the deadline), because no
    rate can finish the work any more.

    >>> required_rate(176, 62, dt.date(2024, 9, 12), dt.date(2024, 9, 20))  # 114 over 5 working days
    22.8
    >>> required_rate(176, 62, dt.date(2024, 9, 20), dt.date(2024, 9, 20)) is None
    True
    """
    remaining = households - screened
    if remaining <= 0:
        return 0.0
    left = workdays_after(as_of, deadline)
    return remaining / left if left else None


def start_by(first_screened_on: dt.date | None, policy: Policy, as_of: dt.date) -> int | None:
    """Working days left to start and still screen the minimum span, for a village not started.

    None once the village has started, and once the latest start date has passed (it can no
    longer reach the span). Days before the campaign's start do not count.

    >>> from paicha.config import load_settings
    >>> cfg = load_settings()
    >>> start_by(None, Policy(cfg.campaign, cfg.thresholds), dt.date(2024, 9, 3))  # 9-04, 9-05, 9-06
    3
    """
    latest = policy.latest_village_start
    if first_screened_on is not None or as_of >= latest:
        return None
    return workdays_between(max(as_of + dt.timedelta(days=1), policy.campaign.start), latest)


def classify(households: int, screened: int, expected: float, thresholds: Thresholds) -> Status:
    """Status from percentage points behind the expected share (cut-offs are configuration)."""
    if households > 0 and screened >= households:
        return Status.done
    if screened == 0:
        return Status.not_started
    behind_points = 100.0 * (expected - screened) / households if households else 0.0
    if behind_points > thresholds.severe_points:
        return Status.severely_lagging
    if behind_points > thresholds.lagging_points:
        return Status.lagging
    return Status.on_track


def _as_date(value: object) -> dt.date | None:
    """A plain date, or None for missing values (pd.NaT is a datetime instance, so test it first)."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


UNIT_SUMS = ["households", "key_households", "screened", "key_home_visited", "proposed",
             "leaflet", "confirmed_online", "key_screened"]


def unit_sums(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per unit (``code``, ``name``, ``parent_code``), in that order: its villages' counts
    summed, the first of their first records and the last of their last.

    Villages are their own units: the rows are the answer. Towns and the district are summed in
    NumPy in one pass over the villages: pandas' group-by took 10 ms for the five towns of the
    district, and a page asks for five to seven such tables per date.
    """
    if facts["code"].is_unique:
        return (facts[["code", "name", "parent_code", *UNIT_SUMS, "first_record_on", "last_record_on"]]
                .rename(columns={"first_record_on": "first_screened_on", "last_record_on": "last_screened_on"})
                .sort_values("code").reset_index(drop=True))
    keys = list(zip(facts["code"], facts["name"], facts["parent_code"], strict=True))
    slot: dict[tuple, int] = {}
    inverse = np.fromiter((slot.setdefault(k, len(slot)) for k in keys), dtype=np.intp, count=len(keys))
    sums = np.zeros((len(slot), len(UNIT_SUMS)), dtype=np.int64)
    np.add.at(sums, inverse, facts[UNIT_SUMS].fillna(0).to_numpy(dtype=np.int64))
    first: list[dt.date | None] = [None] * len(slot)
    last: list[dt.date | None] = [None] * len(slot)
    for i, begun, ended in zip(inverse, facts["first_record_on"], facts["last_record_on"], strict=True):
        if (begun := _as_date(begun)) is not None and (first[i] is None or begun < first[i]):
            first[i] = begun
        if (ended := _as_date(ended)) is not None and (last[i] is None or ended > last[i]):
            last[i] = ended
    units = list(slot)
    out = pd.DataFrame({
        "code": [u[0] for u in units], "name": [u[1] for u in units], "parent_code": [u[2] for u in units],
        **{c: sums[:, j] for j, c in enumerate(UNIT_SUMS)},
        "first_screened_on": first, "last_screened_on": last})
    return out.sort_values(["code", "name", "parent_code"], kind="stable").reset_index(drop=True)


def compute_progress(
    village_facts: pd.DataFrame,
    daily: pd.DataFrame,
    policy: Policy,
    as_of: dt.date,
    level: str,
    district: tuple[str, str] = ("", ""),
) -> pd.DataFrame:
    """Progress per unit at ``level`` (district, town or village) as of a date.

    ``village_facts`` is the store's per-village counts; ``daily`` holds village_code, day and
    screened (first screenings per day). Towns and the district are sums of their villages, so
    every level answers from the same two small frames.
    """
    if level not in LEVELS:
        raise ValueError(t("errors.progress.level", levels=LEVELS))
    facts = village_facts.copy()
    if level == "village":
        facts["code"], facts["name"], facts["parent_code"] = (
            facts["village_code"], facts["village_name"], facts["town_code"])
        unit_of_village = dict(zip(facts["village_code"], facts["village_code"], strict=True))
    elif level == "town":
        facts["code"], facts["name"], facts["parent_code"] = (
            facts["town_code"], facts["town_name"], district[0])
        unit_of_village = dict(zip(facts["village_code"], facts["town_code"], strict=True))
    else:
        facts["code"], facts["name"], facts["parent_code"] = district[0], district[1], ""
        unit_of_village = dict.fromkeys(facts["village_code"], district[0])

    grouped = unit_sums(facts)

    # The recent rate of every unit at once (what ``recent_rate`` computes for one): first
    # screenings on the window's working days, per unit, over the window.
    window = policy.thresholds.recent_window_workdays
    recent_days = daily[daily["day"].isin(last_workdays(as_of, window))]
    recent = (recent_days.assign(unit=recent_days["village_code"].map(unit_of_village))
              .groupby("unit")["screened"].sum() / window)
    rows = []
    for rec in grouped.itertuples(index=False):
        households, screened = int(rec.households), int(rec.screened)
        expected = expected_screened(households, policy, as_of)
        rate = float(recent.get(rec.code, 0.0))
        first, last = _as_date(rec.first_screened_on), _as_date(rec.last_screened_on)
        finish = projected_finish(households - screened, rate, as_of)
        rows.append({
            "code": rec.code, "name": rec.name, "level": level, "parent_code": rec.parent_code,
            "households": households, "screened": screened,
            "screened_pct": _pct(screened, households),
            "key_households": int(rec.key_households),
            "key_home_visited": int(rec.key_home_visited),
            "key_pct": _pct(rec.key_home_visited, rec.key_households),
            "proposed": int(rec.proposed), "leaflet": int(rec.leaflet),
            "confirmed_online": int(rec.confirmed_online),
            "expected": round(expected, 1), "lag": round(expected - screened, 1),
            "first_screened_on": first, "last_screened_on": last,
            "span_workdays": workdays_between(first, last) if first and last else 0,
            "recent_rate": round(rate, 2),
            "projected_finish": finish.day,
            "finish_beyond_calendar": finish.beyond_calendar,
            "status": classify(households, screened, expected, policy.thresholds).value,
            "key_screened": int(rec.key_screened),
            "leaflet_pct": _pct(rec.leaflet, households),
            "confirmed_pct": _pct(rec.confirmed_online, households),
            "leaflet_screened_pct": _pct(rec.leaflet, screened),
            "confirmed_screened_pct": _pct(rec.confirmed_online, screened),
            "required_rate": _rounded(required_rate(households, screened, as_of, policy.campaign.screening_deadline)),
            "start_by": start_by(first, policy, as_of) if households else None,
        })
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def cumulative_curve(daily: pd.DataFrame, households: int, policy: Policy, as_of: dt.date) -> pd.DataFrame:
    """Per working day of the campaign up to ``as_of``: cumulative screened and expected.

    First screenings on a rest day (they happen) count towards the next working day's point,
    so the curve never loses households.
    """
    end = min(as_of, policy.campaign.screening_deadline)
    days = workdays_in(policy.campaign.start, end)
    if not days:
        return pd.DataFrame(columns=["day", "workday_index", "screened", "expected"])
    per_day = daily.groupby("day")["screened"].sum() if not daily.empty else pd.Series(dtype=int)
    rows, cumulative, it = [], 0, iter(sorted(per_day.items()))
    pending = next(it, None)
    for i, day in enumerate(days, start=1):
        while pending is not None and pending[0] <= day:
            cumulative += int(pending[1])
            pending = next(it, None)
        rows.append({"day": day, "workday_index": i, "screened": cumulative,
                     "expected": round(households * min(1.0, i / policy.total_workdays), 1)})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class DeadlineState:
    """One campaign deadline as seen on a date."""

    key: str
    deadline: dt.date
    workdays_left: int
    overdue: bool


def deadlines(policy: Policy, as_of: dt.date) -> list[DeadlineState]:
    """The three deadlines with working days left after ``as_of`` (deadline day included)."""
    c = policy.campaign
    out = []
    for key, day in (("plan_training", c.plan_training_deadline),
                     ("screening", c.screening_deadline), ("report", c.report_deadline)):
        left = workdays_between(as_of + dt.timedelta(days=1), day)
        out.append(DeadlineState(key, day, left, as_of > day))
    return out


def deadline_light(done_on: dt.date | None, deadline: dt.date, as_of: dt.date) -> Light:
    """Green if done by the deadline, amber if done late, red if overdue, grey if not yet due.

    A completion dated after ``as_of`` has not happened yet in that view.
    """
    if done_on is not None and done_on <= as_of:
        return Light.green if done_on <= deadline else Light.amber
    return Light.red if as_of > deadline else Light.grey


def town_lights(milestones: pd.DataFrame, town_progress: pd.DataFrame, policy: Policy,
                as_of: dt.date) -> pd.DataFrame:
    """The four traffic lights of each town: plan+training, screening pace, finish, report."""
    c = policy.campaign
    prog = town_progress.set_index("code")
    rows = []
    for m in milestones.itertuples(index=False):
        steps = [m.plan_done_on, m.training_done_on]
        both = None if any(s is None or pd.isna(s) or s > as_of for s in steps) else max(steps)
        approved = bool(m.report_approved) if not pd.isna(m.report_approved) else False
        submitted = m.report_submitted_on
        # Only an approved report counts (主要领导审定), and only once it exists in this view.
        report_on = submitted if approved and not pd.isna(submitted) and submitted <= as_of else None
        p = prog.loc[m.town_code] if m.town_code in prog.index else None
        status = Status(p["status"]) if p is not None else Status.not_started
        pace = {Status.done: Light.green, Status.on_track: Light.green,
                Status.lagging: Light.amber}.get(status, Light.red)
        finish = p["projected_finish"] if p is not None else None
        beyond = bool(p["finish_beyond_calendar"]) if p is not None else False
        if status is Status.done:
            finish_light = Light.green
        elif beyond or finish is None or pd.isna(finish):
            # Past the calendar's end is past every deadline: an overrun, like no projection.
            finish_light = Light.red
        else:
            finish_light = Light.green if finish <= c.screening_deadline else Light.red
        rows.append({
            "town_code": m.town_code, "town_name": m.town_name,
            "plan_training": deadline_light(both, c.plan_training_deadline, as_of).value,
            "plan_training_on": both,
            "screening": pace.value,
            "screened_pct": p["screened_pct"] if p is not None else 0.0,
            "expected_pct": _pct(p["expected"], p["households"]) if p is not None else 0.0,
            "finish": finish_light.value,
            "projected_finish": None if finish is None or pd.isna(finish) else finish,
            "finish_beyond_calendar": beyond and status is not Status.done,
            "report": deadline_light(report_on, c.report_deadline, as_of).value,
            "report_on": report_on,
        })
    return pd.DataFrame(rows)


def villages_behind(village_progress: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The n villages furthest behind the expected count, in households."""
    behind = village_progress[village_progress["lag"] > 0]
    return behind.sort_values(["lag", "code"], ascending=[False, True]).head(n)


def possible_spans(village_progress: pd.DataFrame, policy: Policy, as_of: dt.date) -> pd.Series:
    """Per village, the most working days its screening can still span by the deadline.

    A finished village's span is final: screening everyone in a few days is the rush the
    10-working-day rule exists to prevent. A started one can reach from its first record to the
    deadline; one not started, from the next working day (or the campaign's start) to it.
    """
    c = policy.campaign

    def possible(row: pd.Series) -> int:
        if row["status"] == Status.done.value:
            return int(row["span_workdays"])
        first = row["first_screened_on"]
        if first is None or pd.isna(first):
            start = max(as_of + dt.timedelta(days=1), c.start)
            return workdays_between(start, c.screening_deadline)
        return workdays_between(first, c.screening_deadline)

    if village_progress.empty:
        return pd.Series(dtype=int)
    return village_progress.apply(possible, axis=1).astype(int)


def span_shortfall(village_progress: pd.DataFrame, policy: Policy, as_of: dt.date) -> pd.DataFrame:
    """Villages that can no longer reach the minimum screening span by the deadline.

    A village not started by the latest start date, or whose possible span (its first record to
    the deadline) is under the minimum, cannot reach it however fast it works.
    """
    out = village_progress.copy()
    out["possible_span"] = possible_spans(out, policy, as_of) if not out.empty else []
    return out[out["possible_span"] < policy.campaign.min_village_workdays]
