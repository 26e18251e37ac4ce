"""Why a village is behind: named rules with configured cut-offs and weights, and the sentence.

Each rule reads one village's progress figures (``paicha.progress.compute_progress`` at village
level, with the key households' methods and the days with records beside them) and either says
nothing or returns a :class:`Reason`: the rule, its weight (``[reason_weights]``) and its text
with the numbers that make it so. :func:`sentence` joins the reasons that fire, highest weight
first, into the one sentence the page shows, for example

    9-10 才开始（晚于最晚开工日 9-06），已无法保证 10 个工作日；尚余 114 户，需每个工作日 22.8 户，
    近 5 个工作日日均 12.4 户，按此速度 9-27 完成；5 户重点户仅电话问询

The texts are templates in the catalogue (``[reasons]`` of ``paicha/locales/zh.toml``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from paicha.calendar import covered_range, holiday_of, workdays_in
from paicha.config import Reasons
from paicha.progress import Policy
from paicha.text import t
from paicha.vocab import ReasonRule, Status


@dataclass(frozen=True)
class Reason:
    """One rule that fired for a village: what it is, how much it counts, what it says."""

    rule: ReasonRule
    weight: float
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule.value, "text": self.text, "weight": self.weight}


@dataclass(frozen=True)
class Pause:
    """A run of working days without any screening record in a village.

    ``ongoing`` when the run reaches the as-of date (nobody has screened there since ``first``).
    """

    first: dt.date
    last: dt.date
    workdays: int
    ongoing: bool


@dataclass(frozen=True)
class RuleContext:
    """What every rule is measured against: the campaign, the cut-offs, the as-of date."""

    policy: Policy
    cutoffs: Reasons
    as_of: dt.date


def short_date(day: dt.date) -> str:
    """A campaign date as people write it in a report: 9-06, 9-27.

    >>> short_date(dt.date(2024, 9, 6))
    '9-06'
    """
    return f"{day.month}-{day.day:02d}"


def _num(value: float) -> str:
    """A rate or count with at most one decimal: 22.8, 12.4, 5."""
    return f"{value:.1f}".removesuffix(".0")


def _pct(value: float) -> str:
    return f"{value:.1f}"


def _date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


def pauses(active_days: Iterable[dt.date], first: dt.date | None, as_of: dt.date) -> list[Pause]:
    """Runs of working days without a record, from the village's first record to ``as_of``.

    Rest days never break or make a run: a village that screened on Saturday 9-14 (a working
    day) and again on 9-18 did not pause, whatever the 中秋节 holiday between.

    >>> days = [dt.date(2024, 9, 12), dt.date(2024, 9, 19)]
    >>> [(p.first.day, p.last.day, p.workdays) for p in pauses(days, dt.date(2024, 9, 12), dt.date(2024, 9, 19))]
    [(13, 18, 3)]
    """
    if first is None or first > as_of:
        return []
    active = set(active_days)
    runs: list[Pause] = []
    start: dt.date | None = None
    previous: dt.date | None = None
    count = 0
    for day in workdays_in(first, as_of):
        if day in active:
            if start is not None:
                runs.append(Pause(start, previous, count, ongoing=False))
                start, count = None, 0
        else:
            start = start or day
            count += 1
        previous = day
    if start is not None:
        runs.append(Pause(start, previous, count, ongoing=True))
    return runs


def notable_pause(runs: list[Pause], cutoff: int) -> Pause | None:
    """The pause a reason names: the ongoing one if it reaches the cut-off, else the longest."""
    long = [p for p in runs if p.workdays >= cutoff]
    if not long:
        return None
    ongoing = [p for p in long if p.ongoing]
    return ongoing[0] if ongoing else max(long, key=lambda p: (p.workdays, p.first))


# -- the rules: each returns its text, or None when it does not fire ----------------------------


def _unfinished(v: Mapping) -> bool:
    return v["households"] > 0 and v["screened"] < v["households"]


def late_start(v: Mapping, ctx: RuleContext) -> str | None:
    """Started after the latest start date, or not started once it has passed: the minimum span
    (原则上不少于10个工作日) can no longer be reached. Finished villages are judged by their
    span instead (:func:`short_span`).
    """
    if not _unfinished(v):
        return None
    latest, days = ctx.policy.latest_village_start, ctx.policy.campaign.min_village_workdays
    first = _date(v["first_screened_on"])
    if first is not None and first > latest:
        return t("reasons.late_start", first=short_date(first), latest=short_date(latest), days=days)
    if first is None and ctx.as_of >= latest:
        return t("reasons.late_not_started", as_of=short_date(ctx.as_of), latest=short_date(latest), days=days)
    return None


def start_due(v: Mapping, ctx: RuleContext) -> str | None:
    """Not started, the latest start date still ahead: the working days left to start."""
    left = v.get("start_by")
    if left is None or pd.isna(left) or v["households"] == 0:
        return None
    return t("reasons.start_due", latest=short_date(ctx.policy.latest_village_start), left=int(left))


def short_span(v: Mapping, ctx: RuleContext) -> str | None:
    """Finished in fewer working days than the minimum span: the rush the rule exists to stop."""
    days = ctx.policy.campaign.min_village_workdays
    if v["status"] != Status.done.value or v["span_workdays"] >= days:
        return None
    first, last = _date(v["first_screened_on"]), _date(v["last_screened_on"])
    return t("reasons.short_span", first=short_date(first), last=short_date(last),
             span=int(v["span_workdays"]), days=days)


def _too_slow(v: Mapping, ctx: RuleContext) -> bool:
    required = v["required_rate"]
    return required is None or pd.isna(required) or v["recent_rate"] < required * ctx.cutoffs.slow_rate_share


def slow_rate(v: Mapping, ctx: RuleContext) -> str | None:
    """Unfinished and the recent daily rate is below the share of the required daily rate (or
    no working day is left): what remains, what is needed per day, what is done per day, and
    when the village finishes at that pace.
    """
    if not _unfinished(v) or not _too_slow(v, ctx):
        return None
    window = ctx.policy.thresholds.recent_window_workdays
    parts = [t("reasons.remaining", n=int(v["households"] - v["screened"]))]
    required = v["required_rate"]
    if required is None or pd.isna(required):
        parts.append(t("reasons.past_deadline", deadline=short_date(ctx.policy.campaign.screening_deadline)))
    else:
        parts.append(t("reasons.required", rate=_num(required)))
    if v["screened"] > 0:
        if v["recent_rate"] > 0:
            parts.append(t("reasons.recent", window=window, rate=_num(v["recent_rate"])))
            if bool(v["finish_beyond_calendar"]):
                parts.append(t("reasons.finish_beyond", year=covered_range()[1].year))
            elif _date(v["projected_finish"]) is not None:
                parts.append(t("reasons.finish", day=short_date(_date(v["projected_finish"]))))
        else:
            parts.append(t("reasons.no_recent", window=window))
    return t("reasons.part_separator").join(parts)


def catching_up(v: Mapping, ctx: RuleContext) -> str | None:
    """Behind the plan although the recent rate already suffices: the lag is history."""
    if not _unfinished(v) or _too_slow(v, ctx):
        return None
    if v["status"] not in (Status.lagging.value, Status.severely_lagging.value):
        return None
    return t("reasons.catching_up", lag=_num(v["lag"]), window=ctx.policy.thresholds.recent_window_workdays,
             rate=_num(v["recent_rate"]), required=_num(v["required_rate"]))


def pause(v: Mapping, ctx: RuleContext) -> str | None:
    """Unfinished, and a run of working days without any record reaches the cut-off."""
    found = v.get("pause")
    if not _unfinished(v) or found is None:
        return None
    holidays = {h for h in (holiday_of(found.first + dt.timedelta(days=i))
                            for i in range((found.last - found.first).days + 1)) if h is not None}
    note = "".join(t("reasons.pause_holiday", holiday=h.label) for h in sorted(holidays))
    if found.ongoing:
        return t("reasons.pause_ongoing", first=short_date(found.first), n=found.workdays) + note
    return t("reasons.pause_past", first=short_date(found.first), last=short_date(found.last),
             n=found.workdays) + note


def key_not_home(v: Mapping, ctx: RuleContext) -> str | None:
    """Key households screened without a home visit (they must be visited at home, 入户排查)."""
    phone, assessed = int(v.get("key_phone_only", 0) or 0), int(v.get("key_assessed", 0) or 0)
    if phone + assessed < ctx.cutoffs.key_not_home_min or phone + assessed == 0:
        return None
    parts = [t("reasons.key_phone_only", n=phone)] if phone else []
    parts += [t("reasons.key_assessed", n=assessed)] if assessed else []
    return t("reasons.list_separator").join(parts)


def leaflet_behind(v: Mapping, ctx: RuleContext) -> str | None:
    """明白纸 given to fewer than the cut-off share of the screened households."""
    if v["screened"] == 0 or v["leaflet"] >= v["screened"] * ctx.cutoffs.leaflet_min_share:
        return None
    return t("reasons.leaflet_behind", n=int(v["leaflet"]), pct=_pct(v["leaflet_pct"]),
             screened_pct=_pct(v["leaflet_screened_pct"]))


def confirmation_behind(v: Mapping, ctx: RuleContext) -> str | None:
    """Online confirmation for fewer than the cut-off share of the screened households."""
    if v["screened"] == 0 or v["confirmed_online"] >= v["screened"] * ctx.cutoffs.confirmed_min_share:
        return None
    return t("reasons.confirmation_behind", n=int(v["confirmed_online"]), pct=_pct(v["confirmed_pct"]),
             screened_pct=_pct(v["confirmed_screened_pct"]))


RULES: dict[ReasonRule, Callable[[Mapping, RuleContext], str | None]] = {
    ReasonRule.late_start: late_start,
    ReasonRule.start_due: start_due,
    ReasonRule.short_span: short_span,
    ReasonRule.slow_rate: slow_rate,
    ReasonRule.catching_up: catching_up,
    ReasonRule.pause: pause,
    ReasonRule.key_not_home: key_not_home,
    ReasonRule.leaflet_behind: leaflet_behind,
    ReasonRule.confirmation_behind: confirmation_behind,
}


def reasons_for(village: Mapping, ctx: RuleContext) -> list[Reason]:
    """The reasons that fire for one village, highest weight first (rule order breaks ties)."""
    order = list(RULES)
    found = [Reason(rule, ctx.cutoffs.weight(rule.value), text)
             for rule, check in RULES.items() if (text := check(village, ctx))]
    return sorted(found, key=lambda r: (-r.weight, order.index(r.rule)))


def sentence(reasons: list[Reason]) -> str:
    """The reasons' texts in weight order, as one sentence; empty when none fired."""
    ordered = sorted(reasons, key=lambda r: -r.weight)
    return t("reasons.separator").join(r.text for r in ordered)


def explain(villages: pd.DataFrame, activity: pd.DataFrame, key_methods: pd.DataFrame, policy: Policy,
            cutoffs: Reasons, as_of: dt.date) -> pd.DataFrame:
    """Village progress with the columns the reasons need and give: ``key_phone_only``,
    ``key_assessed``, ``pause_workdays``, ``pause_from``, ``pause_ongoing``, ``reasons`` (a list of
    :class:`Reason`, highest weight first) and ``why`` (the sentence).

    ``activity`` holds village_code, day and records (records after ``as_of`` are ignored);
    ``key_methods`` village_code, key_phone_only and key_assessed.
    """
    out = villages.merge(key_methods.rename(columns={"village_code": "code"}), on="code", how="left")
    out[["key_phone_only", "key_assessed"]] = out[["key_phone_only", "key_assessed"]].fillna(0).astype(int)
    seen = activity[activity["day"] <= as_of] if not activity.empty else activity
    days = {code: list(g["day"]) for code, g in seen.groupby("village_code")} if not seen.empty else {}
    ctx = RuleContext(policy, cutoffs, as_of)
    found_pauses, found_reasons = [], []
    for row in out.to_dict(orient="records"):
        runs = pauses(days.get(row["code"], []), _date(row["first_screened_on"]), as_of)
        row["pause"] = notable_pause(runs, cutoffs.pause_workdays)
        found_pauses.append(row["pause"])
        found_reasons.append(reasons_for(row, ctx))
    out["pause_workdays"] = [p.workdays if p else 0 for p in found_pauses]
    out["pause_from"] = [p.first if p else None for p in found_pauses]
    out["pause_ongoing"] = [bool(p and p.ongoing) for p in found_pauses]
    out["reasons"] = found_reasons
    out["why"] = [sentence(r) for r in found_reasons]
    return out
