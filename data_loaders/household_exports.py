"""The household lists as files: a printable field list (Excel) a cadre takes into the village, and
the same list as CSV for machines; both built from a list's rows, masked unless asked otherwise.

A list export holds at most :data:`EXPORT_LIMIT` households: a field list is walked by a team in
a village or a town, and a bigger file means the filters were forgotten.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_loaders import households
from data_loaders.excel import Column, HelpSheet, Sheet, to_csv_bytes, write_workbook
from data_loaders.store import Store
from paicha.config import Settings
from paicha.household_lists import ListRequest
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import KeyGroup, MonitoringRule, ScreeningMethod, ScreeningResult

EXPORT_LIMIT = 20_000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
F = "households.file."


def export_rows(store: Store, settings: Settings, scope: Scope, as_of: dt.date, request: ListRequest,
                days_left: pd.DataFrame | None, unmasked: bool) -> pd.DataFrame:
    """The list's households in priority order, as the page shows them, up to the export limit."""
    return households.household_page(store, settings, scope, as_of, request, days_left, EXPORT_LIMIT, 0, unmasked)


def _key_groups(row: dict) -> str:
    return t("text.list_separator").join(g.label for g in KeyGroup if bool(row.get(g.column)))


def _method(code: object) -> str | None:
    return ScreeningMethod(code).label if isinstance(code, str) and code in ScreeningMethod.labels() else None


def _contact(row: dict) -> str:
    return "\n".join(str(v) for v in (row.get("head_name"), row.get("head_id_number"), row.get("phone"))
                     if v is not None and not pd.isna(v))


def field_list(rows: pd.DataFrame, title: str, masked: bool) -> bytes:
    """The printable list: who, where, why, how last reached; 排查方式 / 结果 / 签字 left empty.

    A4 landscape, the title and header repeated on every page, one page wide (data_loaders.excel).
    """
    records = rows.to_dict("records")
    columns = [Column(t(F + "row_no"), 4), Column(t(F + "household_id"), 19, "text"),
               Column(t(F + "village"), 11), Column(t(F + "address"), 10),
               Column(t(F + "contact"), 19, "text"), Column(t(F + "members"), 5),
               Column(t(F + "key_groups"), 11), Column(t(F + "reason"), 30), Column(t(F + "last_method"), 9),
               Column(t(F + "method"), 9, choices=tuple(m.label for m in ScreeningMethod), header_style="fill"),
               Column(t(F + "result"), 11, choices=tuple(r.label for r in ScreeningResult), header_style="fill"),
               Column(t(F + "signature"), 10, header_style="fill")]
    values = [[i + 1, r["household_id"], r.get("village_name"), r.get("address"), _contact(r), r.get("members"),
               _key_groups(r), r.get("reason"), _method(r.get("last_method")), None, None, None]
              for i, r in enumerate(records)]
    sheet = Sheet(t(F + "sheet"), columns, values, title=title, landscape=True, boxed=True, header_height=32,
                  row_height=42, frozen_columns=2, footer_note=None if masked else t(F + "unmasked_footer"))
    return write_workbook([sheet], _help())


def _help() -> HelpSheet:
    lines = [t(F + "help_1"), t(F + "help_2"), t(F + "help_3"),
             t(F + "help_4", methods=t("text.list_separator").join(m.label for m in ScreeningMethod),
               results=t("text.list_separator").join(r.label for r in ScreeningResult))]
    return HelpSheet([f"{i}. {line}" for i, line in enumerate(lines, start=1)])


def csv_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The same list for machines: one fact per column, codes beside labels, full dates."""
    def day(value: object) -> str | None:
        return value.isoformat() if isinstance(value, dt.date) else None

    records = rows.to_dict("records")
    return pd.DataFrame({
        t(F + "priority"): rows["priority"].to_numpy(),
        t(F + "household_id"): rows["household_id"].to_numpy(),
        t(F + "town_code"): rows["town_code"].to_numpy(),
        t(F + "village_code"): rows["village_code"].to_numpy(),
        t(F + "village"): rows["village_name"].to_numpy(),
        t(F + "address"): rows["address"].to_numpy(),
        t(F + "head_name"): rows["head_name"].to_numpy(),
        t(F + "head_id_number"): rows["head_id_number"].to_numpy(),
        t(F + "phone"): rows["phone"].to_numpy(),
        t(F + "members"): rows["members"].to_numpy(),
        t(F + "key_groups"): [_key_groups(r) for r in records],
        t(F + "rules"): [";".join(r["rules"]) for r in records],
        t(F + "rule_names"): [t("text.list_separator").join(MonitoringRule(c).label for c in r["rules"]) for r in records],
        t(F + "reason"): rows["reason"].to_numpy(),
        t(F + "per_capita_income"): rows["per_capita_income"].to_numpy(),
        t(F + "first_on"): [day(v) for v in rows["first_on"]],
        t(F + "last_method"): [_method(v) for v in rows["last_method"]],
    })


def csv_bytes(rows: pd.DataFrame) -> bytes:
    return to_csv_bytes(csv_frame(rows))
