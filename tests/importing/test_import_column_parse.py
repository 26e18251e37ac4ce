"""The fast column parse and ID check equal the cell-by-cell ones on every spelling and bad cell."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from data_loaders.importing import spec
from data_loaders.importing.cells import parse_column, parse_column_per_cell
from data_loaders.importing.spec import ENUM_SPELLINGS, FIELDS
from data_loaders.importing.validate import _id_check_digit, _id_check_digit_per_cell
from paicha.idnumber import check_char

_VALID_ID = "11010519491231002" + check_char("11010519491231002")


def _pool() -> list[object]:
    """Every accepted spelling the spec lists, and cells each parser refuses, in many types."""
    cells: list[object] = [None, float("nan"), True, False, 0, 1, 1.0, 0.0, 2, 3.5, -1, 10**16, 2.10311e17,
                           45527, 45527.0, 12.0, float("inf"), dt.date(2024, 8, 23),
                           dt.datetime(2024, 8, 23, 9, 30), dt.time(9, 30)]
    for name in dir(spec):
        value = getattr(spec, name)
        if name.endswith("_SPELLINGS") and isinstance(value, frozenset | tuple | str):
            cells += list(value) if not isinstance(value, str) else [value]
    for member, spellings in ENUM_SPELLINGS.items():
        cells += [member.value, member.label, *spellings]
    for kind_fields in FIELDS.values():
        for f in kind_fields:
            if f.enum is not None:
                cells += [m.value for m in f.enum] + [m.label for m in f.enum]
    cells += [
        # codes, phone numbers and ID numbers in their clean and their damaged forms
        "12345", "0012345", "1234", "H00012", " 12345 ", "12345\u00a0", "１２３４５", "'12345", "1.2e5", "12e10",
        "2.10311E+17", "13800138000", "138 0013 8000", "+86 13800138000", "无", "暂无", "没有",
        _VALID_ID, _VALID_ID.lower(), _VALID_ID[:-1] + "0", "110105194912310020.0", " " + _VALID_ID,
        "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002x", "1101051949123100", "\u0661" * 18,
        # names and places, with spaces, full width and blank marks
        "张三", "张 三", "张三 ", "Zhang San", "张三丰李四王五", "城关镇", "城关 镇", "东风村", "东风村村民委员会",
        "暂无", "N/A", "na", "-", "", "   ", "——",
        # numbers, dates and yes/no in the forms people type
        "3", "3人", "3口人", "3口", "3.5", "1,234.5", "1,234.5元", "12.5%", "35天", "abc", "1e400", "nan",
        "2024-08-23", "2024/8/23", "2024.8.23", "2024年8月23日", "20240823", "2024-02-30", "45527", "99999",
        "2024-08-23 00:00:00", "是", "否", "Y", "n", "√", "×", "对", "错", "也许",
        "一般户、低保户", "低保户,特困户", "未知类别",
    ]
    return cells


@pytest.mark.parametrize("field", [f for fields in FIELDS.values() for f in fields],
                         ids=lambda f: f"{f.parse}-{f.name}")
def test_the_fast_column_parse_equals_the_cell_by_cell_parse(field):
    cells = _pool()
    # Repeated and shuffled, so that the once-per-distinct-cell cache is exercised.
    column = cells * 3
    random.Random(7).shuffle(column)
    fast_values, fast_errors = parse_column(column, field)
    slow_values, slow_errors = parse_column_per_cell(column, field)
    assert [(type(v), v) for v in fast_values] == [(type(v), v) for v in slow_values]
    assert {p: (e.template, e.values) for p, e in fast_errors.items()} == \
        {p: (e.template, e.values) for p, e in slow_errors.items()}
    assert [e.message(field.header) for e in fast_errors.values()] == \
        [e.message(field.header) for e in slow_errors.values()]


def test_the_pool_holds_cells_that_fail_and_cells_that_pass():
    by_name = {f.name: f for fields in FIELDS.values() for f in fields}
    for name in ("household_id", "head_id_number"):
        if name in by_name:
            values, errors = parse_column_per_cell(_pool(), by_name[name])
            assert errors and any(v is not None for v in values)


def test_the_fast_id_check_digit_equals_the_per_cell_check():
    values = [_VALID_ID, _VALID_ID.lower(), _VALID_ID[:-1] + "0", _VALID_ID[:-1] + "9", "11010519491231002X",
              "1101051949123100", "\u0661" * 17 + "1", None, float("nan"), 12345, "abc", "",
              "11010519491231002" + "y"] * 2
    series = pd.Series(values, index=range(100, 100 + len(values)), dtype=object)
    fast = _id_check_digit(series)
    assert fast.index.equals(series.index)
    assert fast.tolist() == _id_check_digit_per_cell(series).astype(bool).tolist()
