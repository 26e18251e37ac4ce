"""Validates the raw tables of one kind into a clean frame in store columns, finding every problem.

Three passes, each reporting all it finds: cells are typed (``cells``), names resolved against
the store's divisions and roster, and the typed frame checked against a pandera schema with
``lazy=True``. A cell that failed an earlier pass is not reported again by a later one. The first
pass needs no store and takes most of the time (:func:`type_tables`): the import's worker
process runs it beside the reading, the server the two others (:func:`validate_typed`).

Date rule: a screening date and an online-confirmation date must lie within the campaign, from
``campaign.start`` to ``campaign.report_deadline`` inclusive (records after the report is due
cannot belong to this campaign; records before its start are typos or an earlier campaign).
Milestone dates fall before the start by design (the work plan is due the day before), and a
late report is a fact worth recording, so they need only lie in the campaign's year. A roster's
identification and first-assistance dates may lie years back (monitoring objects of earlier
years), but not before the monitoring mechanism began (``monitoring.earliest_identification``)
nor after the campaign's year.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from data_loaders.divisions import read_outline
from data_loaders.importing.cells import display, parse_column
from data_loaders.importing.reading import Table
from data_loaders.importing.report import ImportIssue
from data_loaders.importing.resolve import Divisions, ResolveError
from data_loaders.importing.spec import (
    FIELDS,
    Field,
    ImportKind,
    fields_by_name,
)
from data_loaders.importing.sql import registered
from data_loaders.store import MILESTONE_COLUMNS, ROSTER_COLUMNS, SCREENING_COLUMNS, Store
from paicha.config import Settings
from paicha.idnumber import CHECK_CHARS, WEIGHTS, is_valid
from paicha.text import joined, t
from paicha.vocab import HazardKind

ID_PATTERN = r"^\d{17}[\dX]$"
KEEP_PREFIX = "_keep_"  # upsert kinds: True where the row's file had no such column


@dataclass
class Context:
    """What validation looks things up in: the store, settings, divisions, and the households
    validated earlier in the same batch (so a roster and its screenings can come together).
    """

    store: Store
    settings: Settings
    divisions: Divisions
    batch_households: pd.DataFrame | None = None  # household_id, town_code, village_code, head_id_number


@dataclass
class Validated:
    """One kind's rows, clean and in store columns (``frame``), or the issues that stop them."""

    kind: ImportKind
    frame: pd.DataFrame
    rows: int
    issues: list[ImportIssue] = field(default_factory=list)
    rows_by_file: dict[str, int] = field(default_factory=dict)
    # file, sheet and Excel row of each row of ``frame`` (same index), to point back at it.
    origins: pd.DataFrame | None = None


class _Collector:
    """Turns (row index, field, message) into located issues, at most one per cell."""

    def __init__(self, kind: ImportKind, tables: list[Table], raw: pd.DataFrame) -> None:
        self.fields = fields_by_name(kind)
        self.tables = tables
        self.raw = raw
        self.issues: list[ImportIssue] = []
        self.flagged: set[tuple[int, str]] = set()
        self.missing: set[tuple[int, str]] = set()  # (table index, field) of absent required columns

    def header(self, idx: int, name: str) -> str:
        table = self.tables[self.raw.at[idx, "_t"]]
        return table.headers.get(name) or self.fields[name].header

    def add(self, idx: int, name: str, message: str) -> None:
        if (idx, name) in self.flagged or (self.raw.at[idx, "_t"], name) in self.missing:
            return
        self.flagged.add((idx, name))
        table = self.tables[self.raw.at[idx, "_t"]]
        value = display(self.raw.at[idx, name]) if name in self.raw else ""
        self.issues.append(ImportIssue(table.file, table.sheet, int(self.raw.at[idx, "_row"]),
                                       self.header(idx, name), value, message))

    def row_ref(self, idx: int, relative_to: int) -> str:
        table = self.tables[self.raw.at[idx, "_t"]]
        row = int(self.raw.at[idx, "_row"])
        if table.file == self.tables[self.raw.at[relative_to, "_t"]].file:
            return t("import.error.row_ref_same_file", row=row)
        return t("import.error.row_ref", file=table.file, row=row)


def _raw_frame(kind: ImportKind, tables: list[Table]) -> pd.DataFrame:
    names = [f.name for f in FIELDS[kind]]
    parts = []
    for number, table in enumerate(tables):
        part = table.cells.reindex(columns=names).astype(object)
        part["_t"] = number
        part["_row"] = table.rows
        parts.append(part)
    if not parts:
        return pd.DataFrame({n: pd.Series(dtype=object) for n in [*names, "_t", "_row"]})
    return pd.concat(parts, ignore_index=True)


def _check_columns(kind: ImportKind, tables: list[Table], out: _Collector) -> None:
    for number, table in enumerate(tables):
        if not table.rows:
            out.issues.append(ImportIssue(table.file, table.sheet, table.header_row, "", "",
                                          t("import.error.no_data_rows")))
        required = [f for f in FIELDS[kind] if f.required]
        if kind is ImportKind.key_groups and not {"household_id", "head_id_number"} & table.headers.keys():
            required.insert(0, fields_by_name(kind)["household_id"])
        for f in required:
            if f.name not in table.headers:
                out.missing.add((number, f.name))
                out.issues.append(ImportIssue(
                    table.file, table.sheet, table.header_row, f.header, "",
                    t("import.error.missing_column", header=f.header, aliases=joined(f.aliases[:6]))))


def _parse(kind: ImportKind, raw: pd.DataFrame, out: _Collector) -> pd.DataFrame:
    typed = {}
    for f in FIELDS[kind]:
        values, errors = parse_column(raw[f.name].tolist(), f)
        for position, error in errors.items():
            idx = raw.index[position]
            out.add(idx, f.name, error.message(out.header(idx, f.name)))
        typed[f.name] = pd.Series(values, index=raw.index, dtype=object)
    return pd.DataFrame(typed, index=raw.index)


def _resolve_places(typed: pd.DataFrame, divisions: Divisions, out: _Collector,
                    with_village: bool) -> None:
    towns, villages = [], []
    for idx, town, village in zip(typed.index, typed["town"],
                                  typed["village"] if with_village else [None] * len(typed), strict=True):
        town_code = village_code = None
        if town is not None:
            try:
                town_code = divisions.town(town)
            except ResolveError as exc:
                out.add(idx, "town", str(exc))
        if with_village and town_code is not None and village is not None:
            try:
                village_code = divisions.village(town_code, village)
            except ResolveError as exc:
                out.add(idx, "village", str(exc))
        towns.append(town_code)
        villages.append(village_code)
    typed["town_code"] = pd.Series(towns, index=typed.index, dtype=object)
    if with_village:
        typed["village_code"] = pd.Series(villages, index=typed.index, dtype=object)


def _resolve_villages_anywhere(typed: pd.DataFrame, divisions: Divisions, out: _Collector) -> None:
    codes = []
    for idx, village in zip(typed.index, typed["village"], strict=True):
        code = None
        if village is not None:
            try:
                code = divisions.village_anywhere(village)
            except ResolveError as exc:
                out.add(idx, "village", str(exc))
        codes.append(code)
    typed["village_code"] = pd.Series(codes, index=typed.index, dtype=object)


def _id_check_digit_per_cell(series: pd.Series) -> pd.Series:
    # Only well-formed numbers are judged here; the format check reports the others.
    return series.map(lambda v: not isinstance(v, str) or len(v) != 18 or not v[:17].isdigit()
                      or is_valid(v))


_ASCII_ID = re.compile(r"[0-9]{17}[0-9Xx]")


def _id_check_digit(series: pd.Series) -> pd.Series:
    """:func:`_id_check_digit_per_cell` with the check digits of plain ASCII numbers (all but
    a stray few) computed in numpy at once; the rest go through the per-cell rule.
    """
    values = series.tolist()
    ascii_rows = [i for i, v in enumerate(values) if isinstance(v, str) and _ASCII_ID.fullmatch(v)]
    result = np.ones(len(values), dtype=bool)
    if ascii_rows:
        text = "".join(values[i] for i in ascii_rows).upper().encode("ascii")
        grid = np.frombuffer(text, dtype=np.uint8).reshape(-1, 18)
        totals = (grid[:, :17].astype(np.int64) - ord("0")) @ np.array(WEIGHTS, dtype=np.int64)
        expected = np.frombuffer(CHECK_CHARS.encode("ascii"), dtype=np.uint8)[totals % 11]
        result[ascii_rows] = grid[:, 17] == expected
    if len(ascii_rows) < len(values):
        chosen = set(ascii_rows)
        others = [i for i in range(len(values)) if i not in chosen]
        result[others] = _id_check_digit_per_cell(pd.Series([values[i] for i in others], dtype=object)).to_numpy(bool)
    return pd.Series(result, index=series.index)


def _id_checks() -> list[pa.Check]:
    return [pa.Check.str_matches(ID_PATTERN, error="id_format"),
            pa.Check(_id_check_digit, error="id_check_digit")]


@dataclass(frozen=True)
class Box:
    """Where coordinates may lie: the district outline's bounding box widened by a margin."""

    lon: tuple[float, float]
    lat: tuple[float, float]


@lru_cache(maxsize=8)
def _outline_bounds(outline_file: Path) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in read_outline(outline_file).bounds)


def district_box(settings: Settings) -> Box:
    minx, miny, maxx, maxy = _outline_bounds(settings.outline_file)
    margin = settings.import_limits.coordinate_margin_degrees
    return Box((round(minx - margin, 4), round(maxx + margin, 4)), (round(miny - margin, 4), round(maxy + margin, 4)))


def _coordinate_columns(box: Box) -> dict[str, pa.Column]:
    return {
        "lon": pa.Column(nullable=True, checks=pa.Check.in_range(*box.lon, error="lon_range")),
        "lat": pa.Column(nullable=True, checks=pa.Check.in_range(*box.lat, error="lat_range")),
    }


def _money_checks(high: float, error: str) -> list[pa.Check]:
    return [pa.Check.ge(0, error="nonnegative"), pa.Check.le(high, error=error)]


def _allowed(f: Field) -> pa.Check:
    return pa.Check.isin([m.value for m in f.enum], error="allowed")


def schema(kind: ImportKind, settings: Settings, unknown_households: frozenset[str] = frozenset()
           ) -> pa.DataFrameSchema:
    """The rules a typed frame of ``kind`` must meet; check ``error`` names key the messages."""
    by_name = fields_by_name(kind)
    campaign = settings.campaign
    limits = settings.import_limits
    box = district_box(settings)
    if kind is ImportKind.households:
        columns = {
            "household_id": pa.Column(nullable=False, unique=True, report_duplicates="all"),
            "head_name": pa.Column(nullable=False),
            "head_id_number": pa.Column(nullable=False, checks=_id_checks()),
            "town": pa.Column(nullable=False),
            "village": pa.Column(nullable=False),
            "members": pa.Column(nullable=False, checks=[
                pa.Check.gt(0, error="positive"), pa.Check.le(limits.max_members, error="members_max")]),
            "is_former_poor": pa.Column(nullable=False),
            "monitor_type": pa.Column(nullable=False, checks=_allowed(by_name["monitor_type"])),
            "per_capita_income": pa.Column(nullable=True, checks=_money_checks(
                limits.max_per_capita_income, "income_max")),
            "compliant_oop_spending": pa.Column(nullable=True, checks=_money_checks(
                limits.max_compliant_oop_spending, "spending_max")),
            **_coordinate_columns(box),
            **{name: pa.Column(nullable=True, checks=pa.Check.in_range(
                settings.monitoring.earliest_identification, dt.date(campaign.start.year, 12, 31),
                error="monitoring_window")) for name in ("identified_on", "assisted_on")},
        }
    elif kind is ImportKind.screenings:
        window = pa.Check.in_range(campaign.start, campaign.report_deadline, error="campaign_window")
        columns = {
            "household_id": pa.Column(nullable=False, checks=pa.Check(
                lambda s: ~s.isin(list(unknown_households)), error="household_unknown")),
            "screened_on": pa.Column(nullable=False, checks=window),
            "method": pa.Column(nullable=False, checks=_allowed(by_name["method"])),
            "result": pa.Column(nullable=False, checks=_allowed(by_name["result"])),
            "confirmed_online_on": pa.Column(nullable=True, checks=window),
            **_coordinate_columns(box),
        }
    elif kind is ImportKind.key_groups:
        columns = {
            "head_id_number": pa.Column(nullable=True, checks=_id_checks()),
            "group": pa.Column(nullable=False, checks=_allowed(by_name["group"])),
        }
    elif kind is ImportKind.hazards:
        columns = {
            "zone_id": pa.Column(nullable=False, unique=True, report_duplicates="all"),
            "kind": pa.Column(nullable=False, checks=_allowed(by_name["kind"])),
            "level": pa.Column(nullable=True, checks=_allowed(by_name["level"])),
        }
    else:
        year = campaign.start.year
        in_year = pa.Check.in_range(dt.date(year, 1, 1), dt.date(year, 12, 31), error="year_window")
        columns = {
            "town": pa.Column(nullable=False),
            "town_code": pa.Column(nullable=True, unique=True, report_duplicates="all"),
            **{name: pa.Column(nullable=True, checks=in_year)
               for name in ("plan_done_on", "training_done_on", "report_submitted_on")},
        }
    return pa.DataFrameSchema(columns, strict=False)


def _message(check: str, f: Field, settings: Settings, value: str) -> str:
    campaign = settings.campaign
    limits = settings.import_limits
    box = district_box(settings)
    key = {
        "not_nullable": "import.error.required",
        "id_format": "import.error.id_format",
        "id_check_digit": "import.error.id_check_digit",
        "allowed": "import.error.not_allowed",
        "positive": "import.error.not_positive",
        "members_max": "import.error.too_many_members",
        "income_max": "import.error.money_too_large",
        "spending_max": "import.error.money_too_large",
        "nonnegative": "import.error.negative",
        "lon_range": "import.error.lon_out_of_range",
        "lat_range": "import.error.lat_out_of_range",
        "campaign_window": "import.error.date_outside_campaign",
        "year_window": "import.error.date_outside_year",
        "monitoring_window": "import.error.date_outside_monitoring",
        "household_unknown": "import.error.household_unknown",
    }[check]
    low, high = box.lon if check == "lon_range" else box.lat
    if check == "campaign_window":
        low, high = campaign.start, campaign.report_deadline
    elif check == "monitoring_window":
        low, high = settings.monitoring.earliest_identification, dt.date(campaign.start.year, 12, 31)
    elif check == "members_max":
        low, high = 1, limits.max_members
    elif check == "income_max":
        low, high = 0, limits.max_per_capita_income
    elif check == "spending_max":
        low, high = 0, limits.max_compliant_oop_spending
    allowed = joined(m.label for m in f.enum) if f.enum else ""
    return t(key, header=f.header, allowed=allowed, low=low, high=high, year=campaign.start.year,
             value=value, district=settings.district_name, margin=limits.coordinate_margin_degrees)


def _apply_schema(kind: ImportKind, typed: pd.DataFrame, settings: Settings, out: _Collector,
                  unknown_households: frozenset[str] = frozenset()) -> None:
    try:
        schema(kind, settings, unknown_households).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return
    by_name = fields_by_name(kind)
    duplicates: dict[str, list[int]] = defaultdict(list)
    for case in failures.itertuples(index=False):
        if case.index is None or pd.isna(case.index):
            continue
        idx = int(case.index)
        name = "town" if case.column == "town_code" else case.column
        if case.check == "field_uniqueness":
            duplicates[name].append(idx)
            continue
        out.add(idx, name, _message(case.check, by_name[name], settings, display(typed.at[idx, name])))
    for name, indexes in duplicates.items():
        column = "town_code" if name == "town" else name
        groups: dict[object, list[int]] = defaultdict(list)
        for idx in sorted(indexes):
            groups[typed.at[idx, column]].append(idx)
        key = {"town": "import.error.duplicate_town", "zone_id": "import.error.duplicate_zone"}.get(
            name, "import.error.duplicate_household")
        for members in groups.values():
            for idx in members:
                others = [out.row_ref(o, idx) for o in members if o != idx][:5]
                out.add(idx, name, t(key, rows=joined(others)))


def lookup_households(ctx: Context, column: str, values: list[str]) -> pd.DataFrame:
    """Households in the store or the batch whose ``column`` is one of ``values`` (SQL join).

    Returns household_id, town_code, village_code, head_id_number; the batch wins over the
    store, since it is what the store will hold once the batch is applied.
    """
    keys = pd.DataFrame({"key": pd.Series(sorted(set(values)), dtype=object)})
    cur = ctx.store.cursor()
    with registered(cur, "_lookup_keys", keys):
        found = cur.execute(
            f"SELECT h.household_id, h.town_code, h.village_code, h.head_id_number FROM households h "
            f"JOIN _lookup_keys k ON h.{column} = k.key"
        ).df()
    batch = ctx.batch_households
    if batch is not None and not batch.empty:
        found = found[~found["household_id"].isin(batch["household_id"])]
        found = pd.concat([found, batch[batch[column].isin(keys["key"])]], ignore_index=True)
    return found.astype(object)


def _with_keep_flags(kind: ImportKind, frame: pd.DataFrame, tables: list[Table],
                     raw: pd.DataFrame) -> pd.DataFrame:
    """Mark, per row, the optional columns its file did not have: an upsert keeps the stored
    value there instead of blanking it (a roster without key-group columns must not clear the
    flags that departments' lists set).
    """
    frame = frame.copy()
    for f in FIELDS[kind]:
        if f.required or f.name not in frame.columns:
            continue
        absent = [number for number, table in enumerate(tables) if f.name not in table.headers]
        if absent:
            frame[KEEP_PREFIX + f.name] = raw["_t"].isin(absent).to_numpy()
    return frame


def _screenings(typed: pd.DataFrame, ctx: Context, out: _Collector) -> pd.DataFrame:
    ids = typed["household_id"].dropna().tolist()
    places = lookup_households(ctx, "household_id", ids)
    unknown = frozenset(set(ids) - set(places["household_id"]))
    _apply_schema(ImportKind.screenings, typed, ctx.settings, out, unknown)
    places = places.drop_duplicates("household_id").set_index("household_id")
    frame = typed.copy()
    frame["town_code"] = frame["household_id"].map(places["town_code"]).astype(object)
    frame["village_code"] = frame["household_id"].map(places["village_code"]).astype(object)
    return frame[SCREENING_COLUMNS]


def _key_groups(typed: pd.DataFrame, ctx: Context, out: _Collector) -> pd.DataFrame:
    """Match each listed person to a household by 户编号, else by the head's ID number."""
    by_id = lookup_households(ctx, "household_id", typed["household_id"].dropna().tolist())
    known_ids = set(by_id["household_id"])
    by_number = lookup_households(ctx, "head_id_number", typed["head_id_number"].dropna().tolist())
    households_of: dict[str, list[str]] = defaultdict(list)
    for hid, number in zip(by_number["household_id"], by_number["head_id_number"], strict=True):
        households_of[number].append(hid)
    matched = []
    for idx, hid, number in zip(typed.index, typed["household_id"], typed["head_id_number"], strict=True):
        if (idx, "head_id_number") in out.flagged:
            number = None  # already reported as malformed; matching on it would only repeat that
        if hid is None and number is None:
            if (idx, "head_id_number") not in out.flagged and (idx, "household_id") not in out.flagged:
                out.add(idx, "household_id", t("import.error.key_group_no_key"))
            matched.append(None)
            continue
        owners = sorted(set(households_of.get(number, []))) if number else []
        if hid is not None:
            if hid not in known_ids:
                out.add(idx, "household_id", t("import.error.key_group_no_match",
                                               by=t("import.term.by_household_id"), value=hid))
                hid = None
            elif owners and hid not in owners:
                out.add(idx, "head_id_number", t("import.error.key_group_conflict",
                                                 household=hid, value=number, other=joined(owners)))
                hid = None
        elif len(owners) == 1:
            hid = owners[0]
        elif owners:
            out.add(idx, "head_id_number", t("import.error.key_group_ambiguous",
                                             value=number, households=joined(owners)))
        else:
            out.add(idx, "head_id_number", t("import.error.key_group_no_match",
                                             by=t("import.term.by_id_number"), value=number))
        matched.append(hid)
    return pd.DataFrame({"household_id": pd.Series(matched, index=typed.index, dtype=object),
                         "key_group": typed["group"]})


def _check_indicators(typed: pd.DataFrame, out: _Collector) -> None:
    """Village-level hazards (all kinds but floods) need their indicator and what it means; an
    indicator without a name would be a number nobody can read on the map.
    """
    flood = HazardKind.flood.value
    for idx, kind, value, name in zip(typed.index, typed["kind"], typed["indicator"], typed["indicator_name"],
                                      strict=True):
        if kind is None:
            continue
        if kind != flood and (value is None or name is None):
            missing = "indicator" if value is None else "indicator_name"
            out.add(idx, missing, t("import.error.indicator_required", kind=HazardKind(kind).label))
        elif value is not None and name is None:
            out.add(idx, "indicator_name", t("import.error.indicator_name_required"))


@dataclass
class Typed:
    """One kind's tables after the first pass: their cells gathered (``raw``) and typed, with the
    issues found so far. Picklable, so that the worker process can make it.
    """

    kind: ImportKind
    raw: pd.DataFrame
    typed: pd.DataFrame
    out: _Collector

    @property
    def tables(self) -> list[Table]:
        """File, sheet, headers and rows of each table; the cells are in ``raw``."""
        return self.out.tables


def type_tables(kind: ImportKind, tables: list[Table]) -> Typed:
    """The pass that needs no store: required columns present, every cell typed."""
    raw = _raw_frame(kind, tables)
    # The cells now live in ``raw``; keeping them twice would double what the worker sends back.
    bare = [dataclasses.replace(table, cells=table.cells.iloc[:0]) for table in tables]
    out = _Collector(kind, bare, raw)
    _check_columns(kind, bare, out)
    return Typed(kind, raw, _parse(kind, raw, out), out)


def validate_tables(kind: ImportKind, tables: list[Table], ctx: Context) -> Validated:
    """Every table of one kind, validated together (duplicates are looked for across files)."""
    return validate_typed(type_tables(kind, tables), ctx)


def validate_typed(first: Typed, ctx: Context) -> Validated:
    """The passes after :func:`type_tables`: names resolved, rules checked, store columns made.

    ``first`` is left as it was, so one typing serves the check and, later, the confirm.
    """
    kind, tables, raw = first.kind, first.tables, first.raw
    typed = first.typed.copy(deep=False)  # copy-on-write: the columns are shared until written
    out = copy.copy(first.out)
    out.issues, out.flagged = list(first.out.issues), set(first.out.flagged)
    if kind is ImportKind.households:
        _resolve_places(typed, ctx.divisions, out, with_village=True)
        _apply_schema(kind, typed, ctx.settings, out)
        frame = _with_keep_flags(kind, typed[ROSTER_COLUMNS], tables, raw)
    elif kind is ImportKind.milestones:
        _resolve_places(typed, ctx.divisions, out, with_village=False)
        _apply_schema(kind, typed, ctx.settings, out)
        frame = _with_keep_flags(kind, typed[MILESTONE_COLUMNS], tables, raw)
    elif kind is ImportKind.screenings:
        frame = _screenings(typed, ctx, out)
    elif kind is ImportKind.key_groups:
        _apply_schema(kind, typed, ctx.settings, out)
        frame = _key_groups(typed, ctx, out)
    else:
        _resolve_villages_anywhere(typed, ctx.divisions, out)
        _apply_schema(kind, typed, ctx.settings, out)
        _check_indicators(typed, out)
        frame = typed[["zone_id", "kind", "level", "name", "village_code", "indicator", "indicator_name",
                       "source", "observed_on"]]
    order = {(table.file, table.sheet): i for i, table in enumerate(tables)}
    issues = sorted(out.issues, key=lambda i: (order.get((i.file, i.sheet), -1), i.row or 0))
    rows_by_file: dict[str, int] = defaultdict(int)
    for table in tables:
        rows_by_file[table.file] += len(table.rows)
    origins = pd.DataFrame({"file": [tables[number].file for number in raw["_t"]],
                            "sheet": [tables[number].sheet for number in raw["_t"]],
                            "row": raw["_row"].astype(int).to_numpy()}, index=raw.index)
    return Validated(kind, frame, len(raw), issues, dict(rows_by_file), origins)
