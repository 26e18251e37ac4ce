"""Each broken file in files/ is refused with its defect located as the user sees it in Excel."""

from __future__ import annotations

import json

import pytest

from data_loaders.importing import ImportKind, import_file
from tests.importing.conftest import FILES
from tests.importing.synthetic_import_data import fingerprint

# file, sheet, Excel row, column as headed in the file, value shown, words the message must hold
DEFECTS = [
    ("id_stored_as_number.xlsx", "Sheet1", 6, "户主证件号码", "2.10311E+17", ["存成了数字", "文本", "单引号"]),
    ("id_as_scientific_text.csv", "", 4, "户主证件号码", "2.10311E+17", ["存成了数字", "文本"]),
    ("id_bad_check_digit.xlsx", "Sheet1", 6, "户主证件号码", None, ["校验位", "GB 11643"]),
    ("village_of_other_town.xlsx", "Sheet1", 6, "村(社区)", "太平沟村", ["不属于大屯镇", "唐家房镇"]),
    ("unknown_village.csv", "", 4, "村(社区)", "幸福村", ["未知的村(社区)"]),
    ("negative_income.xlsx", "Sheet1", 6, "家庭人均纯收入(元)", "-500", ["不能为负数"]),
    ("members_not_positive.xlsx", "Sheet1", 6, "家庭人口数", "0", ["正整数"]),
    ("missing_required_column.xlsx", "Sheet1", 3, "家庭人口数", "", ["缺少必填列", "人口数"]),
    ("screening_for_unknown_household.xlsx", "Sheet1", 6, "户编号", "2103119999990001", ["不在农户花名册"]),
    ("date_outside_campaign.xlsx", "Sheet1", 6, "排查日期", "2024-08-01", ["集中排查期间", "2024-08-24"]),
    ("invalid_method.xlsx", "Sheet1", 6, "排查方式", "抽查", ["允许的值", "入户排查、村级研判、线上问询"]),
    ("key_group_unmatched.csv", "", 4, "户主证件号码", None, ["找不到农户"]),
    ("hazard_not_polygon.geojson", "hazard_not_polygon", 2, "图形", "LineString", ["只接受面"]),
    ("members_three_billion.xlsx", "Sheet1", 6, "家庭人口数", "3000000000", ["超出合理范围", "1到30人"]),
    ("income_beyond_bound.xlsx", "Sheet1", 6, "家庭人均纯收入(元)", "1650000", ["超出合理范围", "500,000元"]),
    ("spending_beyond_bound.xlsx", "Sheet1", 6, "合规自付支出(元)", "35000000", ["超出合理范围", "1,000,000元"]),
    ("hazard_without_polygon.geojson", "hazard_without_polygon", 2, "图形", "", ["没有几何图形", "必须是面"]),
    ("shapefile_without_dbf.zip", "flood_zones", None, "", "flood_zones.shp", ["缺少属性表文件（.dbf）"]),
    ("shapefile_with_broken_dbf.zip", "flood_zones", None, "", "flood_zones.shp", [".dbf无法读取"]),
    ("identification_date_not_a_date.xlsx", "Sheet1", 6, "识别纳入监测日期", "2024年13月5日", ["无法识别的日期"]),
    ("assistance_date_before_monitoring_began.xlsx", "Sheet1", 6, "首次落实帮扶措施日期", "2019-09-05",
     ["2020-03-01", "2024-12-31"]),
]


@pytest.mark.parametrize(("name", "sheet", "row", "column", "value", "words"), DEFECTS,
                         ids=[d[0] for d in DEFECTS])
def test_defect_is_reported_at_its_excel_row_and_column(roster_store, settings, name, sheet, row,
                                                        column, value, words):
    report = import_file(roster_store, name, (FILES / name).read_bytes(), settings=settings, user="t")
    assert not report.ok and not report.applied
    assert len(report.errors) == 1, [e.as_dict() for e in report.errors]
    issue = report.errors[0]
    assert (issue.file, issue.sheet, issue.row, issue.column) == (name, sheet, row, column)
    if value is not None:
        assert issue.value == value
    for word in words:
        assert word in issue.message


def test_duplicate_household_id_names_both_rows(roster_store, settings):
    name = "duplicate_household_id.xlsx"
    report = import_file(roster_store, name, (FILES / name).read_bytes(), settings=settings, user="t")
    assert [(e.row, e.column) for e in report.errors] == [(5, "户编号"), (8, "户编号")]
    assert "第8行" in report.errors[0].message and "第5行" in report.errors[1].message
    assert all("重复" in e.message for e in report.errors)


def test_swapped_coordinates_are_both_reported(roster_store, settings):
    name = "coordinates_swapped.xlsx"
    report = import_file(roster_store, name, (FILES / name).read_bytes(), settings=settings, user="t")
    assert [(e.row, e.column) for e in report.errors] == [(6, "经度"), (6, "纬度")]
    assert "填反" in report.errors[0].message


def test_a_point_outside_the_district_is_reported_in_both_coordinates(roster_store, settings):
    name = "coordinates_outside_district.xlsx"
    report = import_file(roster_store, name, (FILES / name).read_bytes(), settings=settings, user="t")
    assert [(e.row, e.column, e.value) for e in report.errors] == [(6, "经度", "123.43"), (6, "纬度", "41.8")]
    assert all("鞍山市千山区范围外扩0.05度" in e.message for e in report.errors)


DEFECT_FILES = [d[0] for d in DEFECTS] + ["duplicate_household_id.xlsx", "coordinates_swapped.xlsx",
                                          "coordinates_outside_district.xlsx", "household_ids_of_another_town.xlsx"]


@pytest.mark.parametrize("name", DEFECT_FILES)
def test_refused_file_leaves_store_content_unchanged(full_store, settings, name):
    before = fingerprint(full_store)
    version = full_store.data_version()
    content = (FILES / name).read_bytes()
    report = import_file(full_store, name, content, settings=settings, user="tester")
    assert not report.ok and not report.applied
    assert fingerprint(full_store) == before
    assert full_store.data_version() == version
    log = full_store.query("SELECT * FROM import_log ORDER BY id DESC LIMIT 1").iloc[0]
    assert (log["file_name"], log["user_name"], bool(log["ok"])) == (name, "tester", False)
    assert json.loads(log["detail"])["errors"] == len(report.errors)


def test_all_errors_of_a_file_are_reported_at_once(roster_store, settings):
    """A file with several defects lists every one, not just the first."""
    text = (FILES / "unknown_village.csv").read_text(encoding="utf-8-sig").splitlines()
    rows = [line.split(",") for line in text]
    rows[1][2] = rows[1][2][:17] + ("1" if rows[1][2][17] == "0" else "0")  # bad check digit
    rows[2][5] = "-2"                                                    # members
    rows[4][7] = "贫困户"                                                 # monitoring type
    rows[5][1] = ""                                                      # head's name
    rows[5][3] = "千山镇"                                                 # no such town
    content = "\n".join(",".join(r) for r in rows).encode("utf-8")
    report = import_file(roster_store, "many.csv", content, settings=settings, user="t",
                         kind=ImportKind.households)
    found = {(e.row, e.column): e.message for e in report.errors}
    assert sorted(found) == [(2, "户主证件号码"), (3, "家庭人口数"), (4, "村(社区)"), (5, "监测对象类型"),
                             (6, "乡镇(街道)"), (6, "户主姓名")]
    assert "非监测对象、脱贫不稳定户、边缘易致贫户、突发严重困难户" in found[(5, "监测对象类型")]
    assert "不能为空" in found[(6, "户主姓名")]
    assert "未知的乡镇(街道)「千山镇」" in found[(6, "乡镇(街道)")] and "唐家房镇" in found[(6, "乡镇(街道)")]
