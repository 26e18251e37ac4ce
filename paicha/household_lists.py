"""农户清单 in the domain: the filters (as query parameters), the priority order and each row's reason.

A list is one of :class:`~paicha.vocab.HouseholdList` with :class:`ListFilters`. Filters travel
as query parameters (``town``, ``village``, ``list``, ``rule``, ``key_group``, ``hazard``,
``method``, ``result``, ``screened_from``, ``screened_to``) so that other pages link to a list
with its filter set; a value that does not parse is dropped, never guessed.

Priority (the default order a cadre works down): key households not visited at home first, then
households in a hazard zone, then more rules fired, then lower income, then fewer working days
left in the village (until its projected finish at its recent pace: the team leaves soon), then
the household number. SQL sorts by these keys (``data_loaders.households``); the reason shown on
each row is assembled here from the same facts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace

import pandas as pd

from paicha.calendar import workdays_between
from paicha.rules import INCOME_RULES, Cutoffs, HouseholdFacts, money, short_text
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import (
    ANY,
    HazardKind,
    HazardLevel,
    HouseholdList,
    KeyGroup,
    MonitoringRule,
    MonitorType,
    ScreeningMethod,
    ScreeningResult,
)

CODE = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class ListFilters:
    """What narrows a list. None means "not filtered"; codes are the enums' English codes."""

    town_code: str | None = None
    village_code: str | None = None
    key_group: str | None = None  # a KeyGroup code or ANY
    hazard: str | None = None  # a HazardKind code or ANY
    rule: MonitoringRule | None = None
    method: ScreeningMethod | None = None
    result: ScreeningResult | None = None
    screened_from: dt.date | None = None
    screened_to: dt.date | None = None

    @property
    def place_only(self) -> ListFilters:
        """Only the town and village: what the village list (无监测对象的村) is filtered by."""
        return ListFilters(self.town_code, self.village_code)

    def as_dict(self) -> dict[str, str]:
        """The set filters as text (the audit log's and the query string's values)."""
        return {PARAM_OF[f.name]: _text(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) is not None}


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# Field → query parameter name.
PARAM_OF = {"town_code": "town", "village_code": "village", "key_group": "key_group", "hazard": "hazard",
            "rule": "rule", "method": "method", "result": "result", "screened_from": "screened_from",
            "screened_to": "screened_to"}
LIST_PARAM = "list"
HOUSEHOLD_PARAM = "household"


@dataclass(frozen=True)
class ListRequest:
    """Which list, filtered how, and (optionally) the household whose detail is open."""

    which: HouseholdList = HouseholdList.unscreened
    filters: ListFilters = ListFilters()
    household_id: str | None = None

    def params(self) -> dict[str, str]:
        """The request as query parameters (only what is set; the default list is written too,
        so a copied link always says which list it shows).
        """
        out = {LIST_PARAM: self.which.value, **self.filters.as_dict()}
        if self.household_id:
            out[HOUSEHOLD_PARAM] = self.household_id
        return out


def _member(enum, value: str | None):
    try:
        return enum(value) if value else None
    except ValueError:
        return None


def _choice(value: str | None, enum) -> str | None:
    if value == ANY:
        return ANY
    member = _member(enum, value)
    return member.value if member is not None else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _code(value: str | None) -> str | None:
    return value if value and CODE.match(value) else None


def request_from_params(params: Mapping[str, str]) -> ListRequest:
    """A request from query parameters; anything that does not parse is left unset.

    >>> r = request_from_params({"list": "key_not_home", "village": "210311104210", "rule": "nonsense"})
    >>> r.which.value, r.filters.village_code, r.filters.rule
    ('key_not_home', '210311104210', None)
    """
    which = _member(HouseholdList, params.get(LIST_PARAM)) or HouseholdList.unscreened
    filters = ListFilters(
        town_code=_code(params.get("town")), village_code=_code(params.get("village")),
        key_group=_choice(params.get("key_group"), KeyGroup), hazard=_choice(params.get("hazard"), HazardKind),
        rule=_member(MonitoringRule, params.get("rule")), method=_member(ScreeningMethod, params.get("method")),
        result=_member(ScreeningResult, params.get("result")),
        screened_from=_date(params.get("screened_from")), screened_to=_date(params.get("screened_to")))
    household = params.get(HOUSEHOLD_PARAM) or None
    return ListRequest(which, filters, household if household and len(household) <= 64 else None)


def confined(filters: ListFilters, scope: Scope, village_towns: Mapping[str, str]) -> ListFilters:
    """The filters inside a scope: scope always wins.

    A town outside the scope is dropped (a supervisor's session is always its own town), a
    village outside it or outside the chosen town is dropped, and a village alone sets its
    town. ``village_towns`` maps every village of the scope to its town.
    """
    town = filters.town_code
    if scope.town_code:
        town = scope.town_code
    elif town is not None and (scope.is_empty or not scope.admits_town(town)):
        town = None
    village = filters.village_code
    if village is not None:
        owner = village_towns.get(village)
        if owner is None or (town is not None and owner != town):
            village = None
        elif town is None:
            town = owner
    return replace(filters, town_code=town, village_code=village)


# --------------------------------------------------------------------------- days left, priority


def days_left(villages: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per village: working days until its projected finish at its recent pace (0 when done,
    None when it cannot be projected), from the village progress table (``compute_progress``).

    The team leaves a village when it finishes: households there must be reached first.
    """
    left = []
    # A finish past the calendar has no date either: like no projection, it sorts last.
    for finished, finish in zip(villages["households"] == villages["screened"], villages["projected_finish"],
                                strict=True):
        if finished:
            left.append(0)
        elif isinstance(finish, dt.date) and not pd.isna(finish):
            left.append(workdays_between(as_of + dt.timedelta(days=1), finish))
        else:
            left.append(None)
    return pd.DataFrame({"village_code": villages["code"].to_numpy(),
                         "days_left": pd.array(left, dtype="Int64")})


# --------------------------------------------------------------------------- the reason per row


def hazard_text(kind: str, level: object) -> str:
    """"暴雨洪涝高风险区" for a flood zone with its level; other hazards are village-wide
    conditions, named without a level: "季节性缺水风险".
    """
    label = HazardKind(kind).label if kind in HazardKind.labels() else str(kind)
    if kind != HazardKind.flood.value:
        return t("households.reason.hazard_other", kind=label)
    if level is None or pd.isna(level) or str(level) not in HazardLevel.labels():
        return t("households.reason.hazard", kind=label)
    return t("households.reason.hazard_level", kind=label, level=HazardLevel(str(level)).label)


@dataclass(frozen=True)
class RowFacts:
    """What the reason of one listed household is made of."""

    facts: HouseholdFacts
    monitor_type: str = MonitorType.none.value
    is_key: bool = False
    screened: bool = False
    home_visited: bool = False
    methods: tuple[str, ...] = ()  # ScreeningMethod codes of its records up to the as-of date
    hazards: tuple[tuple[str, object], ...] = ()  # (kind, level) of its zones
    rules: tuple[MonitoringRule, ...] = ()
    disaster_affected: bool = False


def key_not_home(row: RowFacts) -> str | None:
    """never_screened or not_at_home for a key household without a home visit, else None."""
    if not row.is_key or row.home_visited:
        return None
    return "not_at_home" if row.screened else "never_screened"


def reason_parts(row: RowFacts, cut: Cutoffs) -> list[tuple[str, str]]:
    """(code, text) of each part of a row's reason, in priority order.

    Codes: ``key_never_screened``, ``key_not_at_home``, ``hazard``, a rule's code, ``income``,
    ``monitored``, ``disaster``.
    """
    parts: list[tuple[str, str]] = []
    kind = key_not_home(row)
    if kind == "never_screened":
        parts.append(("key_never_screened", t("households.reason.key_never_screened")))
    elif kind == "not_at_home":
        methods = t("text.list_separator").join(ScreeningMethod(m).label for m in row.methods if m in
                                           ScreeningMethod.labels())
        parts.append(("key_not_at_home", t("households.reason.key_only", methods=methods)))
    for text in dict.fromkeys(hazard_text(k, lv) for k, lv in row.hazards):
        parts.append(("hazard", text))
    income_said = False
    for rule in row.rules:
        parts.append((rule.value, short_text(rule, row.facts, cut, income_said)))
        income_said = income_said or rule in INCOME_RULES
    income = row.facts.per_capita_income
    if income is not None and not income_said and income < cut.assistance_line:
        parts.append(("income", t("households.reason.income", income=money(income))))
    if row.monitor_type not in (None, MonitorType.none.value) and row.facts.monitored:
        parts.append(("monitored", t("households.reason.monitored", type=MonitorType(row.monitor_type).label)))
    if row.disaster_affected:
        parts.append(("disaster", t("households.reason.disaster")))
    return parts


def reason_text(parts: Iterable[tuple[str, str]]) -> str:
    """The parts joined as one cell: "重点户·仅线上问询；暴雨洪涝高风险区；人均纯收入 6,120 元"."""
    return t("text.clause_separator").join(text for _, text in parts)
