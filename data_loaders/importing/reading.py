"""Reads an uploaded spreadsheet (.xlsx, .xls, .csv, .txt) from bytes into raw tables of cells.

Real exports put title rows above the header, split headers over two merged rows, end with a
合计 row and come in UTF-8, GBK or (Excel's "Unicode text") tab-separated UTF-16. This module finds the header, maps its cells to fields and
hands back every data row with the row number Excel shows, untouched otherwise: typing the
cells is ``cells``' job, judging them ``validate``'s.
"""

from __future__ import annotations

import csv
import io
from concurrent.futures import Future
from dataclasses import dataclass, field

import pandas as pd

from data_loaders.importing.cells import display, is_blank
from data_loaders.importing.report import ImportIssue
from data_loaders.importing.spec import (
    COLUMN_NUMBER_BRACKET_SPELLINGS,
    FIELDS,
    FOOTNOTE_SPELLINGS,
    SIGNATURES,
    TOTAL_ROW_SPELLINGS,
    ImportKind,
    fields_by_name,
    match_header,
    normalise_value,
)
from data_loaders.workbook import UnreadableWorkbook, read_workbook
from paicha.text import t

HEADER_SCAN_ROWS = 30  # title blocks above the header are rarely longer than a few rows
MIN_HEADER_FIELDS = 2  # one matching cell could be a title; two make a header

Grid = list[list[object]]
Merges = list[tuple[tuple[int, int], tuple[int, int]]]



class ReadError(Exception):
    """The file cannot be read at all; ``args[0]`` is the user message."""


@dataclass
class Table:
    """The data rows of one sheet, as raw cells in columns named by field."""

    file: str
    sheet: str
    header_row: int                      # Excel row number of the (last) header row
    headers: dict[str, str]              # field -> header text as written in the file
    cells: pd.DataFrame                  # object dtype, one column per field found
    rows: list[int] = field(default_factory=list)  # Excel row number of each data row


@dataclass
class _Header:
    row: int           # 0-based index of the first header row
    height: int        # 1 or 2 rows
    kind: ImportKind
    columns: dict[int, tuple[str, str]]  # column index -> (field, header text)
    duplicates: list[tuple[str, str, str]]  # (header text, field, first header text)

    @property
    def score(self) -> int:
        return len({f for f, _ in self.columns.values()})


def read_grids(content: bytes, fmt: str, pending: Future | None = None) -> list[tuple[str, Grid, Merges]]:
    """Every visible worksheet but the help sheet as (name, rows of cells, merged ranges); a CSV is
    one sheet ''. ``pending`` is a read of the same workbook already under way
    (:func:`data_loaders.workbook.read_in_background`).
    """
    if fmt == "csv":
        return [("", _csv_grid(content), [])]
    try:
        return pending.result() if pending is not None else read_workbook(content)
    except UnreadableWorkbook as exc:
        raise ReadError(t("import.error.unreadable_excel", reason=exc)) from None


def _utf16(content: bytes) -> str | None:
    """UTF-16 text, as Excel's "Unicode text" (Unicode 文本) writes it: a BOM, little-endian.

    Without a BOM it is still recognised by its zero bytes, which no UTF-8 or GBK text holds:
    ASCII characters (tabs, digits, line breaks) put one zero in every other byte.
    """
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    elif b"\x00" in content[:4096]:
        sample = content[:4096]
        encoding = "utf-16-le" if sample[1::2].count(0) >= sample[::2].count(0) else "utf-16-be"
    else:
        return None
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        raise ReadError(t("import.error.unknown_encoding")) from None


def _csv_grid(content: bytes) -> Grid:
    text = _utf16(content)
    # utf-8-sig reads plain UTF-8 too; GB18030 is a superset of GBK, what Excel writes on
    # Chinese Windows. UTF-8 goes first because GBK decoding accepts much UTF-8 as mojibake.
    for encoding in ("utf-8-sig", "gb18030"):
        if text is not None:
            break
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ReadError(t("import.error.unknown_encoding"))
    head = [line for line in text.splitlines()[:10] if line.strip()]
    # Tab-separated (Excel's text exports) when tabs outnumber commas: a value such as 16,000.00
    # may carry commas, but every line of a tab-separated file has a tab per column.
    delimiter = "\t" if sum(line.count("\t") for line in head) > sum(line.count(",") for line in head) else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _merge_fill(grid: Grid, merges: Merges, last_row: int) -> tuple[dict, set]:
    """Values of merged header cells spread over their range, and cells in a horizontal merge."""
    filled: dict[tuple[int, int], object] = {}
    horizontal: set[tuple[int, int]] = set()
    for (r1, c1), (r2, c2) in merges:
        if r1 > last_row:
            continue
        value = grid[r1][c1] if r1 < len(grid) and c1 < len(grid[r1]) else None
        for r in range(r1, min(r2, last_row) + 1):
            for c in range(c1, c2 + 1):
                filled[(r, c)] = value
                if c2 > c1:
                    horizontal.add((r, c))
    return filled, horizontal


def _text(value: object) -> str:
    return "" if is_blank(value) else display(value).strip()


def _label_columns(labels: dict[int, list[str]], kind: ImportKind) -> _Header | None:
    columns: dict[int, tuple[str, str]] = {}
    seen: dict[str, str] = {}
    duplicates = []
    for col, candidates in labels.items():
        for text in candidates:
            name = match_header(text, kind) if text else None
            if name:
                if name in seen:
                    duplicates.append((text, name, seen[name]))
                else:
                    seen[name] = text
                    columns[col] = (name, text)
                break
    return _Header(0, 1, kind, columns, duplicates) if columns else None


def _headers_at(grid: Grid, filled: dict, horizontal: set, r: int, kind: ImportKind) -> list[_Header]:
    """Readings of row ``r`` as a one-row header and, where it looks like one, a two-row header."""

    def cell(row: int, col: int) -> str:
        value = filled.get((row, col), grid[row][col] if col < len(grid[row]) else None)
        return _text(value)

    width = len(grid[r])
    found = []
    one = _label_columns({c: [cell(r, c)] for c in range(width)}, kind)
    if one:
        one.row, one.height = r, 1
        found.append(one)
    if r + 1 < len(grid):
        labels: dict[int, list[str]] = {}
        two_rows = False
        for c in range(width):
            top, sub = cell(r, c), cell(r + 1, c)
            if not sub or sub == top:
                labels[c] = [top]
            elif not top:
                labels[c] = [sub]
            else:
                labels[c] = [sub, top + sub, top]
            # A second header row shows as sub-labels under a merged group cell (or under a
            # blank one in a CSV); a data row under a plain header never does.
            if sub and sub != top and (not top or (r, c) in horizontal) and match_header(sub, kind):
                two_rows = True
        two = _label_columns(labels, kind) if two_rows else None
        if two:
            two.row, two.height = r, 2
            found.append(two)
    return found


def locate_header(grid: Grid, merges: Merges, kinds: list[ImportKind]) -> _Header | None:
    """The best-matching header in the first rows, over the given kinds; None if none fits."""
    scan = min(HEADER_SCAN_ROWS, len(grid))
    filled, horizontal = _merge_fill(grid, merges, scan)
    best: _Header | None = None
    for r in range(scan):
        for kind in kinds:
            for header in _headers_at(grid, filled, horizontal, r, kind):
                if len(kinds) > 1 and not SIGNATURES[kind] & {f for f, _ in header.columns.values()}:
                    continue
                if header.score >= MIN_HEADER_FIELDS and (best is None or header.score > best.score):
                    best = header
    return best


def _is_column_numbers(row: list[object]) -> bool:
    """The 1 2 3 … row that government forms print under the header."""
    values = [v for v in row if not is_blank(v)]
    try:
        numbers = [int(float(display(v).strip(COLUMN_NUMBER_BRACKET_SPELLINGS))) for v in values]
    except ValueError:
        return False
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _skippable(row: list[object]) -> bool:
    """Blank rows, 合计/总计 rows and footnotes (注：…, 填表人：…) are not data."""
    first: list[object] = []
    for value in row:
        if not is_blank(value):
            first.append(value)
            if len(first) == 3:
                break
    if not first:
        return True
    texts = [normalise_value(display(v)) for v in first]
    if any(text.startswith(TOTAL_ROW_SPELLINGS) for text in texts):
        return True
    return texts[0].startswith(FOOTNOTE_SPELLINGS) and len(texts) <= 2


def _table(name: str, sheet: str, grid: Grid, header: _Header) -> Table:
    start = header.row + header.height
    if start < len(grid) and _is_column_numbers(grid[start]):
        start += 1
    cols = sorted(header.columns)
    kept = [index for index in range(start, len(grid)) if not _skippable(grid[index])]
    rows = [index + 1 for index in kept]
    # Rows padded to the widest column and transposed at once (zip runs in C), not cell by cell.
    width = cols[-1] + 1 if cols else 0
    padded = [row if len(row) >= width else [*row, *[None] * (width - len(row))] for row in map(grid.__getitem__, kept)]
    columns = list(zip(*padded, strict=False)) if padded else [()] * width
    data = {header.columns[c][0]: list(columns[c]) for c in cols}
    cells = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})
    return Table(
        file=name, sheet=sheet, header_row=header.row + header.height,
        headers=dict(header.columns.values()), cells=cells, rows=rows,
    )


def read_tables(name: str, content: bytes, fmt: str,
                kind: ImportKind | None, pending: Future | None = None
                ) -> tuple[ImportKind | None, list[Table], list[ImportIssue]]:
    """All tables of one kind in a spreadsheet file, with header-level issues.

    Without ``kind`` the kind is detected from the first sheet with a recognisable header; other
    sheets holding the same kind (a roster split by town) are read too.
    """
    issues: list[ImportIssue] = []
    try:
        grids = read_grids(content, fmt, pending)
    except ReadError as exc:
        return kind, [], [ImportIssue(name, "", None, "", "", str(exc))]
    tabular = [k for k in ImportKind if k.is_tabular]
    if kind is None:
        for _sheet, grid, merges in grids:
            header = locate_header(grid, merges, tabular)
            if header:
                kind = header.kind
                break
        if kind is None:
            return None, [], [ImportIssue(name, "", None, "", "", t("import.error.unknown_kind"))]
    tables = []
    for sheet, grid, merges in grids:
        header = locate_header(grid, merges, [kind])
        if header is None:
            continue
        other = _better_kind(grid, merges, header)
        if other is not None:
            issues.append(ImportIssue(name, sheet, header.row + header.height, "", "",
                                      t("import.error.mixed_kinds_not_allowed",
                                          kind=kind.label, detected=other.label)))
            continue
        for text, field_name, first in header.duplicates:
            label = fields_by_name(kind)[field_name].header
            issues.append(ImportIssue(name, sheet, header.row + header.height, text, "",
                                      t("import.error.duplicate_column", header=text, other=first, label=label)))
        tables.append(_table(name, sheet, grid, header))
    if not tables and not issues:
        issues.append(ImportIssue(name, "", None, "", "",
                                  t("import.error.no_header", rows=HEADER_SCAN_ROWS)))
    return kind, tables, issues


def _better_kind(grid: Grid, merges: Merges, header: _Header) -> ImportKind | None:
    """Another kind that the same header fits better, when it lacks required columns of the
    chosen one: the user most likely picked the wrong kind for this file.
    """
    found = {f for f, _ in header.columns.values()}
    if all(f.name in found for f in FIELDS[header.kind] if f.required):
        return None
    others = [k for k in SIGNATURES if k != header.kind]
    other = locate_header(grid[: header.row + header.height], merges, others)
    return other.kind if other is not None and other.score > header.score else None
