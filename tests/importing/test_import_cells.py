"""Reading single cells and headers: the spellings real exports use map onto one value."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_loaders.importing.cells import (
    CellError,
    display,
    parse_bool,
    parse_code,
    parse_date,
    parse_enum,
    parse_id_number,
    parse_int,
    parse_number,
)
from data_loaders.importing.resolve import Divisions, ResolveError
from data_loaders.importing.spec import ImportKind, fields_by_name, match_header
from paicha.vocab import MonitorType, ScreeningMethod

ROSTER = fields_by_name(ImportKind.households)
SCREENING = fields_by_name(ImportKind.screenings)
AUG_23 = dt.date(2024, 8, 23)


@pytest.mark.parametrize("cell", [
    AUG_23, dt.datetime(2024, 8, 23, 9, 30), 45527.0, 45527, "45527", "2024-08-23", "2024/8/23",
    "2024.8.23", "2024年8月23日", "2024 年 8 月 23 日", "20240823", "２０２４－０８－２３", "2024-08-23 00:00:00",
])
def test_every_date_form_reads_as_the_same_day(cell):
    assert parse_date(cell, SCREENING["screened_on"]) == AUG_23


@pytest.mark.parametrize("cell", ["8月23日", "2024-13-01", "2024-02-30", "昨天", 12.0, "1e9"])
def test_unreadable_date_is_refused(cell):
    with pytest.raises(CellError, match="无法识别的日期"):
        parse_date(cell, SCREENING["screened_on"])


@given(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日"]))
def test_date_text_round_trips(day, pattern):
    text = pattern.format(y=day.year, m=day.month, d=day.day)
    assert parse_date(text, SCREENING["screened_on"]) == day
    serial = float((day - dt.date(1899, 12, 30)).days)
    assert parse_date(serial, SCREENING["screened_on"]) == day


@pytest.mark.parametrize(("cell", "expected"), [
    ("是", True), ("否", False), ("Y", True), ("n", False), ("√", True), ("×", False), (1, True),
    (0.0, False), ("1", True), ("有", True), ("无", False), (True, True), ("ｙｅｓ", True), (None, None),
])
def test_yes_no_spellings(cell, expected):
    assert parse_bool(cell, ROSTER["is_former_poor"]) is expected


def test_wrong_means_no_as_right_means_yes():
    # 对/错 was understood by the result entry only; one parser now serves both.
    assert parse_bool("错", ROSTER["is_former_poor"]) is False and parse_bool("对", ROSTER["is_former_poor"]) is True


def test_a_numpy_flag_reads_as_a_flag():
    assert parse_bool(np.bool_(True), ROSTER["is_former_poor"]) is True
    assert parse_bool(np.bool_(False), ROSTER["is_former_poor"]) is False


def test_blank_flag_means_no():
    assert parse_bool("", ROSTER["kg_severe_disability"]) is False


def test_unknown_yes_no_is_refused():
    with pytest.raises(CellError):
        parse_bool("也许", ROSTER["is_former_poor"])


@pytest.mark.parametrize("cell", [210311199001011234.0, 210311199001011234, "2.10311E+17",
                                  "2.103111990010112e+17", "210311199001011234.0"])
def test_id_number_stored_as_number_is_refused_with_the_fix(cell):
    with pytest.raises(CellError) as info:
        parse_id_number(cell, ROSTER["head_id_number"])
    assert "文本" in info.value.message("户主证件号码")


def test_id_number_text_is_folded():
    assert parse_id_number(" ２１０３１１１９９００１０１１２３x\u3000", ROSTER["head_id_number"]) == \
        "21031119900101123X"


def test_household_number_survives_as_a_short_number_only():
    assert parse_code(2103110.0, ROSTER["household_id"]) == "2103110"
    with pytest.raises(CellError, match="末几位已经丢失"):
        parse_code(2103111022100001.0, ROSTER["household_id"])


@pytest.mark.parametrize(("cell", "expected"), [("１２，３４５．６", 12345.6), ("1,200元", 1200.0), (-3, -3.0)])
def test_numbers(cell, expected):
    assert parse_number(cell, ROSTER["per_capita_income"]) == expected


def test_members_must_be_whole():
    assert parse_int("３人", ROSTER["members"]) == 3
    with pytest.raises(CellError, match="整数"):
        parse_int(2.5, ROSTER["members"])


def test_enum_spellings_map_to_codes_and_blank_monitor_type_means_none():
    assert parse_enum("入户", SCREENING["method"]) == ScreeningMethod.home_visit.value
    assert parse_enum(" 线上问询 ", SCREENING["method"]) == ScreeningMethod.online_inquiry.value
    assert parse_enum("", ROSTER["monitor_type"]) == MonitorType.none.value
    assert parse_enum("边缘户", ROSTER["monitor_type"]) == MonitorType.marginal.value
    assert parse_enum("抽查", SCREENING["method"]) == "抽查"  # left for the allowed-values check


def test_display_shows_long_numbers_as_excel_does():
    assert display(210311199001011234.0) == "2.10311E+17"
    assert display(3.0) == "3"


@pytest.mark.parametrize(("header", "field"), [
    ("证件号码", "head_id_number"), ("身份证号", "head_id_number"), ("户主身份证号码", "head_id_number"),
    ("身份证号码", "head_id_number"), ("乡镇", "town"), ("街道", "town"), ("乡镇（街道）", "town"),
    ("乡镇 (街道)", "town"), ("村", "village"), ("社区", "village"), ("行政村", "village"),
    ("村（社区）", "village"), ("人口数", "members"), ("家庭人口", "members"), ("*户编号", "household_id"),
    ("家庭人均纯收入（元）", "per_capita_income"), ("人均纯收入(元/年)", "per_capita_income"),
    ("是否重度残疾人", "kg_severe_disability"), ("住房安全", "problem_housing"), ("户 编 号", "household_id"),
])
def test_header_aliases(header, field):
    assert match_header(header, ImportKind.households) == field


def _divisions() -> Divisions:
    return Divisions(pd.DataFrame({
        "town_code": ["210311102000"] * 3 + ["210311103000"],
        "town_name": ["唐家房镇"] * 3 + ["大屯镇"],
        "village_code": ["210311102210", "210311102001", "210311102211", "210311103220"],
        "village_name": ["太平沟村民委员会", "中心社区居委会", "中心村委会", "大屯村委会"],
        "kind": ["village", "community", "village", "village"],
    }))


@pytest.mark.parametrize("text", ["太平沟村民委员会", "太平沟村委会", "太平沟村", "太平沟", "210311102210"])
def test_village_by_full_or_short_name_or_code(text):
    assert _divisions().village("210311102000", text) == "210311102210"


def test_short_name_shared_by_two_villages_of_a_town_is_ambiguous():
    with pytest.raises(ResolveError, match="对应多个村"):
        _divisions().village("210311102000", "中心")
    assert _divisions().village("210311102000", "中心社区") == "210311102001"


def test_village_of_another_town_names_both_towns():
    with pytest.raises(ResolveError, match="不属于大屯镇，它属于唐家房镇"):
        _divisions().village("210311103000", "太平沟")


@pytest.mark.parametrize("text", ["唐家房镇", "唐家房", "210311102000", "210311102"])
def test_town_by_name_short_name_or_code(text):
    assert _divisions().town(text) == "210311102000"
