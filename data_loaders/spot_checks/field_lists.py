"""Printable field lists: one masked Excel list per checker team, whole villages per team."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

import pandas as pd

from data_loaders.excel import Column, HelpSheet, Sheet, write_workbook
from data_loaders.spot_checks.draws import draw_items, draw_record
from data_loaders.store import Store
from paicha import sampling, verdicts
from paicha.config import Settings
from paicha.scope import Scope
from paicha.text import joined, t
from paicha.vocab import ScreeningMethod, ScreeningResult, SpotCheckReason

# Header, width (Excel characters) and source column of each printed column. Only 户编号 and the
# answer headers are read back by read_results. The read-only context is folded into wrapped
# cells (who the household is; what the original screening recorded): with one column per fact
# the list is 250 characters wide and A4 landscape "fit to width" would print it in 5 pt.
LIST_COLUMNS: list[tuple[str, float, str]] = [
    (t(f"field_list.columns.{source}"), width, source) for source, width in (
        ("row_no", 4), ("household_id", 19), ("village_name", 12), ("household_contact", 19),
        ("key_groups", 11), ("reason", 10), ("ref_record", 17), ("roster_income_band", 9))
]
ANSWER_WIDTHS = {"visited": 5, "method": 9, "result": 11, "leaflet_given": 6, "income_band": 11,
                 "consistent": 5, "differing": 12, "note": 14}
HOUSEHOLD_HEADER = t("field_list.columns.household_id")
# Either colon: a title typed over by hand may have the full-width one.
DRAW_IN_TITLE = re.compile(re.escape(t("field_list.draw_label")) + r"\s*[:\uff1a]?\s*(\d+)")
HEADER_SCAN_ROWS = 10


@dataclass(frozen=True)
class FieldList:
    """One checker team's printable list."""

    team: int
    file_name: str
    content: bytes
    households: int


def _list_rows(items: pd.DataFrame) -> pd.DataFrame:
    out = items.copy()
    out["reason"] = out["reason"].map(SpotCheckReason.labels()).fillna(out["reason"])
    out["ref_method"] = out["ref_method"].map(ScreeningMethod.labels())
    out["ref_result"] = out["ref_result"].map(ScreeningResult.labels())
    out["ref_leaflet_given"] = out["ref_leaflet_given"].map({True: verdicts.YES, False: verdicts.NO})
    out["roster_income_band"] = out["roster_income_band"].map(verdicts.IncomeBand.labels())
    out["ref_screened_on"] = [d.isoformat() if isinstance(d, dt.date) else None for d in out["ref_screened_on"]]
    out["household_contact"] = ["\n".join(str(v) for v in vals if v is not None and not pd.isna(v))
                                for vals in zip(out["head_name"], out["head_id_number"], out["phone"], strict=True)]
    out["ref_record"] = [
        t("field_list.ref_record", on=on or "", method=method or "", result=result or "", leaflet=leaflet or "—")
        if on else None
        for on, method, result, leaflet in zip(out["ref_screened_on"], out["ref_method"], out["ref_result"],
                                              out["ref_leaflet_given"], strict=True)]
    labels = [verdicts.answer_labels(row) for row in out[list(verdicts.ANSWER_COLUMNS)].to_dict("records")]
    out[list(verdicts.ANSWER_COLUMNS)] = pd.DataFrame(labels, index=out.index, columns=list(verdicts.ANSWER_COLUMNS))
    return out


def _choices() -> dict[str, tuple[str, ...]]:
    yes_no = (verdicts.YES, verdicts.NO)
    return {"visited": yes_no, "leaflet_given": yes_no, "consistent": yes_no,
            "method": tuple(m.label for m in ScreeningMethod), "result": tuple(r.label for r in ScreeningResult),
            "income_band": tuple(b.label for b in verdicts.IncomeBand)}


def _workbook(rows: pd.DataFrame, title: str, team: int, settings: Settings, masked: bool) -> bytes:
    choices = _choices()
    columns = [Column(header, width) for header, width, _ in LIST_COLUMNS] + [
        Column(verdicts.ANSWER_LABELS[c], ANSWER_WIDTHS[c], choices=choices.get(c, ()), header_style="fill")
        for c in verdicts.ANSWER_COLUMNS]
    sources = [source for _, _, source in LIST_COLUMNS] + list(verdicts.ANSWER_COLUMNS)
    # Text always for the identifiers: 户编号 and ID numbers must never become numbers in Excel.
    values = [[i + 1 if source == "row_no" else row.get(source) for source in sources]
              for i, row in enumerate(rows.to_dict("records"))]
    sheet = Sheet(t("field_list.sheet", team=team), columns, values, title=title, landscape=True, boxed=True,
                  header_height=32, row_height=42,  # three lines of context, and room to write by hand
                  frozen_columns=2, footer_note=None if masked else t("field_list.unmasked_footer"))
    return write_workbook([sheet], _help_sheet(settings))


def _help_sheet(settings: Settings) -> HelpSheet:
    line = settings.thresholds.monitoring_income
    upper = line * verdicts.NEAR_LINE_FACTOR
    notes = [
        t("field_list.help.fill"),
        t("field_list.help.yes_no"),
        t("field_list.help.method", methods=joined(m.label for m in ScreeningMethod)),
        t("field_list.help.result", results=joined(r.label for r in ScreeningResult)),
        t("field_list.help.income", line=line, upper=upper),
        t("field_list.help.consistent"),
        t("field_list.help.blank"),
    ]
    return HelpSheet([f"{i}. {note}" for i, note in enumerate(notes, start=1)])


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
    masked_note = t("field_list.unmasked" if unmasked else "field_list.masked")
    lists = []
    for team in range(1, teams + 1):
        mine = rows.loc[team_of == team]
        if mine.empty:
            continue
        title = t("field_list.title", campaign=settings.campaign.name, draw_id=draw_id, team=team, teams=teams,
                  n=len(mine), method=sampling.Method(record["method"]).label, as_of=record["as_of"],
                  masked=masked_note)
        content = _workbook(mine, title, team, settings, masked=not unmasked)
        lists.append(FieldList(team, t("field_list.file", draw_id=draw_id, team=team), content, len(mine)))
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
        return (t("field_list.zip", draw_id=draw_id, teams=len(lists)), zip_lists(lists),
                sum(fl.households for fl in lists), "application/zip")
    chosen = next(fl for fl in lists if fl.team == team)
    return chosen.file_name, chosen.content, chosen.households, XLSX_MIME
