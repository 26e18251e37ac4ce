"""The 进展通报 as data: the figures it prints, the comparison, the summary paragraph and the ranking.

A 通报 is issued, numbered and kept. What it printed is kept as :class:`BulletinFigures` (plain
JSON-able data), so the next one compares against exactly what was reported, even when records
for earlier dates arrive later, and an issued one can be compared with today's replay of its date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

import pandas as pd

from paicha.progress import DeadlineState
from paicha.text import t
from paicha.vocab import Status

# The unit figures a 通报 prints and the next one compares against.
UNIT_FIELDS = ("code", "name", "parent_code", "households", "screened", "expected", "key_households",
               "key_home_visited", "proposed", "leaflet", "confirmed_online", "status",
               "projected_finish", "finish_beyond_calendar", "span_workdays", "first_screened_on")
LIGHT_FIELDS = ("town_code", "plan_training", "screening", "finish", "report")
NOT_ON_TRACK = (Status.severely_lagging.value, Status.lagging.value, Status.not_started.value)


def _plain(value: object) -> object:
    """JSON-able: dates as ISO text, numpy numbers as Python numbers, missing as None."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _records(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[dict]:
    present = [f for f in fields if f in frame.columns]
    return [{f: _plain(v) for f, v in row.items()} for row in frame[present].to_dict(orient="records")]


@dataclass(frozen=True)
class BulletinFigures:
    """What one 通报 states, unit by unit: district (one row), towns, villages, town lights,
    the villages not on track with their reasons, and those that can no longer reach the span.
    """

    as_of: str
    scope: str
    scope_name: str
    district: dict
    towns: list[dict]
    villages: list[dict]
    lights: list[dict]
    reasons: dict[str, str] = field(default_factory=dict)
    short_span: list[str] = field(default_factory=list)

    @classmethod
    def from_frames(cls, as_of: dt.date, scope: str, scope_name: str, district: pd.DataFrame,
                    towns: pd.DataFrame, villages: pd.DataFrame, lights: pd.DataFrame,
                    reasons: dict[str, str], short_span: list[str]) -> BulletinFigures:
        rows = _records(district, UNIT_FIELDS)
        return cls(as_of.isoformat(), scope, scope_name, rows[0] if rows else {}, _records(towns, UNIT_FIELDS),
                   _records(villages, UNIT_FIELDS), _records(lights, LIGHT_FIELDS), dict(reasons), list(short_span))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> BulletinFigures:
        return cls(**json.loads(text))

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.as_of)

    def lagging(self) -> list[dict]:
        """Villages not on track, furthest behind first."""
        behind = [v for v in self.villages if v["status"] in NOT_ON_TRACK]
        return sorted(behind, key=lambda v: (-(v["expected"] - v["screened"]), v["code"]))


@dataclass(frozen=True)
class Comparison:
    """What a 通报 compares against: an issued one (its number) or a replayed date."""

    figures: BulletinFigures
    issue_number: int | None = None

    @property
    def label(self) -> str:
        day = _month_day(self.figures.day)
        if self.issue_number is not None:
            return t("bulletin.since_issue", number=self.issue_number, day=day)
        return t("bulletin.since_day", day=day)


def _month_day(day: dt.date) -> str:
    return t("bulletin.month_day", month=day.month, day=day.day)


def pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def unit_changes(current: list[dict], previous: list[dict]) -> pd.DataFrame:
    """Per unit: screened and key-home-visited changes, and the status before and after."""
    before = {u["code"]: u for u in previous}
    rows = []
    for unit in current:
        old = before.get(unit["code"], {})
        rows.append({"code": unit["code"], "name": unit["name"],
                     "screened_delta": unit["screened"] - old.get("screened", 0),
                     "key_home_delta": unit["key_home_visited"] - old.get("key_home_visited", 0),
                     "status_before": old.get("status"), "status_after": unit["status"]})
    return pd.DataFrame(rows, columns=["code", "name", "screened_delta", "key_home_delta", "status_before",
                                       "status_after"])


def ranking(current: BulletinFigures, comparison: Comparison | None) -> pd.DataFrame:
    """Towns ranked by screened share (then by code), with change since the comparison and lights."""
    towns = pd.DataFrame(current.towns)
    if towns.empty:
        return towns
    towns["screened_pct"] = [pct(s, h) for s, h in zip(towns["screened"], towns["households"], strict=True)]
    towns["expected_pct"] = [pct(e, h) for e, h in zip(towns["expected"], towns["households"], strict=True)]
    if comparison is not None:
        changes = unit_changes(current.towns, comparison.figures.towns).set_index("code")
        towns["screened_delta"] = towns["code"].map(changes["screened_delta"])
        towns["status_before"] = towns["code"].map(changes["status_before"])
    lights = pd.DataFrame(current.lights)
    if not lights.empty:
        towns = towns.merge(lights.rename(columns={"town_code": "code"}), on="code", how="left")
    towns = towns.sort_values(["screened_pct", "code"], ascending=[False, True]).reset_index(drop=True)
    towns.insert(0, "rank", range(1, len(towns) + 1))
    return towns


def summary(current: BulletinFigures, comparison: Comparison | None, deadlines: list[DeadlineState]) -> str:
    """The summary paragraph, written from the figures (the numbers equal the pages' numbers)."""
    d = current.district
    households, screened, expected = d["households"], d["screened"], d["expected"]
    parts = [t("bulletin.summary_progress", scope=current.scope_name, day=_month_day(current.day),
               households=f"{households:,}", screened=f"{screened:,}", pct=pct(screened, households),
               expected=pct(expected, households))]
    behind_points = round(pct(expected, households) - pct(screened, households), 1)
    parts.append(t("bulletin.summary_behind", points=behind_points) if behind_points > 0
                 else t("bulletin.summary_ahead", points=-behind_points))
    if comparison is not None:
        old = comparison.figures.district
        parts.append(t("bulletin.summary_change", since=comparison.label,
                       screened=f"{screened - old.get('screened', 0):,}",
                       key_delta=f"{d['key_home_visited'] - old.get('key_home_visited', 0):,}"))
    parts.append(t("bulletin.summary_key", visited=f"{d['key_home_visited']:,}", total=f"{d['key_households']:,}",
                   pct=pct(d["key_home_visited"], d["key_households"])))
    parts.append(t("bulletin.summary_proposed", n=f"{d['proposed']:,}"))
    lagging = current.lagging()
    if lagging:
        parts.append(t("bulletin.summary_lagging", n=len(lagging)))
    if current.short_span:
        parts.append(t("bulletin.summary_short_span", n=len(current.short_span)))
    for state in deadlines:
        if not state.overdue:
            parts.append(t(f"bulletin.deadline_{state.key}", day=_month_day(state.deadline), n=state.workdays_left))
    return "".join(parts)


def replay_difference(issued: BulletinFigures, replayed: BulletinFigures) -> pd.DataFrame:
    """Units whose figures today's replay of the issued date gives differently (late records)."""
    changes = unit_changes(replayed.towns + replayed.villages + [replayed.district],
                           issued.towns + issued.villages + [issued.district])
    return changes[(changes["screened_delta"] != 0) | (changes["key_home_delta"] != 0)].reset_index(drop=True)
