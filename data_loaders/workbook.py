"""A spreadsheet file's format and its worksheets read by calamine: light, so a read can start before pandas loads."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import python_calamine

from paicha.text import t

HELP_SHEET = t("excel.help_sheet")


class UnreadableWorkbook(Exception):
    """The bytes are not a workbook calamine can open; ``args[0]`` is calamine's reason."""


class SheetGrid(NamedTuple):
    """One worksheet as rows of cells (list index + 1 is Excel's row number) and its merges."""

    name: str
    rows: list[list[object]]
    merges: list[tuple[tuple[int, int], tuple[int, int]]]


def sniff_format(content: bytes) -> str:
    """xlsx, xls, zip (a zipped Shapefile), geojson or csv, from the bytes rather than the name."""
    if content[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return "xlsx"
        return "xlsx" if "[Content_Types].xml" in names else "zip"
    if content[:4] == b"\xd0\xcf\x11\xe0":
        return "xls"
    if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return "geojson"
    return "csv"


def read_workbook(content: bytes) -> list[SheetGrid]:
    """Every visible worksheet of an .xlsx or .xls file except the help sheet, in file order."""
    try:
        book = python_calamine.load_workbook(io.BytesIO(content))
    except Exception as exc:  # calamine raises several unrelated types for a broken file
        raise UnreadableWorkbook(str(exc)) from None
    grids = []
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != python_calamine.SheetVisibleEnum.Visible or meta.name == HELP_SHEET:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            # skip_empty_area=False keeps leading empty rows, so list index + 1 is Excel's row.
            grids.append(SheetGrid(meta.name, sheet.to_python(skip_empty_area=False),
                                   list(sheet.merged_cell_ranges or [])))
    return grids


def read_in_background(content: bytes) -> Future[list[SheetGrid]] | None:
    """Start reading a workbook in a thread of its own; None for a file that is not one.

    calamine parses without the GIL: a command that must then import pandas and pandera (a second
    or more) reads the file meanwhile instead of after. The future raises what
    :func:`read_workbook` raises.
    """
    if sniff_format(content) not in ("xlsx", "xls"):
        return None
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="paicha-read")
    try:
        return reader.submit(read_workbook, content)
    finally:
        reader.shutdown(wait=False)  # the thread ends with its one read
