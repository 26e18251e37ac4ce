"""Household lists in SQL: not reached, key households not visited at home, 应纳未纳 candidates,
villages without a monitoring object, the monitoring pipeline and 绿色通道 — counted, sorted and
paginated in the database, one page at a time.

Every figure is as of a date by the replay rule (ARCHITECTURE §4): a household is screened when
its first record is on or before the date, visited at home when its first home visit is, a
monitoring object when the roster says so and it was identified by then. The rules of
``paicha.rules`` are SQL predicates here (:func:`rule_sql`), evaluated over ``households`` and
the derived ``household_status`` in one scan; names, ID numbers, methods and zones are looked
up for the shown page only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_loaders.store import GUARANTEE_COLUMNS, IS_KEY_SQL, KEY_COLUMNS, Store
from paicha import rules
from paicha.config import Settings
from paicha.household_lists import (
    ANY,
    ListFilters,
    ListRequest,
    RowFacts,
    key_not_home,
    reason_parts,
    reason_text,
)
from paicha.privacy import mask_frame
from paicha.rules import SOCIAL_ASSISTANCE_GROUPS, Cutoffs, HouseholdFacts
from paicha.scope import Scope
from paicha.vocab import (
    GreenChannel,
    Guarantee,
    KeyGroup,
    MonitoringRule,
    MonitorType,
    ScreeningMethod,
    ScreeningResult,
)

# household_status column holding the first record of each method and each result.
METHOD_FIRST = {ScreeningMethod.home_visit: "first_home_on", ScreeningMethod.village_assessment: "first_assessment_on",
                ScreeningMethod.online_inquiry: "first_online_on"}
RESULT_FIRST = {ScreeningResult.no_risk: "first_no_risk_on", ScreeningResult.risk_found: "first_risk_on",
                ScreeningResult.propose_monitoring: "first_propose_on"}
RULE_COLUMNS = {rule: f"r_{rule.value}" for rule in MonitoringRule}
# Chunk of household ids per look-up statement (a constant IN list lets DuckDB skip row groups).
LOOKUP_CHUNK = 1000


class _Params:
    """Named parameters ($p0, $p1, …) of one statement: a value may be used many times, and
    DuckDB cannot mix ``?`` with named parameters.
    """

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self._names: dict[tuple[type, object], str] = {}

    def __call__(self, value: object) -> str:
        """The placeholder of ``value``; an equal scalar used again shares its placeholder."""
        key = (type(value), value) if isinstance(value, str | int | float | dt.date) else None
        if key is not None and key in self._names:
            return f"${self._names[key]}"
        name = f"p{len(self.values)}"
        self.values[name] = value
        if key is not None:
            self._names[key] = name
        return f"${name}"

    def scope(self, scope: Scope, alias: str) -> str:
        where, values = Store.scope_sql(scope, alias)
        parts = where.split("?")
        return parts[0] + "".join(self(v) + part for v, part in zip(values, parts[1:], strict=True))


def cutoffs_of(settings: Settings, as_of: dt.date) -> Cutoffs:
    return rules.cutoffs(settings.thresholds.monitoring_income, settings.monitoring, as_of)


# --------------------------------------------------------------------------- the rules in SQL


def rule_sql(rule: MonitoringRule, p: _Params, cut: Cutoffs) -> str:
    """The rule as a SQL predicate over the base columns (see :func:`_base`), monitoring objects
    excluded; ``paicha.rules.applies`` is its definition.
    """
    income = "per_capita_income"
    if rule is MonitoringRule.income_below_line:
        fires = f"{income} < {p(cut.income_line)}"
    elif rule is MonitoringRule.spending_shock:
        line = p(cut.income_line)
        fires = (f"{income} >= {line} AND compliant_oop_spending > 0 AND members > 0 "
                 f"AND {income} - compliant_oop_spending / members < {line}")
    elif rule is MonitoringRule.guarantee_problem:
        fires = "(" + " OR ".join(GUARANTEE_COLUMNS) + ")"
    elif rule is MonitoringRule.proposal_not_followed:
        fires = f"proposed_on <= {p(cut.proposed_on_or_before)}"
    else:
        groups = " OR ".join(g.column for g in SOCIAL_ASSISTANCE_GROUPS)
        fires = f"({groups}) AND {income} < {p(cut.assistance_line)}"
    return f"(NOT monitored AND coalesce({fires}, FALSE))"


def _base(p: _Params, scope: Scope, filters: ListFilters, cut: Cutoffs) -> str:
    """CTEs ``b`` (one row per household of the scope and place, its state as of the date, from
    the derived ``household_facts``: no join), ``c`` (the rules fired) and ``m`` (``matches``:
    the other filters).
    """
    as_of = p(cut.as_of)
    place = [p.scope(scope, "h")]
    if filters.town_code:
        place.append(f"h.town_code = {p(filters.town_code)}")
    if filters.village_code:
        place.append(f"h.village_code = {p(filters.village_code)}")
    firsts = sorted({*METHOD_FIRST.values(), *RESULT_FIRST.values(), "first_on"})
    cols = ", ".join(f"h.{c}" for c in ("household_id", "town_code", "village_code", "members", "monitor_type",
                                         "per_capita_income", "compliant_oop_spending", "identified_on",
                                         "assisted_on", "disaster_affected", "history", "zones", "hazard_kinds",
                                         *KEY_COLUMNS, *GUARANTEE_COLUMNS))
    fired = ", ".join(f"{rule_sql(rule, p, cut)} AS {col}" for rule, col in RULE_COLUMNS.items())
    count = " + ".join(f"CAST({c} AS INTEGER)" for c in RULE_COLUMNS.values())
    return f"""
    b AS (
        SELECT {cols},
               {", ".join(f"CASE WHEN h.{c} <= {as_of} THEN h.{c} END AS {c}" for c in firsts)},
               CASE WHEN h.first_propose_on <= {as_of} THEN h.first_propose_on END AS proposed_on,
               coalesce(h.first_on <= {as_of}, FALSE) AS screened,
               coalesce(h.first_home_on <= {as_of}, FALSE) AS home_visited,
               {IS_KEY_SQL} AS is_key, h.zones IS NOT NULL AS exposed,
               (h.monitor_type <> '{MonitorType.none.value}' AND coalesce(h.identified_on <= {as_of}, TRUE))
                   AS monitored
        FROM household_facts h
        WHERE {" AND ".join(place)}),
    c AS (SELECT b.*, {fired} FROM b),
    m AS (SELECT c.*, {count} AS rules_fired, ({" OR ".join(RULE_COLUMNS.values())}) AS candidate,
                 {_matches(p, filters)} AS matches
          FROM c)"""


def _matches(p: _Params, f: ListFilters) -> str:
    """The filters beyond town and village, as one predicate over ``c``."""
    parts = ["TRUE"]
    if f.key_group == ANY:
        parts.append("is_key")
    elif f.key_group:
        parts.append(KeyGroup(f.key_group).column)
    if f.hazard == ANY:
        parts.append("exposed")
    elif f.hazard:
        parts.append(f"coalesce({p(f.hazard)} = ANY(hazard_kinds), FALSE)")
    if f.rule is not None:
        parts.append(RULE_COLUMNS[f.rule])
    if f.method is not None:
        parts.append(f"{METHOD_FIRST[f.method]} IS NOT NULL")
    if f.result is not None:
        parts.append(f"{RESULT_FIRST[f.result]} IS NOT NULL")
    if f.screened_from is not None:
        parts.append(f"first_on >= {p(f.screened_from)}")
    if f.screened_to is not None:
        parts.append(f"first_on <= {p(f.screened_to)}")
    return "(" + " AND ".join(parts) + ")"


LIST_CONDITIONS = {
    "unscreened": "NOT screened",
    "key_not_home": "is_key AND NOT home_visited",
    "should_monitor": "candidate",
}


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class ListCounts:
    """The size of every list under the same scope, date and filters (one query)."""

    households: int  # households matching the filters
    unscreened: int
    key_not_home: int
    key_never_screened: int
    key_not_at_home: int  # screened, but only by 村级研判 / 线上问询: 应入户未入户
    should_monitor: int
    by_rule: dict[str, int]  # candidates per rule (a household may count under several)
    zero_monitoring_villages: int

    def of(self, which: str) -> int:
        return int(getattr(self, which))


def counts(store: Store, settings: Settings, scope: Scope, as_of: dt.date, filters: ListFilters) -> ListCounts:
    """Every list's count in one scan: unscreened = households − screened, key households not
    visited at home = key households − key households visited at home (the overview's figures).
    """
    p = _Params()
    base = _base(p, scope, filters, cutoffs_of(settings, as_of))
    counted = {
        "households": "matches", "unscreened": "matches AND NOT screened",
        "key_not_home": "matches AND is_key AND NOT home_visited",
        "key_never_screened": "matches AND is_key AND NOT screened",
        "key_not_at_home": "matches AND is_key AND screened AND NOT home_visited",
        "should_monitor": "matches AND candidate",
        **{col: f"matches AND {col}" for col in RULE_COLUMNS.values()}}
    # One pass: per village, then summed; a village without a monitoring object is counted on the way.
    per_village = ", ".join(f"count(*) FILTER (WHERE {cond}) AS {name}" for name, cond in counted.items())
    row = store.query(f"""
        WITH {base},
        v AS (SELECT village_code, {per_village}, bool_or(monitored) AS any_monitored FROM m GROUP BY village_code)
        SELECT {", ".join(f"coalesce(sum({name}), 0) AS {name}" for name in counted)},
               count(*) FILTER (WHERE NOT any_monitored) AS zero_monitoring_villages
        FROM v
    """, p.values).iloc[0]
    return ListCounts(
        households=int(row["households"]), unscreened=int(row["unscreened"]), key_not_home=int(row["key_not_home"]),
        key_never_screened=int(row["key_never_screened"]), key_not_at_home=int(row["key_not_at_home"]),
        should_monitor=int(row["should_monitor"]),
        by_rule={rule.value: int(row[col]) for rule, col in RULE_COLUMNS.items()},
        zero_monitoring_villages=int(row["zero_monitoring_villages"]))


# --------------------------------------------------------------------------- household pages

ORDER = ("(is_key AND NOT home_visited) DESC, exposed DESC, rules_fired DESC, per_capita_income ASC NULLS LAST, "
         "days_left ASC NULLS LAST, household_id")
# The order's columns, to be qualified where ``m`` is joined (household_id is in both sides' names).
QUALIFIED = re.compile(r"\b(is_key|home_visited|exposed|rules_fired|per_capita_income|days_left|household_id)\b")


def _days_left_cte(p: _Params, days_left: pd.DataFrame | None) -> str:
    if days_left is None or days_left.empty:
        return "dl AS (SELECT CAST(NULL AS VARCHAR) AS village_code, CAST(NULL AS INTEGER) AS days_left WHERE FALSE)"
    codes = [str(c) for c in days_left["village_code"]]
    left = [None if pd.isna(v) else int(v) for v in days_left["days_left"]]
    return f"dl AS (SELECT unnest(CAST({p(codes)} AS VARCHAR[])) AS village_code, " \
           f"unnest(CAST({p(left)} AS INTEGER[])) AS days_left)"


def ordered_households(store: Store, settings: Settings, scope: Scope, as_of: dt.date, request: ListRequest,
                       days_left: pd.DataFrame | None, limit: int, offset: int = 0) -> pd.DataFrame:
    """One page of a household list in priority order, with the facts its reasons are made of
    (no names, no identifiers yet: :func:`household_page` adds them for the rows shown).
    """
    which = request.which.value
    if which not in LIST_CONDITIONS:
        raise ValueError(which)
    cut = cutoffs_of(settings, as_of)
    # One statement: DuckDB sorts the candidates by the order's keys alone and reads the other
    # columns (the lists of records and zones among them) for the page's rows only. Ordering first
    # and reading the rows by id in a second statement scanned the table twice: 1.3× as long.
    p = _Params()
    base = _base(p, scope, request.filters, cut)
    order = QUALIFIED.sub(r"m.\1", ORDER).replace("m.days_left", "dl.days_left")
    frame = store.query(f"""
        WITH {base}, {_days_left_cte(p, days_left)}
        SELECT m.*, dl.days_left FROM m LEFT JOIN dl USING (village_code)
        WHERE matches AND {LIST_CONDITIONS[which]}
        ORDER BY {order} LIMIT {p(limit)} OFFSET {p(offset)}
    """, p.values)
    frame["priority"] = range(offset + 1, offset + 1 + len(frame))
    # Methods up to the date and the last one, from the rows' own records (page rows only).
    frame["methods"] = [_methods_until(h, as_of) for h in frame["history"]]
    frame["last_method"] = [_last_method(h, as_of) for h in frame["history"]]
    frame["hazards"] = [_zone_pairs(z) for z in frame["zones"]]
    frame = frame.drop(columns=["history", "zones", "hazard_kinds"])
    return _dates(frame, ["identified_on", "assisted_on", "proposed_on", "first_on", *METHOD_FIRST.values(),
                          *RESULT_FIRST.values()])


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for col in columns:
        if col in frame.columns:
            frame[col] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[col]]
    return frame


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i:i + LOOKUP_CHUNK] for i in range(0, len(ids), LOOKUP_CHUNK)]


def _is_list(value: object) -> bool:
    """A DuckDB list as pandas hands it over (list or array); an empty one arrives as NA."""
    return isinstance(value, list | tuple | np.ndarray)


def _records(history: object, as_of: dt.date) -> list[tuple[dt.date, str]]:
    """A household's (day, method) records up to the date, oldest first, a home visit last among
    records of the same day.
    """
    if not _is_list(history):
        return []
    records = [(pd.Timestamp(r["day"]).date(), r["method"]) for r in history]
    records = [r for r in records if r[0] <= as_of]
    return sorted(records, key=lambda r: (r[0], r[1] == ScreeningMethod.home_visit.value, r[1]))


def _methods_until(history: object, as_of: dt.date) -> str | None:
    methods = sorted({method for _, method in _records(history, as_of)})
    return ",".join(methods) or None


def _last_method(history: object, as_of: dt.date) -> str | None:
    records = _records(history, as_of)
    return records[-1][1] if records else None


def _zone_pairs(zones: object) -> tuple[tuple[str, object], ...]:
    if not _is_list(zones):
        return ()
    return tuple(sorted((str(z["kind"]), z["level"] or None) for z in zones))


def page_details(store: Store, scope: Scope, ids: list[str]) -> pd.DataFrame:
    """For the given households only: head, ID number, phone, address and the names of the place.

    The ids go in as a constant IN list on ``households`` alone, so DuckDB reads only the row
    groups that hold them (a join in the same statement would make it scan them all); the place
    names come from a second look-up over the few villages involved.
    """
    columns = ["household_id", "head_name", "head_id_number", "phone", "address", "town_name", "village_name"]
    if not ids:
        return pd.DataFrame(columns=columns)
    parts = []
    for chunk in _chunks(ids):
        p = _Params()
        marks = ", ".join(p(i) for i in chunk)
        # The ids first, the scope on those rows: given both at once, DuckDB let the town's
        # predicate lead and read the whole town (a town's page: 37 ms instead of 6).
        parts.append(store.query(f"""
            WITH h AS MATERIALIZED (
                SELECT h.household_id, h.town_code, h.village_code, h.head_name, h.head_id_number, h.phone, h.address
                FROM households h WHERE h.household_id IN ({marks}))
            SELECT h.household_id, h.village_code, h.head_name, h.head_id_number, h.phone, h.address
            FROM h WHERE {p.scope(scope, "h")}
        """, p.values))
    people = pd.concat(parts, ignore_index=True)
    p = _Params()
    marks = ", ".join(p(v) for v in sorted(set(people["village_code"])))
    places = store.query(f"SELECT village_code, town_name, village_name FROM divisions WHERE village_code IN ({marks})",
                         p.values) if marks else pd.DataFrame(columns=["village_code", "town_name", "village_name"])
    return people.merge(places, on="village_code", how="left")[columns]


def _flags(row: dict, columns: Sequence[str], enum) -> frozenset:
    return frozenset(member for member in enum if member.column in columns and bool(row[member.column]))


def facts_of(row: dict, as_of: dt.date) -> HouseholdFacts:
    """The rule inputs of one row of a list or of the detail."""
    def number(value):
        return None if value is None or pd.isna(value) else float(value)

    members = row.get("members")
    monitored = rules.monitored(row.get("monitor_type"), row.get("identified_on"), as_of)
    return HouseholdFacts(
        monitored=monitored, per_capita_income=number(row.get("per_capita_income")),
        compliant_oop_spending=number(row.get("compliant_oop_spending")),
        members=None if members is None or pd.isna(members) else int(members),
        guarantee_problems=_flags(row, list(row), Guarantee), key_groups=_flags(row, list(row), KeyGroup),
        proposed_on=row.get("proposed_on"))


def _methods(value: object) -> tuple[str, ...]:
    return tuple(value.split(",")) if isinstance(value, str) and value else ()


def with_reasons(frame: pd.DataFrame, cut: Cutoffs) -> pd.DataFrame:
    """Add per row: ``rules`` (codes of the rules fired), ``reasons`` ([(code, text)]), ``reason``
    (the text shown), ``key_not_home`` (never_screened / not_at_home / None).
    """
    out = frame.copy()
    rows = out.to_dict("records")
    facts = [RowFacts(
        facts=facts_of(r, cut.as_of), monitor_type=r["monitor_type"], is_key=bool(r["is_key"]),
        screened=bool(r["screened"]), home_visited=bool(r["home_visited"]), methods=_methods(r.get("methods")),
        hazards=tuple(r.get("hazards") or ()),
        rules=tuple(rule for rule, col in RULE_COLUMNS.items() if bool(r[col])),
        disaster_affected=bool(r["disaster_affected"])) for r in rows]
    out["rules"] = [[rule.value for rule in f.rules] for f in facts]
    out["reasons"] = [reason_parts(f, cut) for f in facts]
    out["reason"] = [reason_text(parts) for parts in out["reasons"]]
    out["key_not_home"] = [key_not_home(f) for f in facts]
    return out


def household_page(store: Store, settings: Settings, scope: Scope, as_of: dt.date, request: ListRequest,
                   days_left: pd.DataFrame | None, limit: int, offset: int, unmasked: bool) -> pd.DataFrame:
    """A page of a household list as pages, exports and the CLI show it: priority order, names and
    places, methods, zones, the rules fired and the reason; ID numbers and phones masked unless
    ``unmasked`` (the caller checks the permission and writes the audit line).
    """
    frame = ordered_households(store, settings, scope, as_of, request, days_left, limit, offset)
    details = page_details(store, scope, frame["household_id"].tolist())
    frame = frame.merge(details, on="household_id", how="left")
    frame = with_reasons(frame, cutoffs_of(settings, as_of))
    return mask_frame(frame, unmasked=unmasked)


# --------------------------------------------------------------------------- villages without monitoring


def zero_monitoring_villages(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                             filters: ListFilters, limit: int, offset: int = 0) -> pd.DataFrame:
    """Villages with farm households but no monitoring object as of the date (重点区域), with their
    households, key households, lowest income, households under the line and 应纳未纳 candidates.

    Only the town and village filters apply: the point is the whole village. Most candidates first.
    """
    p = _Params()
    cut = cutoffs_of(settings, as_of)
    base = _base(p, scope, filters.place_only, cut)
    return store.query(f"""
        WITH {base},
        v AS (SELECT village_code, count(*) AS households, count(*) FILTER (WHERE is_key) AS key_households,
                     count(*) FILTER (WHERE is_key AND NOT home_visited) AS key_not_home,
                     count(*) FILTER (WHERE NOT screened) AS unscreened,
                     count(*) FILTER (WHERE candidate) AS candidates,
                     count(*) FILTER (WHERE per_capita_income < {p(cut.income_line)}) AS below_line,
                     min(per_capita_income) AS lowest_income
              FROM m GROUP BY village_code HAVING NOT bool_or(monitored))
        SELECT d.town_code, d.town_name, d.village_name, v.*
        FROM v JOIN divisions d USING (village_code)
        ORDER BY candidates DESC, lowest_income ASC NULLS LAST, village_code
        LIMIT {p(limit)} OFFSET {p(offset)}
    """, p.values)


def candidates_by_village(store: Store, settings: Settings, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Per village of the scope with households: 应纳未纳 candidates, per rule, and monitoring objects
    as of the date (for maps and meeting packs).
    """
    p = _Params()
    base = _base(p, scope, ListFilters(), cutoffs_of(settings, as_of))
    per_rule = ", ".join(f"count(*) FILTER (WHERE {col}) AS {col}" for col in RULE_COLUMNS.values())
    return store.query(f"""
        WITH {base}
        SELECT village_code, count(*) AS households, count(*) FILTER (WHERE monitored) AS monitored,
               count(*) FILTER (WHERE candidate) AS candidates, {per_rule}
        FROM m GROUP BY village_code ORDER BY village_code
    """, p.values)


def candidates_subquery(settings: Settings, scope: Scope, as_of: dt.date) -> tuple[str, list]:
    """The 应纳未纳 candidates of the scope as of the date as a sub-select of household ids, with
    positional ``?`` parameters in order, for another module's query (the risk map's heat layer)
    to use in ``household_id IN (...)``: the same predicates as the lists, never a copy of them.
    """
    p = _Params()
    base = _base(p, scope, ListFilters(), cutoffs_of(settings, as_of))
    sql = f"(WITH {base} SELECT household_id FROM m WHERE candidate)"
    params: list = []

    def positional(match: re.Match) -> str:
        params.append(p.values[match.group(1)])
        return "?"

    return re.sub(r"\$(p\d+)\b", positional, sql), params


# --------------------------------------------------------------------------- pipeline and 绿色通道


def _green_sql(as_of_p: str, alias: str = "m") -> str:
    """Assistance started by the date, before identification (or with none yet)."""
    a = alias
    return (f"({a}.assisted_on <= {as_of_p} AND (NOT {a}.monitored OR ({a}.identified_on IS NOT NULL "
            f"AND {a}.identified_on > {a}.assisted_on)))")


def pipeline(store: Store, settings: Settings, scope: Scope, as_of: dt.date, filters: ListFilters) -> pd.DataFrame:
    """Per village: proposed (建议纳入监测) → identified → assistance started, monitoring objects, and
    the 绿色通道: helped before identified, still waiting, waiting past the configured working days.
    """
    p = _Params()
    cut = cutoffs_of(settings, as_of)
    base = _base(p, scope, filters.place_only, cut)
    as_of_p = p(as_of)
    green = _green_sql(as_of_p)
    return store.query(f"""
        WITH {base}
        SELECT town_code, village_code,
               count(*) FILTER (WHERE proposed_on IS NOT NULL) AS proposed,
               count(*) FILTER (WHERE proposed_on IS NOT NULL AND monitored) AS identified,
               count(*) FILTER (WHERE proposed_on IS NOT NULL AND monitored AND assisted_on <= {as_of_p}) AS assisted,
               count(*) FILTER (WHERE monitored) AS monitored,
               count(*) FILTER (WHERE {green}) AS green_channel,
               count(*) FILTER (WHERE {green} AND NOT monitored) AS waiting,
               count(*) FILTER (WHERE {green} AND NOT monitored AND assisted_on <= {p(cut.assisted_on_or_before)})
                   AS overdue,
               count(*) FILTER (WHERE {green} AND disaster_affected) AS disaster
        FROM m GROUP BY town_code, village_code ORDER BY village_code
    """, p.values)


def green_channel_page(store: Store, settings: Settings, scope: Scope, as_of: dt.date, filters: ListFilters,
                       limit: int, offset: int = 0) -> pd.DataFrame:
    """Households of the 绿色通道, longest waiting first; with the state and working days waited."""
    p = _Params()
    cut = cutoffs_of(settings, as_of)
    base = _base(p, scope, filters.place_only, cut)
    as_of_p = p(as_of)
    frame = store.query(f"""
        WITH {base}
        SELECT m.household_id, m.town_code, m.village_code, m.monitor_type, m.monitored, m.proposed_on,
               m.assisted_on, CASE WHEN m.monitored THEN m.identified_on END AS identified_on,
               m.disaster_affected
        FROM m WHERE {_green_sql(as_of_p)}
        ORDER BY m.monitored, m.assisted_on, m.household_id
        LIMIT {p(limit)} OFFSET {p(offset)}
    """, p.values)
    names = page_details(store, scope, frame["household_id"].tolist())[["household_id", "head_name", "village_name"]]
    frame = _dates(frame.merge(names, on="household_id", how="left"), ["proposed_on", "assisted_on", "identified_on"])
    states, waited = [], []
    for identified, assisted in zip(frame["identified_on"], frame["assisted_on"], strict=True):
        if identified is not None:
            states.append(GreenChannel.identified_after.value)
            waited.append(rules.workdays_waited(assisted, identified))
        else:
            late = assisted <= cut.assisted_on_or_before
            states.append((GreenChannel.overdue if late else GreenChannel.waiting).value)
            waited.append(rules.workdays_waited(assisted, as_of))
    frame["state"], frame["workdays_waited"] = states, waited
    return frame


# --------------------------------------------------------------------------- one household


@dataclass(frozen=True)
class HouseholdDetail:
    """Everything the detail of one household shows (identifiers masked unless asked otherwise)."""

    facts: dict
    rules: list[tuple[MonitoringRule, bool, str]]  # each rule, whether it fires, its facts
    hazards: pd.DataFrame
    screenings: pd.DataFrame
    spot_checks: pd.DataFrame


def household_detail(store: Store, settings: Settings, scope: Scope, as_of: dt.date, household_id: str,
                     unmasked: bool) -> HouseholdDetail | None:
    """The household's roster facts, key groups, zones, every screening record up to the date and
    its spot-check results; None when it is not in the scope.
    """
    p = _Params()
    as_of_p = p(as_of)
    hid = p(household_id)
    found = store.query(f"""
        SELECT h.*, d.town_name, d.village_name,
               CASE WHEN f.first_propose_on <= {as_of_p} THEN f.first_propose_on END AS proposed_on
        FROM households h JOIN divisions d USING (village_code)
        LEFT JOIN (SELECT household_id, first_propose_on FROM household_facts WHERE household_id = {hid}) f
            USING (household_id)
        WHERE {p.scope(scope, "h")} AND h.household_id = {hid}
    """, p.values)
    if found.empty:
        return None
    found = _dates(mask_frame(found, unmasked=unmasked), ["identified_on", "assisted_on", "proposed_on"])
    facts = found.iloc[0].to_dict()
    cut = cutoffs_of(settings, as_of)
    household = facts_of(facts, as_of)
    explained = [(rule, rules.applies(rule, household, cut), rules.rule_text(rule, household, cut))
                 for rule in MonitoringRule]
    # The household is in the scope (found above): its zones and records may be read by its id.
    p = _Params()
    hazards = store.query(f"""
        SELECT z.kind, z.level, z.name, z.source FROM household_hazards x JOIN hazard_zones z USING (zone_id)
        WHERE x.household_id = {p(household_id)} ORDER BY z.kind, z.zone_id""", p.values)
    p = _Params()
    hid, as_of_p = p(household_id), p(as_of)
    where_s = p.scope(scope, "s")
    screenings = _dates(store.query(f"""
        SELECT s.screened_on, s.method, s.screener, s.result, s.leaflet_given, s.confirmed_online_on
        FROM screenings s WHERE {where_s} AND s.household_id = {hid} AND s.screened_on <= {as_of_p}
        ORDER BY s.screened_on, s.method""", p.values), ["screened_on", "confirmed_online_on"])
    p = _Params()
    spot = store.query(f"""
        SELECT i.draw_id, d.as_of, i.reason, i.visited, i.method, i.result, i.leaflet_given, i.income_band,
               i.consistent, i.differing, i.note, i.checked_by, i.checked_at
        FROM spot_check_items i JOIN spot_check_draws d USING (draw_id)
        WHERE {p.scope(scope, "i")} AND i.household_id = {p(household_id)} ORDER BY i.draw_id""", p.values)
    return HouseholdDetail(facts, explained, hazards, screenings, _dates(spot, ["as_of"]))
