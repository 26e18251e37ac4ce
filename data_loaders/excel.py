"""Every spreadsheet paicha writes: one Excel writer, one CSV writer (data_loaders.workbook reads them).

The writer owns what every workbook shares: header and cell styles, print setup (A4, header
rows repeated on each page, one page wide), the help sheet (填表说明), column widths and
dropdowns. Both writers neutralise text that a spreadsheet would run as a formula (OWASP "CSV
injection"): values that came from files are data, never formulas, wherever they are exported.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from data_loaders.workbook import HELP_SHEET
from paicha.text import t

if TYPE_CHECKING:  # xlsxwriter is imported where a workbook is written: reading a file never needs it
    import xlsxwriter
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet


# A text cell starting with one of these is a formula (or the start of one) to Excel, LibreOffice
# and WPS once the cell is edited or the CSV is opened; tab and CR hide a formula after them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Header, to-be-filled and title styles; one palette for every workbook paicha writes.
_HEADER = {"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter",
           "bg_color": "#DDEBF7"}
_REQUIRED_HEADER = {**_HEADER, "font_color": "#C00000"}
_FILL_HEADER = {**_HEADER, "bg_color": "#FFE699"}
_TITLE = {"bold": True, "font_size": 13, "valign": "vcenter"}
_BOXED = {"border": 1, "text_wrap": True, "valign": "vcenter", "font_size": 10}
_FILL = {"bg_color": "#FFF9E5"}
_KIND_FORMATS = {"text": {"num_format": "@"}, "date": {"num_format": "yyyy-mm-dd"}, "any": {}}
_PAGE_FOOTER = t("excel.page_footer")
_A4 = 9


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``kind`` "text" formats the whole column as text, so that an 18-digit ID typed into it later
    does not turn into 2.1E+17; "date" shows dates as 2024-08-23. ``header_style`` "required"
    prints the header in red, "fill" marks a column the reader fills in by hand (yellow), whose
    cells are tinted too. ``choices`` become a dropdown over the data rows.
    """

    header: str
    width: float
    kind: Literal["text", "date", "any"] = "any"
    choices: tuple[str, ...] = ()
    header_style: Literal["plain", "required", "fill"] = "plain"


@dataclass(frozen=True)
class Sheet:
    """A sheet: an optional merged title row, the header row, then one row per record.

    ``rows`` hold the values as they are to appear (labels, not codes); text, numbers, dates,
    booleans and None. ``boxed`` draws borders around every data cell and wraps its text, for
    lists printed and filled in by hand. ``dropdown_rows`` extends the dropdowns below the data
    (an empty template). ``footer_note`` is printed at the right of every page's footer.
    """

    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]] = ()
    title: str | None = None
    landscape: bool = False
    boxed: bool = False
    header_height: float | None = None
    row_height: float | None = None
    frozen_columns: int = 0
    dropdown_rows: int = 0
    footer_note: str | None = None


@dataclass(frozen=True)
class HelpSheet:
    """The 填表说明 sheet: lines of text, then (optionally) a table with its header row."""

    lines: Sequence[str]
    table_header: Sequence[str] = ()
    table_rows: Sequence[Sequence[str]] = ()
    widths: Sequence[float] = (110,)


def needs_neutralising(value: object) -> bool:
    """True for text that a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


# quote_prefix is what Excel sets when a user types a leading apostrophe: the cell shows the text
# as typed and stays text when edited, instead of becoming a formula.
_GUARD = {"quote_prefix": True}


@dataclass(frozen=True)
class _Style:
    """The formats one kind of cell needs: as is, guarded against formulas, and as a date."""

    plain: Format | None
    guarded: Format
    date: Format


@dataclass
class _Book:
    """A workbook being written, with its formats made once per distinct set of properties."""

    book: xlsxwriter.Workbook
    formats: dict[frozenset, Format] = field(default_factory=dict)

    def format(self, *parts: dict) -> Format | None:
        props: dict = {}
        for part in parts:
            props.update(part)
        if not props:
            return None
        key = frozenset(props.items())
        if key not in self.formats:
            self.formats[key] = self.book.add_format(props)
        return self.formats[key]

    def style(self, *parts: dict) -> _Style:
        return _Style(self.format(*parts), self.format(*parts, _GUARD), self.format(*parts, _KIND_FORMATS["date"]))

    def write(self, sheet: Worksheet, row: int, col: int, value: object, style: _Style) -> None:
        """One cell by its Python type: never through xlsxwriter's guessing ``write``, which
        would turn "=1+1" into a formula and "0012" into 12.
        """
        if isinstance(value, str):  # most cells: tested first
            sheet.write_string(row, col, value, style.guarded if value.startswith(FORMULA_STARTS) else style.plain)
        elif _is_missing(value):
            if style.plain is not None:
                sheet.write_blank(row, col, None, style.plain)
        elif isinstance(value, bool | np.bool_):
            sheet.write_boolean(row, col, bool(value), style.plain)
        elif isinstance(value, numbers.Real) and math.isfinite(value):
            sheet.write_number(row, col, float(value), style.plain)
        elif isinstance(value, dt.date):
            moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            sheet.write_datetime(row, col, moment, style.date)
        else:
            self.write(sheet, row, col, str(value), style)


def _write_sheet(out: _Book, spec: Sheet) -> None:
    sheet = out.book.add_worksheet(spec.name)
    header_row = 0
    last_col = max(len(spec.columns) - 1, 0)
    if spec.title is not None:
        # merge_range writes through ``write``; the title goes in as a string afterwards.
        sheet.merge_range(0, 0, 0, last_col, "", out.format(_TITLE))
        out.write(sheet, 0, 0, spec.title, out.style(_TITLE))
        sheet.set_row(0, 24)
        header_row = 1
    if spec.header_height:
        sheet.set_row(header_row, spec.header_height)
    styles = {"plain": _HEADER, "required": _REQUIRED_HEADER, "fill": _FILL_HEADER}
    cell_styles = []
    for col, column in enumerate(spec.columns):
        out.write(sheet, header_row, col, column.header, out.style(styles[column.header_style]))
        kind = _KIND_FORMATS[column.kind]
        sheet.set_column(col, col, column.width, out.format(kind))
        cell_styles.append(out.style(kind, _BOXED if spec.boxed else {}, _FILL if column.header_style == "fill" else {}))
    first = header_row + 1
    for i, values in enumerate(spec.rows):
        if spec.row_height:
            sheet.set_row(first + i, spec.row_height)
        for col, value in enumerate(values):
            if _is_missing(value) and not spec.boxed:
                continue
            out.write(sheet, first + i, col, value, cell_styles[col])
    last = header_row + max(len(spec.rows), spec.dropdown_rows, 1)
    for col, column in enumerate(spec.columns):
        if column.choices:
            sheet.data_validation(first, col, last, col, {
                "validate": "list", "source": list(column.choices), "error_type": "warning",
                "error_title": t("excel.invalid_title"), "error_message": t("excel.invalid_message")})
    sheet.freeze_panes(first, spec.frozen_columns)
    if spec.landscape:
        sheet.set_landscape()
    sheet.set_paper(_A4)
    sheet.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.5)
    sheet.repeat_rows(0, header_row)
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    sheet.set_footer(_PAGE_FOOTER + (f"    &R{spec.footer_note}" if spec.footer_note else ""))


def _write_help(out: _Book, spec: HelpSheet) -> None:
    sheet = out.book.add_worksheet(HELP_SHEET)
    wrap = out.style({"text_wrap": True, "valign": "top"})
    for col, width in enumerate(spec.widths):
        sheet.set_column(col, col, width)
    for row, line in enumerate(spec.lines):
        out.write(sheet, row, 0, line, wrap if len(spec.widths) == 1 else out.style())
    if spec.table_header:
        top = len(spec.lines) + 1
        for col, title in enumerate(spec.table_header):
            out.write(sheet, top, col, title, out.style(_HEADER))
        for row, values in enumerate(spec.table_rows, start=top + 1):
            for col, value in enumerate(values):
                out.write(sheet, row, col, value, wrap)


def write_workbook(sheets: Sequence[Sheet], help_sheet: HelpSheet | None = None) -> bytes:
    """An .xlsx file with the given sheets and, last, the help sheet."""
    import xlsxwriter

    buffer = io.BytesIO()
    # in_memory: xlsxwriter would otherwise stage the sheets in temporary files.
    out = _Book(xlsxwriter.Workbook(buffer, {"in_memory": True}))
    for spec in sheets:
        _write_sheet(out, spec)
    if help_sheet is not None:
        _write_help(out, help_sheet)
    out.book.close()
    return buffer.getvalue()


def neutralise_text(value: object) -> object:
    """Text a spreadsheet could run as a formula, prefixed with a single quote (OWASP's advice
    for CSV); every other value, numbers included, unchanged.
    """
    return "'" + value if needs_neutralising(value) else value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV that Excel opens in Chinese (UTF-8 with BOM), text formulas neutralised.

    Only text is touched: a negative income stays the number -200 in a numeric column.
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_text)
    # CRLF (RFC 4180) also makes the writer quote a lone CR inside a cell, which would otherwise
    # end the row early for every reader.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")

