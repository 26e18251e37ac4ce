"""Writes the Excel import templates, empty or filled from the store, with a 填表说明 sheet."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import xlsxwriter

from data_loaders.importing import messages
from data_loaders.importing.spec import FIELDS, Field, ImportKind
from data_loaders.store import Store
from paicha.scope import Scope
from paicha.vocab import LabelledEnum

# Rows of an empty template that get the dropdowns; an export gets them over its own rows.
TEMPLATE_ROWS = 5000
_TEXT_PARSES = {"code", "id_number", "text", "phone", "town", "village"}
_BOOL_PARSES = {"bool", "bool_optional"}
_YES, _NO = "是", "否"

# Store column each exported field is read from, where the names differ.
_EXPORT_SOURCE = {"town": "town_name", "village": "village_name"}

_EXPORT_SQL = {
    ImportKind.households: (
        "SELECT h.*, d.town_name, d.village_name FROM households h "
        "JOIN divisions d USING (village_code) WHERE {where} ORDER BY h.household_id"),
    ImportKind.screenings: (
        "SELECT h.* FROM screenings h WHERE {where} "
        "ORDER BY h.household_id, h.screened_on, h.method, h.screener"),
    ImportKind.milestones: (
        "SELECT h.*, d.town_name FROM milestones h "
        "JOIN (SELECT DISTINCT town_code, town_name FROM divisions) d USING (town_code) "
        "WHERE {where} ORDER BY h.town_code"),
}


def _tabular(kind: ImportKind) -> None:
    if not kind.is_tabular:
        raise ValueError(messages.NOT_A_TABLE_KIND.format(kind=kind.label))


def template_bytes(kind: ImportKind) -> bytes:
    """An empty .xlsx template for ``kind``: canonical headers, formats, dropdowns, 填表说明."""
    _tabular(kind)
    return _workbook(kind, None)


def export_to_template(store: Store, kind: ImportKind, scope: Scope) -> bytes:
    """The store's rows of ``kind`` within ``scope``, written in the import template's layout.

    Internal and unmasked: ID numbers and phone numbers are written in full so that the file can
    be imported again. A page or command that offers it must check the export and unmasking
    permissions and write the audit log (``Store.audit``); this function does neither.
    Key-group lists are not exported (their flags travel in the roster's columns).
    """
    if kind not in _EXPORT_SQL:
        raise ValueError(messages.NOT_A_TABLE_KIND.format(kind=kind.label))
    where, params = Store.scope_sql(scope, "h")
    frame = store.query(_EXPORT_SQL[kind].format(where=where), params)
    return _workbook(kind, frame)


def _label(enum: type[LabelledEnum], code: object) -> str | None:
    return enum(code).label if isinstance(code, str) else None


def _cell(f: Field, value: object) -> object:
    """A stored value as the template shows it: labels for codes, 是/否 for flags."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if f.parse in _BOOL_PARSES:
        return _YES if value else _NO
    if f.enum is not None:
        return _label(f.enum, value)
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _workbook(kind: ImportKind, frame: pd.DataFrame | None) -> bytes:
    fields = FIELDS[kind]
    buffer = io.BytesIO()
    # in_memory: xlsxwriter would otherwise stage the sheets in temporary files.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                              "valign": "vcenter", "align": "center"})
    required = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                "valign": "vcenter", "align": "center", "font_color": "#C00000"})
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(messages.KIND_SHEET_NAMES[kind.value])
    rows = len(frame) if frame is not None else 0
    last = max(rows, TEMPLATE_ROWS)
    for col, f in enumerate(fields):
        sheet.write_string(0, col, f.header, required if f.required else header)
        width = max(10, min(24, len(f.header) * 2 + 2))
        if f.parse in _TEXT_PARSES:
            # Text format keeps an 18-digit ID typed into the template from turning into 2.1E+17.
            sheet.set_column(col, col, max(width, 20 if f.parse == "id_number" else width), text)
        elif f.parse == "date":
            sheet.set_column(col, col, max(width, 12), date)
        else:
            sheet.set_column(col, col, width)
        choices = [_YES, _NO] if f.parse in _BOOL_PARSES else (
            [m.label for m in f.enum] if f.enum is not None else None)
        if choices:
            sheet.data_validation(1, col, last, col, {"validate": "list", "source": choices,
                                                      "error_type": "warning"})
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 0)
    if frame is not None:
        _write_rows(sheet, fields, frame, text, date)
    _help_sheet(book, fields, header)
    book.close()
    return buffer.getvalue()


def _write_rows(sheet, fields: tuple[Field, ...], frame: pd.DataFrame, text, date) -> None:
    columns = [frame[_EXPORT_SOURCE.get(f.name, f.name)].tolist() for f in fields]
    for col, (f, values) in enumerate(zip(fields, columns, strict=True)):
        for row, value in enumerate(values, start=1):
            value = _cell(f, value)
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, str):
                sheet.write_string(row, col, value, text if f.parse in _TEXT_PARSES else None)
            else:
                sheet.write_number(row, col, value)


def _help_sheet(book, fields: tuple[Field, ...], header) -> None:
    sheet = book.add_worksheet(messages.HELP_SHEET)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, messages.HELP_INTRO)
    for col, title in enumerate(messages.HELP_COLUMNS):
        sheet.write_string(2, col, title, header)
    for row, f in enumerate(fields, start=3):
        fmt_key = "enum" if f.enum is not None else f.parse
        allowed = "、".join(m.label for m in f.enum) if f.enum is not None else (
            f"{_YES}、{_NO}" if f.parse in _BOOL_PARSES else "")
        values = (f.header, messages.FIELD_MEANING[f.help_key], messages.FORMAT_HELP[fmt_key],
                  messages.REQUIRED_YES if f.required else messages.REQUIRED_NO, allowed,
                  "、".join(f.aliases))
        for col, value in enumerate(values):
            sheet.write_string(row, col, value, wrap)
    for col, width in enumerate((22, 36, 36, 10, 36, 40)):
        sheet.set_column(col, col, width)
