"""Hand-made villages for the progress domain tests: each described by its days, replayable on any date.

A village is its households and, per day, how many were first screened and how many records
were made; every count the store would give (facts, daily first screenings, days with records,
key households' methods) is derived from that for any as-of date, so a test can replay the
same village on two dates exactly as the store does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from paicha.config import load_settings
from paicha.progress import Policy
from paicha.villages import VillageReport, build_village_report

D = dt.date
SETTINGS = load_settings()
POLICY = Policy(SETTINGS.campaign, SETTINGS.thresholds)
TOWN = ("210311104000", "甘泉镇")


@dataclass(frozen=True)
class Village:
    """One village: ``firsts`` maps a day to households first screened that day; ``repeats`` to
    further records of already screened households (they make a day active, not a household).

    ``key_home`` maps a day to key households first visited at home that day, ``key_phone``
    and ``key_assessed`` to key households screened that day without a home visit. Every
    screened household has its leaflet and online confirmation unless ``leaflet`` or
    ``confirmed`` caps the count.
    """

    code: str
    name: str
    households: int
    firsts: dict[dt.date, int]
    repeats: dict[dt.date, int] = field(default_factory=dict)
    key_households: int = 0
    key_home: dict[dt.date, int] = field(default_factory=dict)
    key_phone: dict[dt.date, int] = field(default_factory=dict)
    key_assessed: dict[dt.date, int] = field(default_factory=dict)
    leaflet: int | None = None
    confirmed: int | None = None

    def screened(self, as_of: dt.date) -> int:
        return sum(n for d, n in self.firsts.items() if d <= as_of)

    def record_days(self, as_of: dt.date) -> dict[dt.date, int]:
        days: dict[dt.date, int] = {}
        for source in (self.firsts, self.repeats):
            for d, n in source.items():
                if d <= as_of and n:
                    days[d] = days.get(d, 0) + n
        return days

    def facts(self, as_of: dt.date) -> dict:
        screened, days = self.screened(as_of), sorted(self.record_days(as_of))
        key_home = sum(n for d, n in self.key_home.items() if d <= as_of)
        key_other = sum(n for src in (self.key_phone, self.key_assessed) for d, n in src.items() if d <= as_of)
        return {
            "town_code": TOWN[0], "town_name": TOWN[1], "village_code": self.code, "village_name": self.name,
            "kind": "village", "households": self.households, "key_households": self.key_households,
            "screened": screened, "key_home_visited": key_home, "key_screened": key_home + key_other,
            "proposed": 0, "leaflet": min(screened, screened if self.leaflet is None else self.leaflet),
            "confirmed_online": min(screened, screened if self.confirmed is None else self.confirmed),
            "first_record_on": days[0] if days else None, "last_record_on": days[-1] if days else None,
        }

    def methods(self, as_of: dt.date) -> dict:
        return {"village_code": self.code,
                "key_phone_only": sum(n for d, n in self.key_phone.items() if d <= as_of),
                "key_assessed": sum(n for d, n in self.key_assessed.items() if d <= as_of)}


def frames(villages: list[Village], as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(facts, daily first screenings, days with records, key methods) as the store gives them."""
    facts = pd.DataFrame([v.facts(as_of) for v in villages])
    daily = pd.DataFrame([(v.code, d, n) for v in villages for d, n in sorted(v.firsts.items()) if d <= as_of and n],
                         columns=["village_code", "day", "screened"])
    activity = pd.DataFrame([(v.code, d, n) for v in villages for d, n in sorted(v.record_days(as_of).items())],
                            columns=["village_code", "day", "records"])
    methods = pd.DataFrame([v.methods(as_of) for v in villages])
    return facts, daily, activity, methods


def report(villages: list[Village], as_of: dt.date, since: dt.date | None = None) -> VillageReport:
    """The 村级进度 report of the villages, as the page builds it from the store's frames."""
    since = since or as_of
    facts, daily, activity, methods = frames(villages, as_of)
    facts_since, daily_since, _, _ = frames(villages, since)
    return build_village_report(facts, daily, facts_since, daily_since, activity, methods, POLICY,
                                SETTINGS.reasons, as_of, since, total_level="town")


def every_workday(first: dt.date, last: dt.date, n: int) -> dict[dt.date, int]:
    """``n`` households on every working day from ``first`` to ``last``."""
    from paicha.calendar import workdays_in

    return dict.fromkeys(workdays_in(first, last), n)
