"""Spot checks (抽查) in the store: the frozen frame, stored draws, field lists and checker results."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import python_calamine
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from data_loaders.store import IS_KEY_SQL, KEY_COLUMNS, Store
from paicha import sampling, verdicts
from paicha.config import Settings, User
from paicha.privacy import mask_frame
from paicha.scope import Scope
from paicha.vocab import ScreeningMethod, ScreeningResult, key_group_labels

# Mean Earth radius (IUGG). Over the few kilometres between a house and a recorded visit the
# equirectangular approximation used below differs from the haversine by far less than GPS error.
EARTH_RADIUS_M = 6_371_008.8

ITEM_COLUMNS = ["draw_id", "household_id", "town_code", "village_code", "screener",
                *sampling.SAMPLE_COLUMNS[2:]]

# The one reference record of a household: its first screening on or before the date, a home
# visit first among records of the same day. The frame's screener and the field list's
# "original" columns both come from it, so errors are charged to the screener the list shows.
_FIRST_RECORD_ORDER = (f"s.screened_on, s.method <> '{ScreeningMethod.home_visit.value}', "
                       "s.screener NULLS LAST, s.result, s.leaflet_given")


class SpotCheckError(ValueError):
    """A draw or result entry that cannot be carried out; ``args[0]`` is the Chinese message."""


# --------------------------------------------------------------------------- the frame


def build_frame(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                include_unscreened: bool = False) -> pd.DataFrame:
    """The sampling frame as of a date: one row per household in scope, in ``FRAME_COLUMNS``.

    Screened households (a record on or before ``as_of``) always; unscreened ones too with
    ``include_unscreened``, so that a check can also verify that nobody was left out (不落一户).
    The warning flags used by the back-check:

    - ``key_not_home_visited``: a key household without a home visit by ``as_of``;
    - ``screener_overload``: one of its home visits falls on a (screener, day) with more than
      ``thresholds.max_home_visits_per_day`` home visits;
    - ``far_visit``: a home visit recorded farther than ``thresholds.far_visit_metres`` from the
      household's location;
    - ``hazard_exposed``: the household lies in a hazard zone.
    """
    where_h, p_h = store.scope_sql(scope, "h")
    home = ScreeningMethod.home_visit.value
    distance = (f"{EARTH_RADIUS_M} * sqrt(power(radians(s.lon - hh.lon) * cos(radians((s.lat + hh.lat) / 2)), 2)"
                " + power(radians(s.lat - hh.lat), 2))")
    sql = f"""
    WITH hh AS (
        SELECT h.household_id, h.town_code, h.village_code, h.lon, h.lat, {IS_KEY_SQL} AS is_key
        FROM households h WHERE {where_h}),
    rec AS (
        SELECT s.household_id, s.screened_on, s.method, s.screener, s.result, s.leaflet_given,
               s.lon, s.lat
        FROM screenings s SEMI JOIN hh USING (household_id)
        WHERE s.screened_on <= $as_of),
    -- A screener's load counts all their home visits of the day, in or out of this scope: one who
    -- visited 20 households in each of two towns on a day is as implausible as one with 40 in one.
    -- Only the flag leaves this query, never another town's household.
    loads AS (
        SELECT s.screener, s.screened_on, count(*) AS visits
        FROM screenings s
        WHERE s.method = '{home}' AND s.screened_on <= $as_of
          AND s.screener IN (SELECT screener FROM rec WHERE method = '{home}')
        GROUP BY ALL),
    per AS (
        SELECT s.household_id, TRUE AS screened,
               first(s.screener ORDER BY {_FIRST_RECORD_ORDER}) AS screener,
               bool_or(s.method = '{home}') AS home_visited,
               bool_or(s.method = '{home}' AND l.visits > ?) AS overload,
               bool_or(s.method = '{home}' AND {distance} > ?) AS far
        FROM rec s JOIN hh USING (household_id)
        LEFT JOIN loads l ON l.screener = s.screener AND l.screened_on = s.screened_on
        GROUP BY s.household_id)
    SELECT hh.household_id, hh.town_code, hh.village_code, per.screener, hh.is_key,
           coalesce(per.screened, FALSE) AS screened,
           hh.is_key AND NOT coalesce(per.home_visited, FALSE) AS key_not_home_visited,
           coalesce(per.overload, FALSE) AS screener_overload,
           coalesce(per.far, FALSE) AS far_visit,
           hh.household_id IN (SELECT household_id FROM household_hazards) AS hazard_exposed
    FROM hh LEFT JOIN per USING (household_id)
    WHERE per.screened OR ?
    ORDER BY hh.household_id
    """
    t = settings.thresholds
    frame = store.query(Store._numbered(sql), [*p_h, t.max_home_visits_per_day, t.far_visit_metres,
                                               bool(include_unscreened), as_of])
    for column in sampling.BOOL_COLUMNS:
        frame[column] = frame[column].astype(bool)
    frame["screener"] = frame["screener"].astype(object).where(frame["screener"].notna(), None)
    return frame[list(sampling.FRAME_COLUMNS)]


# --------------------------------------------------------------------------- draws


@dataclass(frozen=True)
class Draw:
    """A stored draw: what was drawn, from which frame, and the households it picked."""

    draw_id: int
    method: str
    parameters: dict
    seed: int
    as_of: dt.date
    scope: str
    frame_size: int
    frame_hash: str
    sample: pd.DataFrame = field(repr=False)  # SAMPLE_COLUMNS + town_code, screener


def _check_scope(user: User, scope: Scope) -> None:
    if scope.is_empty:
        raise PermissionError("未登录，不能抽样或录入。")
    if user.town_code and scope.town_code != user.town_code:
        raise PermissionError("乡镇用户只能在本乡镇（街道）范围内抽样和录入。")


def create_draw(store: Store, settings: Settings, user: User, scope: Scope, as_of: dt.date,
                method: str, params: dict | None = None, seed: int | None = None,
                include_unscreened: bool = False) -> Draw:
    """Build the frame, draw by the method and store draw and items in one transaction.

    Every call is a new draw with a new ``draw_id``, also when it repeats an earlier one: a
    redraw stays visible in the log instead of silently replacing the sample. Without a seed
    one is chosen at random and stored, so the draw can still be replayed.
    """
    if user is None or not user.can("sample"):
        raise PermissionError("没有抽样权限。")
    _check_scope(user, scope)
    plan = verdicts.make_plan(method, params)
    seed = secrets.randbelow(2**31) if seed is None else seed
    frame = build_frame(store, settings, scope, as_of, include_unscreened)
    if frame.empty:
        raise SpotCheckError(f"抽样框为空：截至{as_of}，范围内没有可抽取的农户。")
    sample, stored = verdicts.draw(frame, plan, seed)
    if sample.empty:
        raise SpotCheckError("按所选方法和参数没有抽到任何农户（例如范围内没有已排查农户或重点户）。")
    sample = sample.merge(frame[["household_id", "town_code", "screener"]], on="household_id", how="left")
    frame_digest = sampling.frame_hash(frame)
    town_code = scope.town_code or scope.district_code
    with store.transaction(refresh=False) as cur:
        draw_id = int(cur.execute("SELECT nextval('spot_check_draw_seq')").fetchone()[0])
        cur.execute(
            "INSERT INTO spot_check_draws VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [draw_id, dt.datetime.now(), user.id, scope.key(), town_code, as_of, plan.method.value,
             json.dumps(stored, ensure_ascii=False, sort_keys=True), int(seed), bool(include_unscreened),
             frame_digest, len(frame), len(sample)])
        Store.insert_frame(cur, "spot_check_items", sample.assign(draw_id=draw_id), ITEM_COLUMNS)
        store.audit(user.id, "spot_check_draw", scope,
                    {"draw_id": draw_id, "method": plan.method.value, "seed": int(seed),
                     "as_of": as_of.isoformat(), "frame_hash": frame_digest}, len(sample))
    return Draw(draw_id, plan.method.value, stored, int(seed), as_of, scope.key(), len(frame),
                frame_digest, sample)


def draw_log(store: Store, scope: Scope) -> pd.DataFrame:
    """Every draw visible in the scope, newest first, with how many of its households are checked.

    A town sees the draws made in that town; the district sees its own and every town's.
    """
    where, params = store.scope_sql(scope, "d")
    frame = store.query(f"""
        SELECT d.draw_id, d.drawn_at, d.user_name, d.scope, d.town_code, t.town_name, d.as_of,
               d.method, d.parameters, d.seed, d.include_unscreened, d.frame_hash, d.frame_size,
               d.sample_size,
               (SELECT count(*) FROM spot_check_items i
                WHERE i.draw_id = d.draw_id AND i.consistent IS NOT NULL) AS checked
        FROM spot_check_draws d
        LEFT JOIN (SELECT DISTINCT town_code, town_name FROM divisions) t USING (town_code)
        WHERE {where}
        ORDER BY d.draw_id DESC
    """, params)
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame


def draw_record(store: Store, scope: Scope, draw_id: int) -> dict | None:
    """One draw of the log (parameters parsed), or None when it is not visible in the scope."""
    where, params = store.scope_sql(scope, "d")
    rows = store.query(f"SELECT * FROM spot_check_draws d WHERE d.draw_id = ? AND {where}",
                       [int(draw_id), *params])
    if rows.empty:
        return None
    record = rows.iloc[0].to_dict()
    record["parameters"] = json.loads(record["parameters"])
    record["as_of"] = pd.Timestamp(record["as_of"]).date()
    return record


def frame_unchanged(store: Store, settings: Settings, scope: Scope, draw_id: int) -> bool | None:
    """Whether the draw's frame, rebuilt today, still has the hash stored with the draw.

    Records after the as-of date are invisible to the frame, so it only changes when records on
    or before that date were added, corrected or deleted since: exactly what an auditor must
    know before trusting that the stored sample came from the frame as it now stands.
    None when the draw is not visible in the scope.
    """
    record = draw_record(store, scope, draw_id)
    if record is None:
        return None
    code = record["town_code"]
    own = (Scope.district(settings.district_code) if code == settings.district_code
           else Scope.town(settings.district_code, code))
    frame = build_frame(store, settings, own, record["as_of"], bool(record["include_unscreened"]))
    return sampling.frame_hash(frame) == record["frame_hash"]


def _items_sql(scope: Scope, personal: bool) -> tuple[str, list]:
    where_d, p_d = Store.scope_sql(scope, "d")
    where_i, p_i = Store.scope_sql(scope, "i")
    kg = ", ".join(f"h.{c}" for c in KEY_COLUMNS)
    person = (f"h.head_name, h.head_id_number, h.phone, h.members, h.per_capita_income, {kg}, "
              if personal else "")
    sql = f"""
    WITH draw AS (SELECT d.draw_id, d.as_of FROM spot_check_draws d WHERE d.draw_id = ? AND {where_d}),
    mine AS (SELECT i.* FROM spot_check_items i JOIN draw USING (draw_id) WHERE {where_i}),
    ref AS (
        SELECT s.household_id, s.screened_on AS ref_screened_on, s.method AS ref_method,
               s.result AS ref_result, s.leaflet_given AS ref_leaflet_given
        FROM screenings s SEMI JOIN mine USING (household_id)
        WHERE s.screened_on <= (SELECT as_of FROM draw)
        QUALIFY row_number() OVER (PARTITION BY s.household_id ORDER BY {_FIRST_RECORD_ORDER}) = 1)
    SELECT mine.*, dv.town_name, dv.village_name, {person}
           ref.ref_screened_on, ref.ref_method, ref.ref_result, ref.ref_leaflet_given
    FROM mine
    LEFT JOIN households h USING (household_id)
    LEFT JOIN divisions dv ON dv.village_code = mine.village_code
    LEFT JOIN ref USING (household_id)
    ORDER BY mine.village_code, mine.household_id
    """
    return sql, [*p_d, *p_i]


def _nullable(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None (not NaN or NA), so that comparisons and labels treat them alike."""
    return frame.astype(object).where(frame.notna(), None)


def draw_items(store: Store, settings: Settings, scope: Scope, draw_id: int,
               unmasked: bool = False) -> pd.DataFrame:
    """A draw's households with who they are, their reference screening and any results so far.

    ID numbers and phones are masked unless ``unmasked`` (the caller checks the permission).
    """
    sql, params = _items_sql(scope, personal=True)
    frame = store.query(Store._numbered(sql), [int(draw_id), *params])
    frame = mask_frame(frame, unmasked=unmasked)
    frame["key_groups"] = key_group_labels(frame)
    line = settings.thresholds.monitoring_income
    frame["roster_income_band"] = [
        band.value if (band := verdicts.income_band(v, line)) else None for v in frame["per_capita_income"]]
    frame["ref_screened_on"] = pd.to_datetime(frame["ref_screened_on"]).dt.date
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("kg_")] + ["per_capita_income"])
    answers = _nullable(frame[list(verdicts.ANSWER_COLUMNS)])
    frame[list(verdicts.ANSWER_COLUMNS)] = answers
    return frame


def _plain_items(store: Store, scope: Scope, draw_id: int) -> pd.DataFrame:
    sql, params = _items_sql(scope, personal=False)
    return store.query(Store._numbered(sql), [int(draw_id), *params])


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class DrawVerdicts:
    """What a draw's results say: rates by village, screener and town, LQAS, follow-ups."""

    estimate: verdicts.Estimate
    by_village: pd.DataFrame
    by_screener: pd.DataFrame
    by_town: pd.DataFrame
    lqas: pd.DataFrame | None
    follow_up: pd.DataFrame
    screener_error_rate: float


def draw_verdicts(store: Store, settings: Settings, scope: Scope, draw_id: int) -> DrawVerdicts | None:
    """Verdicts of one draw in scope, or None when the draw is not visible."""
    record = draw_record(store, scope, draw_id)
    if record is None:
        return None
    items = _plain_items(store, scope, draw_id)
    villages = items.drop_duplicates("village_code").set_index("village_code")
    towns = items.drop_duplicates("town_code").set_index("town_code")["town_name"]
    by_village = verdicts.error_rates(items, "village_code")
    by_village.insert(1, "village_name", by_village["village_code"].map(villages["village_name"]))
    by_village.insert(1, "town_name", by_village["village_code"].map(villages["town_name"]))
    by_town = verdicts.error_rates(items, "town_code")
    by_town.insert(1, "town_name", by_town["town_code"].map(towns))
    by_screener = verdicts.error_rates(items.assign(screener=items["screener"].fillna("")), "screener")
    lqas = None
    if record["method"] == verdicts.Method.lqas.value:
        lqas = verdicts.lqas_verdicts(items, record["parameters"]["villages"])
        lqas.insert(1, "village_name", lqas["village_code"].map(villages["village_name"]))
    threshold = settings.thresholds.screener_error_rate
    return DrawVerdicts(verdicts.estimate(items), by_village, by_screener, by_town, lqas,
                        verdicts.follow_up_screeners(by_screener, threshold), threshold)


# --------------------------------------------------------------------------- field lists

# Header, width (Excel characters) and source column of each printed column. Only 户编号 and the
# answer headers are read back by read_results. The read-only context is folded into wrapped
# cells (who the household is; what the original screening recorded): with one column per fact
# the list is 250 characters wide and A4 landscape "fit to width" would print it in 5 pt.
LIST_COLUMNS: list[tuple[str, float, str]] = [
    ("序号", 4, "row_no"),
    ("户编号", 19, "household_id"),
    ("村（社区）", 12, "village_name"),
    ("户主、证件号码、电话", 19, "household_contact"),
    ("重点群体", 11, "key_groups"),
    ("抽中原因", 10, "reason"),
    ("原排查记录", 17, "ref_record"),
    ("花名册收入区间", 9, "roster_income_band"),
]
ANSWER_WIDTHS = {"visited": 5, "method": 9, "result": 11, "leaflet_given": 6, "income_band": 11,
                 "consistent": 5, "differing": 12, "note": 14}
HOUSEHOLD_HEADER = "户编号"
_DRAW_IN_TITLE = re.compile(r"抽样编号\s*[:：]?\s*(\d+)")
HEADER_SCAN_ROWS = 10
HELP_SHEET = "填写说明"


@dataclass(frozen=True)
class FieldList:
    """One checker team's printable list."""

    team: int
    file_name: str
    content: bytes
    households: int


def _list_rows(items: pd.DataFrame) -> pd.DataFrame:
    out = items.copy()
    out["reason"] = out["reason"].map(verdicts.REASON_LABELS).fillna(out["reason"])
    out["ref_method"] = out["ref_method"].map(ScreeningMethod.labels())
    out["ref_result"] = out["ref_result"].map(ScreeningResult.labels())
    out["ref_leaflet_given"] = out["ref_leaflet_given"].map({True: verdicts.YES, False: verdicts.NO})
    out["roster_income_band"] = out["roster_income_band"].map(verdicts.IncomeBand.labels())
    out["ref_screened_on"] = [d.isoformat() if isinstance(d, dt.date) else None for d in out["ref_screened_on"]]
    out["household_contact"] = ["\n".join(str(v) for v in vals if v is not None and not pd.isna(v))
                                for vals in zip(out["head_name"], out["head_id_number"], out["phone"], strict=True)]
    out["ref_record"] = [
        f"{on or ''} {method or ''}\n{result or ''}；明白纸：{leaflet or '—'}" if on else None
        for on, method, result, leaflet in zip(out["ref_screened_on"], out["ref_method"], out["ref_result"],
                                              out["ref_leaflet_given"], strict=True)]
    labels = [verdicts.answer_labels(row) for row in out[list(verdicts.ANSWER_COLUMNS)].to_dict("records")]
    out[list(verdicts.ANSWER_COLUMNS)] = pd.DataFrame(labels, index=out.index, columns=list(verdicts.ANSWER_COLUMNS))
    return out


def _workbook(rows: pd.DataFrame, title: str, team: int, settings: Settings, masked: bool) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title_fmt = book.add_format({"bold": True, "font_size": 13, "valign": "vcenter"})
    head_fmt = book.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center",
                                "valign": "vcenter", "bg_color": "#D9E1F2"})
    fill_head_fmt = book.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center",
                                     "valign": "vcenter", "bg_color": "#FFE699"})
    cell_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "vcenter", "font_size": 10})
    fill_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "vcenter", "font_size": 10,
                                "bg_color": "#FFF9E5"})
    sheet = book.add_worksheet(f"第{team}组")
    answer_headers = [(verdicts.ANSWER_LABELS[c], ANSWER_WIDTHS[c], c) for c in verdicts.ANSWER_COLUMNS]
    columns = LIST_COLUMNS + answer_headers
    fill_from = len(LIST_COLUMNS)
    sheet.merge_range(0, 0, 0, len(columns) - 1, title, title_fmt)
    sheet.set_row(0, 24)
    sheet.set_row(1, 32)
    for j, (header, width, _) in enumerate(columns):
        sheet.set_column(j, j, width)
        sheet.write_string(1, j, header, fill_head_fmt if j >= fill_from else head_fmt)
    for i, row in enumerate(rows.to_dict("records")):
        sheet.set_row(2 + i, 42)  # three lines of context, and room to write by hand
        for j, (_, _, source) in enumerate(columns):
            value = i + 1 if source == "row_no" else row.get(source)
            fmt = fill_fmt if j >= fill_from else cell_fmt
            if value is None or (isinstance(value, float) and pd.isna(value)):
                sheet.write_blank(2 + i, j, None, fmt)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(2 + i, j, value, fmt)
            else:
                # Text always: 户编号 and ID numbers must never become numbers in Excel.
                sheet.write_string(2 + i, j, str(value), fmt)
    last = max(2, 1 + len(rows))
    choices = {"visited": [verdicts.YES, verdicts.NO], "leaflet_given": [verdicts.YES, verdicts.NO],
               "consistent": [verdicts.YES, verdicts.NO],
               "method": [m.label for m in ScreeningMethod], "result": [r.label for r in ScreeningResult],
               "income_band": [b.label for b in verdicts.IncomeBand]}
    for j, (_, _, source) in enumerate(columns):
        if source in choices:
            sheet.data_validation(2, j, last, j, {"validate": "list", "source": choices[source],
                                                  "error_title": "取值无效", "error_type": "warning",
                                                  "error_message": "请从下拉列表中选择。"})
    sheet.freeze_panes(2, 2)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.5)
    sheet.repeat_rows(0, 1)
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    sheet.set_footer("&C第 &P 页，共 &N 页" + ("" if masked else "    &R未脱敏，注意保密"))
    _help_sheet(book, settings)
    book.close()
    return buffer.getvalue()


def _help_sheet(book: xlsxwriter.Workbook, settings: Settings) -> None:
    line = settings.thresholds.monitoring_income
    upper = line * verdicts.NEAR_LINE_FACTOR
    notes = [
        "黄色各列由核查人员填写；其余各列为原排查记录，请勿修改，尤其不要修改户编号。",
        "是否入户、是否发放明白纸、是否一致：填“是”或“否”。",
        "排查方式：" + "、".join(m.label for m in ScreeningMethod) + "（核查时向农户了解到的实际方式）。",
        "排查结果：" + "、".join(r.label for r in ScreeningResult) + "（核查人员的判断）。",
        f"收入区间：低于监测线（人均纯收入低于{line:,.0f}元）、监测线至1.5倍（{line:,.0f}至{upper:,.0f}元）、"
        f"高于监测线1.5倍（{upper:,.0f}元及以上）。",
        "是否一致：与原排查记录（是否入户、排查方式、排查结果、是否发放明白纸、收入区间）逐项比对，"
        "全部相符填“是”；有不符填“否”，并在不一致字段中写明哪几项，用顿号分隔，例如：排查方式、是否发放明白纸。",
        "未核查的户整行留空；导入时留空的行不会覆盖已录入的结果。",
    ]
    sheet = book.add_worksheet(HELP_SHEET)
    sheet.set_column(0, 0, 110)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for i, note in enumerate(notes):
        sheet.write_string(i, 0, f"{i + 1}. {note}", wrap)


def field_lists(store: Store, settings: Settings, scope: Scope, draw_id: int, teams: int,
                unmasked: bool = False) -> list[FieldList]:
    """One printable Excel list per checker team, whole villages per team (see split_teams).

    The caller checks the export permission and, for ``unmasked``, the unmask permission, and
    writes the audit line when the file leaves (the download).
    """
    record = draw_record(store, scope, draw_id)
    if record is None:
        return []
    items = draw_items(store, settings, scope, draw_id, unmasked=unmasked)
    team_of = verdicts.split_teams(items["village_code"], teams)
    rows = _list_rows(items)
    masked_note = "未脱敏" if unmasked else "证件号码和电话已脱敏"
    lists = []
    for team in range(1, teams + 1):
        mine = rows.loc[team_of == team]
        if mine.empty:
            continue
        title = (f"{settings.campaign.name}抽查核查清单　抽样编号：{draw_id}　第{team}组（共{teams}组，"
                 f"{len(mine)}户）　{verdicts.Method(record['method']).label}　截至{record['as_of']}　{masked_note}")
        content = _workbook(mine, title, team, settings, masked=not unmasked)
        lists.append(FieldList(team, f"抽查清单_第{draw_id}号_第{team}组.xlsx", content, len(mine)))
    return lists


def zip_lists(lists: list[FieldList]) -> bytes:
    """All teams' lists in one zip, for the person who hands them out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in lists:
            archive.writestr(item.file_name, item.content)
    return buffer.getvalue()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_download(lists: list[FieldList], team: int, draw_id: int) -> tuple[str, bytes, int, str]:
    """(file name, content, households, mime type) of one team's list, or of all in a zip (team 0)."""
    if team == 0:
        return (f"抽查清单_第{draw_id}号_全部{len(lists)}组.zip", zip_lists(lists),
                sum(fl.households for fl in lists), "application/zip")
    chosen = next(fl for fl in lists if fl.team == team)
    return chosen.file_name, chosen.content, chosen.households, XLSX_MIME


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ResultOutcome:
    """What a result entry did: households saved, or the problems that stopped it (nothing saved)."""

    saved: int
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_can_enter(user: User, scope: Scope) -> None:
    # Entering results is part of the spot check itself, so it needs the same permission as drawing.
    if user is None or not user.can("sample"):
        raise PermissionError("没有录入核查结果的权限。")
    _check_scope(user, scope)


def _stored_answers(store: Store, scope: Scope, draw_id: int) -> dict[str, dict]:
    items = _plain_items(store, scope, draw_id)
    answers = _nullable(items[["household_id", *verdicts.ANSWER_COLUMNS]])
    return {row["household_id"]: {c: row[c] for c in verdicts.ANSWER_COLUMNS}
            for row in answers.to_dict("records")}


def _same(a: dict, b: dict) -> bool:
    return all((a.get(c) is None and b.get(c) is None) or a.get(c) == b.get(c) for c in verdicts.ANSWER_COLUMNS)


def save_answers(store: Store, scope: Scope, draw_id: int, user: User,
                 answers: dict[str, verdicts.Answers], source: str, clear_blank: bool) -> int:
    """Write the answers that changed, all in one transaction, with who and when.

    ``clear_blank`` makes an all-blank row erase stored results (the editor, where the user
    sees them); a file import leaves stored results alone for rows left blank.
    """
    _check_can_enter(user, scope)
    current = _stored_answers(store, scope, draw_id)
    changed = {hid: a for hid, a in answers.items()
               if hid in current and not (a.is_blank and not clear_blank) and not _same(a.as_dict(), current[hid])}
    if not changed:
        return 0
    rows = pd.DataFrame([{"household_id": hid, **a.as_dict()} for hid, a in changed.items()])
    typed = pd.DataFrame({"household_id": rows["household_id"].astype("string")})
    for column in verdicts.ANSWER_COLUMNS:
        kind = "boolean" if column in ("visited", "leaflet_given", "consistent") else "string"
        typed[column] = rows[column].astype(kind)
    sets = ", ".join(f"{c} = a.{c}" for c in verdicts.ANSWER_COLUMNS)
    with store.transaction(refresh=False) as cur:
        cur.register("_answers", typed)
        try:
            cur.execute(f"""
                UPDATE spot_check_items SET {sets}, checked_by = ?, checked_at = ?
                FROM _answers a
                WHERE spot_check_items.draw_id = ? AND spot_check_items.household_id = a.household_id
            """, [user.id, dt.datetime.now(), int(draw_id)])
        finally:
            cur.unregister("_answers")
        store.audit(user.id, "spot_check_results", scope, {"draw_id": int(draw_id), "source": source},
                    len(changed))
    return len(changed)


def save_editor(store: Store, scope: Scope, draw_id: int, user: User, edited: pd.DataFrame) -> ResultOutcome:
    """Results typed on the page: one row per household, answer columns holding checker labels."""
    _check_can_enter(user, scope)
    errors: list[str] = []
    parsed: dict[str, verdicts.Answers] = {}
    for i, row in enumerate(edited.to_dict("records"), start=1):
        answers, problems = verdicts.parse_answers(row)
        for column, message in problems:
            errors.append(f"第{i}行（户编号{row['household_id']}）「{verdicts.ANSWER_LABELS[column]}」：{message}")
        parsed[str(row["household_id"])] = answers
    if errors:
        return ResultOutcome(0, errors)
    return ResultOutcome(save_answers(store, scope, draw_id, user, parsed, "editor", clear_blank=True), [])


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_results(content: bytes, file_name: str, draw_id: int, draw_households: set[str],
                 known: Callable[[set[str]], set[str]] | None = None,
                 ) -> tuple[dict[str, verdicts.Answers], list[str]]:
    """Answers from a filled-in field list, or every problem found (sheet, Excel row, column).

    Sheets are found by their header row (a cell 户编号 within the first rows); the help sheet
    and sheets without one are skipped. A title naming another 抽样编号 is refused: results
    typed for one draw must not land on another. Rows without any answer are not checked yet.

    Parameters
    ----------
    draw_households
        Household ids of the draw.
    known
        Given the ids found that are not in the draw, returns those that exist in the roster
        within scope, to tell an unknown household from one that is merely not in this draw;
        without it every foreign id is "not in this draw".
    """
    def where(sheet: str, row: int, header: str, col: int) -> str:
        return f"{file_name} 工作表「{sheet}」第{row}行「{header}」列（{xl_col_to_name(col)}列）"

    try:
        book = python_calamine.load_workbook(io.BytesIO(content))
    except Exception as exc:  # calamine raises several unrelated types for a broken file
        return {}, [f"{file_name}：无法读取Excel文件（文件可能已损坏、加密或不是xlsx格式）：{exc}"]
    errors: list[str] = []
    answers: dict[str, verdicts.Answers] = {}
    first_row: dict[str, str] = {}
    foreign: list[tuple[int, str, str]] = []  # (error slot, household id, where)
    found_header = False
    header_to_column = {v: k for k, v in verdicts.ANSWER_LABELS.items()}
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet or meta.name == HELP_SHEET:
                continue
            # skip_empty_area=False keeps leading empty rows, so list index + 1 is Excel's row.
            grid = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            header_at = next((r for r, cells in enumerate(grid[:HEADER_SCAN_ROWS])
                              if HOUSEHOLD_HEADER in [_cell_text(c) for c in cells]), None)
            if header_at is None:
                continue
            found_header = True
            for r in range(header_at):
                for c, cell in enumerate(grid[r]):
                    match = _DRAW_IN_TITLE.search(_cell_text(cell))
                    if match and int(match.group(1)) != int(draw_id):
                        errors.append(f"{where(meta.name, r + 1, '标题', c)}：这是抽样编号{match.group(1)}的清单，"
                                      f"不是当前选择的抽样编号{draw_id}。")
            headers = {_cell_text(h): j for j, h in enumerate(grid[header_at])}
            missing = [h for h in verdicts.ANSWER_LABELS.values() if h not in headers]
            if missing:
                errors.append(f"{file_name} 工作表「{meta.name}」第{header_at + 1}行：缺少列「"
                              + "」「".join(missing) + "」。请使用系统导出的核查清单填写。")
                continue
            id_col = headers[HOUSEHOLD_HEADER]
            for r in range(header_at + 1, len(grid)):
                cells = grid[r]
                excel_row = r + 1
                raw = {header_to_column[h]: (cells[j] if j < len(cells) else None)
                       for h, j in headers.items() if h in header_to_column}
                hid = _cell_text(cells[id_col] if id_col < len(cells) else None)
                parsed, problems = verdicts.parse_answers(raw)
                if parsed.is_blank and not problems:
                    continue
                if not hid:
                    errors.append(f"{where(meta.name, excel_row, HOUSEHOLD_HEADER, id_col)}：填写了核查结果，但户编号为空。")
                    continue
                if hid not in draw_households:
                    foreign.append((len(errors), hid, where(meta.name, excel_row, HOUSEHOLD_HEADER, id_col)))
                    errors.append("")  # filled in below, once the roster has been asked about all of them
                    continue
                if hid in first_row:
                    errors.append(f"{where(meta.name, excel_row, HOUSEHOLD_HEADER, id_col)}：户编号「{hid}」"
                                  f"重复，已在{first_row[hid]}出现。")
                    continue
                first_row[hid] = f"工作表「{meta.name}」第{excel_row}行"
                for column, message in problems:
                    header = verdicts.ANSWER_LABELS[column]
                    errors.append(f"{where(meta.name, excel_row, header, headers[header])}：{message}")
                answers[hid] = parsed
    roster = known({hid for _, hid, _ in foreign}) if known and foreign else None
    for index, hid, place in foreign:
        if roster is not None and hid not in roster:
            errors[index] = f"{place}：户编号「{hid}」不在农户花名册中（或不在您的管辖范围内），请核对户编号。"
        else:
            errors[index] = f"{place}：户编号「{hid}」不在抽样编号{draw_id}的样本中，不能录入本次抽查。"
    if not found_header:
        errors.append(f"{file_name}：没有找到表头（含“{HOUSEHOLD_HEADER}”的行）。请使用系统导出的核查清单填写。")
    return answers, errors


def import_results(store: Store, scope: Scope, draw_id: int, user: User, content: bytes,
                   file_name: str) -> ResultOutcome:
    """Read a filled-in field list and save it: every row or, if any problem is found, none."""
    _check_can_enter(user, scope)
    if draw_record(store, scope, draw_id) is None:
        return ResultOutcome(0, [f"抽样编号{draw_id}不存在或不在您的范围内。"])
    in_draw = set(_plain_items(store, scope, draw_id)["household_id"])
    where_h, p_h = store.scope_sql(scope, "h")

    def known(ids: set[str]) -> set[str]:
        found = store.query(f"SELECT h.household_id FROM households h WHERE {where_h} "
                            "AND h.household_id IN (SELECT unnest(?))", [*p_h, sorted(ids)])
        return set(found["household_id"])

    answers, errors = read_results(content, file_name, draw_id, in_draw, known)
    if errors:
        return ResultOutcome(0, errors)
    return ResultOutcome(save_answers(store, scope, draw_id, user, answers, f"file:{file_name}",
                                      clear_blank=False), [])
