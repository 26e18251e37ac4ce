"""Exports carry data, never formulas: the one Excel writer and the one CSV writer on a hostile frame."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from data_loaders.excel import (
    Column,
    HelpSheet,
    Sheet,
    to_csv_bytes,
    write_workbook,
)
from data_loaders.importing import ImportKind, export_to_template
from data_loaders.spot_checks import create_draw, field_lists
from data_loaders.store import Store
from data_loaders.workbook import read_workbook
from paicha.access import User
from paicha.scope import Scope

FORMULAS = ["=1+1", "+86 138 0000 2565", "-2+3", "@SUM(A1)", "\tx", "\rx"]
HARMLESS = ["<script>alert(1)</script>", "张三", "0012", ""]


def hostile() -> pd.DataFrame:
    text = FORMULAS + HARMLESS
    return pd.DataFrame({"text": text, "income": [-200.0, 3e15] + [1.5] * (len(text) - 2)})


def hostile_xlsx() -> bytes:
    frame = hostile()
    sheet = Sheet("数据", [Column("text", 20, "text"), Column("income", 12)], frame.to_numpy().tolist())
    return write_workbook([sheet], HelpSheet(["=说明"]))


def test_no_cell_of_a_hostile_frame_becomes_a_formula_in_xlsx():
    book = openpyxl.load_workbook(io.BytesIO(hostile_xlsx()))
    cells = [c for row in book["数据"].iter_rows(min_row=2) for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.row: c for c in book["数据"]["A"][1:]}
    # Excel's own mark for "typed with a leading apostrophe": shown as typed, stays text when edited.
    assert [texts[i + 2].quotePrefix for i in range(len(FORMULAS))] == [True] * len(FORMULAS)
    assert not any(texts[i + 2 + len(FORMULAS)].quotePrefix for i in range(len(HARMLESS) - 1))
    numbers = book["数据"]["B"][1:3]
    assert [(c.data_type, c.value) for c in numbers] == [("n", -200), ("n", 3e15)]
    assert book["填表说明"]["A1"].data_type == "s"


def test_a_hostile_frame_reads_back_from_xlsx_as_typed():
    (sheet,) = read_workbook(hostile_xlsx())  # the help sheet is not data
    assert sheet.name == "数据" and sheet.rows[0] == ["text", "income"]
    assert [r[0] for r in sheet.rows[1:]] == [*FORMULAS, *HARMLESS[:-1], ""]
    assert [r[1] for r in sheet.rows[1:3]] == [-200.0, 3e15]


def test_csv_prefixes_formula_text_with_a_quote_and_leaves_numbers_alone():
    content = to_csv_bytes(hostile())
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 Chinese
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["text", "income"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in FORMULAS] + HARMLESS
    assert [float(r[1]) for r in rows[1:3]] == [-200.0, 3e15]
    back = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert back["income"].dtype.kind == "f" and back["income"].iloc[0] == -200


@pytest.fixture
def hostile_store(tmp_path, known_store) -> Store:
    """The known store with a head of household whose name is a formula."""
    with known_store.transaction() as cur:
        cur.execute("UPDATE households SET head_name = '=HYPERLINK(\"http://x\",\"点击\")' WHERE household_id = 'A00'")
    return known_store


def test_the_full_export_and_the_field_lists_write_a_formula_name_as_text(hostile_store, settings):
    scope = Scope.district(settings.district_code)
    roster = openpyxl.load_workbook(io.BytesIO(export_to_template(hostile_store, ImportKind.households, scope)))
    names = {r[0].value: r[1] for r in roster.worksheets[0].iter_rows(min_row=2)}
    assert names["A00"].data_type == "s" and names["A00"].quotePrefix
    assert names["A00"].value.startswith("=HYPERLINK")
    checker = User("checker", "抽查组", "", frozenset({"sample", "export"}))
    draw = create_draw(hostile_store, settings, checker, scope, pd.Timestamp("2024-09-14").date(), "srs", {"n": 50}, 1)
    (field_list,) = field_lists(hostile_store, settings, scope, draw.draw_id, teams=1)
    sheet = openpyxl.load_workbook(io.BytesIO(field_list.content)).worksheets[0]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
