"""Builds small filled-in spot-check field lists in the exported layout, for result-import tests."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from paicha.verdicts import ANSWER_LABELS


def write_filled_list(path: Path, rows: list[dict[str, object]], draw_id: int = 1, sheet: str = "第1组",
                      title: str | None = None, with_serial: bool = True) -> bytes:
    """Title in row 1 (the draw number the importer checks), header in row 2, answers below.

    ``with_serial`` adds the 序号 column the export has; checkers sometimes delete it.
    """
    headers = [*(["序号"] if with_serial else []), "户编号", *ANSWER_LABELS.values()]
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet(sheet)
    ws.write_string(0, 0, title if title is not None else f"抽样编号：{draw_id}")
    for j, h in enumerate(headers):
        ws.write_string(1, j, h)
    for i, row in enumerate(rows):
        for j, h in enumerate(headers):
            if h in row:
                ws.write(2 + i, j, row[h])
    book.close()
    return path.read_bytes()
