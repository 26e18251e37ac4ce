"""Writes the import test files in tests/importing/files/, each named after its defect.

Run it after changing the synthetic data (command below). Every file
is small and synthetic (see synthetic_import_data). Most defect files share one layout so their
row numbers are easy to check by eye: a title in row 1, a blank row 2, the header in row 3 and
five households in rows 4–8, the defect in the third of them, **Excel row 6**. CSV files have
the header in row 1 and the defect in **row 4**. roster.xls needs xlwt, a generator-only
dependency: ``uv run --with xlwt python tests/importing/make_files.py``; without it the committed
roster.xls is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from paicha.config import load_settings
from paicha.idnumber import check_char
from paicha.vocab import KeyGroup, MonitorType, ScreeningMethod, ScreeningResult
from tests.importing.synthetic_import_data import divisions, households, screenings

FILES = Path(__file__).resolve().parent / "files"
TITLE = "千山区2024年防止返贫监测帮扶集中排查农户花名册（测试数据）"
DEFECT_ROW = 6       # Excel row of the defect in the shared .xlsx layout
CSV_DEFECT_ROW = 4   # row of the defect in the CSV files
FIXED_TIME = dt.datetime(2024, 8, 26, 9, 0, 0)
BASIC = ["户编号", "户主姓名", "户主证件号码", "乡镇(街道)", "村(社区)", "家庭人口数", "是否脱贫户",
         "监测对象类型", "家庭人均纯收入(元)"]

settings = load_settings()
ROSTER = households(settings)
DIV = divisions(settings)
TOWN = dict(zip(DIV["town_code"], DIV["town_name"], strict=False))
VILLAGE = dict(zip(DIV["village_code"], DIV["village_name"], strict=False))


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def basic_row(h) -> list:
    return [h.household_id, h.head_name, h.head_id_number, TOWN[h.town_code],
            VILLAGE[h.village_code], int(h.members), yes_no(h.is_former_poor),
            MonitorType(h.monitor_type).label, float(h.per_capita_income)]


def basic_rows(start: int = 0, n: int = 5) -> list[list]:
    return [basic_row(h) for h in ROSTER.iloc[start:start + n].itertuples()]


def write_xlsx(name: str, rows: list[list], *, merges=(), numbers_as_text: bool = True,
               sheet: str = "Sheet1") -> None:
    """Rows from Excel row 1; None leaves a cell empty; strings are text cells (as an export
    with the column formatted as text writes them) unless the caller passes numbers."""
    book = xlsxwriter.Workbook(FILES / name)
    book.set_properties({"created": FIXED_TIME})  # same bytes on every run: no churn in git
    ws = book.add_worksheet(sheet)
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    for (r1, c1, r2, c2, text) in merges:
        ws.merge_range(r1, c1, r2, c2, text)
    book.close()


def write_csv(name: str, rows: list[list], encoding: str = "utf-8-sig") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (FILES / name).write_bytes(buffer.getvalue().encode(encoding))


def layout(header: list[str], data: list[list]) -> list[list]:
    """The shared layout: title, blank row, header, data from row 4."""
    return [[TITLE], [], header, *data]


# -- households: one defect each -------------------------------------------------------------------

def id_stored_as_number() -> None:
    data = basic_rows()
    data[2][2] = float(data[2][2])  # what Excel does to an ID typed into a General cell
    write_xlsx("id_stored_as_number.xlsx", layout(BASIC, data))


def id_as_scientific_text() -> None:
    data = basic_rows()
    data[2][2] = "2.10311E+17"  # what a CSV saved from that sheet then holds
    write_csv("id_as_scientific_text.csv", [BASIC, *data])


def id_bad_check_digit() -> None:
    data = basic_rows()
    good = data[2][2]
    data[2][2] = good[:17] + ("0" if good[17] != "0" else "1")
    write_xlsx("id_bad_check_digit.xlsx", layout(BASIC, data))


def village_of_other_town() -> None:
    data = basic_rows()
    data[2][3], data[2][4] = "大屯镇", "太平沟村"  # 太平沟 belongs to 唐家房镇
    write_xlsx("village_of_other_town.xlsx", layout(BASIC, data))


def unknown_village() -> None:
    data = basic_rows()
    data[2][4] = "幸福村"
    write_csv("unknown_village.csv", [BASIC, *data])


def duplicate_household_id() -> None:
    data = basic_rows()
    data[4][0] = data[1][0]  # rows 5 and 8 share one 户编号
    write_xlsx("duplicate_household_id.xlsx", layout(BASIC, data))


def negative_income() -> None:
    data = basic_rows()
    data[2][8] = -500.0
    write_xlsx("negative_income.xlsx", layout(BASIC, data))


def members_not_positive() -> None:
    data = basic_rows()
    data[2][5] = 0
    write_xlsx("members_not_positive.xlsx", layout(BASIC, data))


def members_three_billion() -> None:
    """An overflow: 家庭人口数 = 3,000,000,000 does not fit DuckDB's INTEGER."""
    data = basic_rows()
    data[2][5] = 3_000_000_000
    write_xlsx("members_three_billion.xlsx", layout(BASIC, data))


def income_beyond_bound() -> None:
    """Two zeros too many: 1,650,000 元 per person (the configured bound is 500,000)."""
    data = basic_rows()
    data[2][8] = 1_650_000.0
    write_xlsx("income_beyond_bound.xlsx", layout(BASIC, data))


def spending_beyond_bound() -> None:
    """合规自付支出 of 35,000,000 元 (the configured bound is 1,000,000): a typo in 元 vs 分."""
    header = [*BASIC, "合规自付支出(元)"]
    data = [[*row, float(h.compliant_oop_spending)] for row, h in zip(basic_rows(), ROSTER.itertuples(), strict=False)]
    data[2][-1] = 35_000_000.0
    write_xlsx("spending_beyond_bound.xlsx", layout(header, data))


def identification_date_not_a_date() -> None:
    """A 识别纳入监测日期 typed as a month that does not exist; the other households leave it empty."""
    header = [*BASIC, "识别纳入监测日期", "首次落实帮扶措施日期", "是否因灾受损"]
    data = [[*row, None, None, "否"] for row in basic_rows()]
    data[1][-3:] = [dt.date(2024, 9, 3), dt.date(2024, 9, 5), "是"]
    data[2][-3] = "2024年13月5日"
    write_xlsx("identification_date_not_a_date.xlsx", layout(header, data))


def assistance_date_before_monitoring_began() -> None:
    """A 首次落实帮扶措施日期 of 2019: the monitoring mechanism began in March 2020 (a typo for 2024)."""
    header = [*BASIC, "首次落实帮扶措施日期"]
    data = [[*row, None] for row in basic_rows()]
    data[2][-1] = dt.date(2019, 9, 5)
    write_xlsx("assistance_date_before_monitoring_began.xlsx", layout(header, data))


def coordinates_outside_district() -> None:
    """A point in 沈阳 (123.43, 41.80): in China and in WGS-84, but 80 km north of the district."""
    header = [*BASIC, "经度", "纬度"]
    data = [[*row, float(h.lon), float(h.lat)] for row, h in zip(basic_rows(), ROSTER.itertuples(), strict=False)]
    data[2][-2], data[2][-1] = 123.43, 41.80
    write_xlsx("coordinates_outside_district.xlsx", layout(header, data))


def household_ids_of_another_town() -> None:
    """Three 户编号 the roster already holds in 唐家房镇 (and elsewhere), sent again by another
    town with other villages, names and ID numbers: an upsert would silently move them."""
    target_town = "甘泉镇"
    moved = ROSTER[ROSTER["town_code"].map(TOWN) != target_town].iloc[:3]
    villages = [v for code, v in VILLAGE.items() if TOWN[code[:9] + "000"] == target_town][:3]
    data = []
    for i, (h, village) in enumerate(zip(moved.itertuples(), villages, strict=True)):
        stem = f"21031119600101{i + 1:03d}"  # 17 digits: area, birth date, sequence
        data.append([h.household_id, "改名" + h.head_name, stem + check_char(stem), target_town, village,
                     int(h.members), yes_no(h.is_former_poor), MonitorType(h.monitor_type).label,
                     float(h.per_capita_income)])
    write_xlsx("household_ids_of_another_town.xlsx", layout(BASIC, data))


def coordinates_swapped() -> None:
    header = [*BASIC, "经度", "纬度"]
    data = [[*row, float(h.lon), float(h.lat)] for row, h in zip(basic_rows(), ROSTER.itertuples(), strict=False)]
    data[2][-2], data[2][-1] = data[2][-1], data[2][-2]
    write_xlsx("coordinates_swapped.xlsx", layout(header, data))


def missing_required_column() -> None:
    keep = [i for i, h in enumerate(BASIC) if h != "家庭人口数"]
    write_xlsx("missing_required_column.xlsx",
               layout([BASIC[i] for i in keep], [[row[i] for i in keep] for row in basic_rows()]))


# -- screenings: one defect each ---------------------------------------------------------------------

SCREENING_HEADER = ["户编号", "排查日期", "排查方式", "排查人员", "排查结果", "是否发放明白纸", "线上确认日期"]


def screening_rows(n: int = 5) -> list[list]:
    records = screenings(settings, ROSTER).iloc[:n]
    return [[s.household_id, s.screened_on, ScreeningMethod(s.method).label, s.screener,
             ScreeningResult(s.result).label, yes_no(s.leaflet_given), s.confirmed_online_on]
            for s in records.itertuples()]


def screening_for_unknown_household() -> None:
    data = screening_rows()
    data[2][0] = "2103119999990001"
    write_xlsx("screening_for_unknown_household.xlsx", layout(SCREENING_HEADER, data))


def date_outside_campaign() -> None:
    data = screening_rows()
    data[2][1] = dt.date(2024, 8, 1)  # the campaign starts on 2024-08-24
    write_xlsx("date_outside_campaign.xlsx", layout(SCREENING_HEADER, data))


def invalid_method() -> None:
    data = screening_rows()
    data[2][2] = "抽查"
    write_xlsx("invalid_method.xlsx", layout(SCREENING_HEADER, data))


# -- valid files with the quirks of real exports -----------------------------------------------------

def gbk_encoded_roster() -> None:
    """What Excel on Chinese Windows writes for “CSV (逗号分隔)”: GBK, no BOM."""
    write_csv("gbk_encoded_roster.csv", [BASIC, *basic_rows(5, 6)], encoding="gbk")


def title_rows_and_merged_header() -> None:
    """Two title rows, then a header over rows 3–4: 户主信息 and 所在地 group two columns each."""
    rows = [["千山区唐家房镇农户花名册"], ["填报单位：唐家房镇人民政府    填报日期：2024年8月26日"],
            ["序号", "户编号", "户主信息", None, "所在地", None, "家庭人口数", "是否脱贫户"],
            [None, None, "姓名", "身份证号码", "乡镇（街道）", "村（社区）", None, None]]
    for i, row in enumerate(basic_rows(11, 6), start=1):
        rows.append([i, row[0], row[1], row[2], row[3], row[4], row[5], row[6]])
    merges = [(0, 0, 0, 7, rows[0][0]), (1, 0, 1, 7, rows[1][0]), (2, 0, 3, 0, "序号"),
              (2, 1, 3, 1, "户编号"), (2, 2, 2, 3, "户主信息"), (2, 4, 2, 5, "所在地"),
              (2, 6, 3, 6, "家庭人口数"), (2, 7, 3, 7, "是否脱贫户")]
    write_xlsx("title_rows_and_merged_header.xlsx", rows, merges=merges)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def total_row_and_fullwidth() -> None:
    """Full-width digits, brackets and spaces as typed with a Chinese IME, and a 合计 row."""
    header = ["户 编 号", "户主姓名", "户主证件号码", "乡镇（街道）", "村（社区）", "家庭人口数",
              "是否脱贫户", "监测对象类型", "家庭人均纯收入（元）"]
    data = []
    for row in basic_rows(17, 5):
        row[0] = to_fullwidth(row[0])
        row[2] = to_fullwidth(row[2]) + "\u3000"
        row[3] = row[3] + " "
        row[5] = to_fullwidth(str(row[5]))
        row[8] = to_fullwidth(f"{row[8]:,}")
        data.append(row)
    total = ["合计", None, None, None, None, sum(int(h.members) for h in ROSTER.iloc[17:22].itertuples()),
             None, None, None]
    write_xlsx("total_row_and_fullwidth.xlsx", layout(header, [*data, total]))


def excel_unicode_text_roster() -> None:
    """What Excel writes for “Unicode 文本 (*.txt)”: UTF-16 little-endian with a BOM, tab-separated,
    CRLF, the income shown with a thousands separator."""
    rows = [[*row[:8], f"{row[8]:,.2f}"] for row in basic_rows(51, 5)]
    text = "\r\n".join("\t".join(str(v) for v in row) for row in [BASIC, *rows]) + "\r\n"
    (FILES / "excel_unicode_text_roster.txt").write_bytes(text.encode("utf-16"))


def roster_xls() -> None:
    try:
        import xlwt
    except ImportError:
        print("xlwt not installed: keeping the committed roster.xls")
        return
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    for c, text in enumerate(BASIC):
        sheet.write(0, c, text)
    for r, row in enumerate(basic_rows(22, 5), start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(FILES / "roster.xls"))


def messy_roster_export() -> None:
    """A town's export as it arrives: titles, a 1 2 3 column-number row, other header spellings,
    √/× and Y/N, village names without suffix or as codes, numbers for phones, a footnote."""
    header = ["序号", "户号", "户主", "身份证号", "乡镇", "行政村", "人口数", "联系电话", "脱贫户",
              "监测类型", "人均纯收入(元/年)", "合规自付支出", "东经", "北纬", "重度残疾人", "住房安全"]
    rows = [["附件2"], ["千山区农户基础信息表"], header, list(range(1, len(header) + 1))]
    for i, h in enumerate(ROSTER.iloc[27:37].itertuples(), start=1):
        village = VILLAGE[h.village_code]
        short = village.replace("村民委员会", "").replace("村委会", "")
        rows.append([
            i, h.household_id, h.head_name, h.head_id_number, TOWN[h.town_code],
            h.village_code if i % 3 == 0 else (short if i % 2 else village),
            int(h.members), int(h.phone), "√" if h.is_former_poor else "×",
            "" if h.monitor_type == MonitorType.none.value else MonitorType(h.monitor_type).label,
            float(h.per_capita_income), f"{h.compliant_oop_spending:,.2f}", float(h.lon), float(h.lat),
            "Y" if h.kg_severe_disability else "N", "有" if h.problem_housing else "无",
        ])
    rows.append(["合计", None, None, None, None, None, sum(int(h.members) for h in ROSTER.iloc[27:37].itertuples())])
    rows.append(["填表人：张某某    审核人：李某某"])
    write_xlsx("messy_roster_export.xlsx", rows, sheet="农户信息")


def messy_screenings_export() -> None:
    """Dates as date cells, serial numbers and four text forms; other spellings of the values."""
    header = ["户号", "户主姓名", "村", "排查时间", "排查形式", "排查人", "排查结论", "明白纸发放", "线上信息确认日期"]
    rows = [["千山区集中排查台账"], header]
    records = screenings(settings, ROSTER).iloc[5:17]
    forms = [
        lambda d: d,                                           # a date cell
        lambda d: float((d - dt.date(1899, 12, 30)).days),     # a serial number in a General cell
        lambda d: f"{d.year}/{d.month}/{d.day}",
        lambda d: f"{d.year}.{d.month}.{d.day}",
        lambda d: f"{d.year}年{d.month}月{d.day}日",
        lambda d: d.isoformat(),
    ]
    method = {"home_visit": "入户", "village_assessment": "村级研判", "online_inquiry": "线上问询"}
    result = {"no_risk": "无风险", "risk_found": "存在风险隐患", "propose_monitoring": "建议纳入监测"}
    names = dict(zip(ROSTER["household_id"], ROSTER["head_name"], strict=True))
    for i, s in enumerate(records.itertuples()):
        rows.append([s.household_id, names[s.household_id], VILLAGE[s.village_code],
                     forms[i % len(forms)](s.screened_on), method[s.method], s.screener,
                     result[s.result], "√" if s.leaflet_given else "×",
                     s.confirmed_online_on.isoformat() if s.confirmed_online_on else ""])
    write_xlsx("messy_screenings_export.xlsx", rows, sheet="排查台账")


def messy_key_group_list() -> None:
    """A department's list (UTF-8 with BOM): matched by ID number, by 户编号, or both."""
    header = ["序号", "姓名", "身份证号码", "户编号", "人员类别", "来源单位"]
    groups = ["重度残疾", "2024年新增低保对象", "分散供养特困", "大病患者", "精神障碍患者"]
    rows = [header]
    for i, h in enumerate(ROSTER.iloc[40:46].itertuples(), start=1):
        by_id = i % 3 != 0
        rows.append([i, h.head_name, h.head_id_number if by_id else "",
                     h.household_id if not by_id or i == 1 else "", groups[i % len(groups)],
                     "残联" if "残疾" in groups[i % len(groups)] else "民政局"])
    write_csv("messy_key_group_list.csv", rows)


def key_group_unmatched() -> None:
    header = ["户编号", "户主证件号码", "重点群体类别", "来源部门"]
    rows = [header]
    for h in ROSTER.iloc[46:51].itertuples():
        rows.append(["", h.head_id_number, KeyGroup.serious_illness.label, "医保局"])
    # Well-formed, with a valid check character, but nobody's in the roster.
    rows[3][1] = "21031119500101001" + check_char("21031119500101001")
    write_csv("key_group_unmatched.csv", rows)


def messy_milestones() -> None:
    header = ["乡镇", "工作方案", "分类培训完成日期", "总结报告上报日期", "是否审定"]
    rows = [["各乡镇（街道）工作节点完成情况"], header,
            ["汤岗子", dt.date(2024, 8, 20), "2024/8/22", "2024年9月21日", "是"],
            ["东鞍山街道", 45523.0, "2024.8.23", None, None],
            ["210311102000", "2024-08-21", dt.date(2024, 8, 23), dt.date(2024, 9, 23), "√"],
            ["大屯镇 ", dt.date(2024, 8, 19), dt.date(2024, 8, 21), "", "否"],
            ["注：日期以乡镇党委会议纪要为准"]]
    write_xlsx("messy_milestones.xlsx", rows)


# -- hazard layers ---------------------------------------------------------------------------------

def _box(lon: float, lat: float, half: float) -> list:
    return [[[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
             [lon - half, lat + half], [lon - half, lat - half]]]


def _zones() -> dict:
    first, second = ROSTER.iloc[0], ROSTER.iloc[1]
    features = [
        {"type": "Feature", "properties": {"编号": "FLOOD-001", "灾害类型": "暴雨洪涝", "等级": "高",
                                           "名称": "测试洪涝区一"},
         "geometry": {"type": "Polygon", "coordinates": _box(first.lon, first.lat, 0.002)}},
        {"type": "Feature", "properties": {"编号": "FLOOD-002", "灾害类型": "暴雨洪涝", "等级": "中",
                                           "名称": "测试洪涝区二"},
         "geometry": {"type": "Polygon", "coordinates": _box(second.lon, second.lat, 0.002)}},
    ]
    return {"type": "FeatureCollection", "features": features}


def flood_zones() -> None:
    (FILES / "flood_zones.geojson").write_text(json.dumps(_zones(), ensure_ascii=False), encoding="utf-8")


def flood_zones_utm_shapefile() -> None:
    """The same zones in UTM zone 51N metres, as a zipped Shapefile with .prj and .cpg."""
    import geopandas as gpd

    frame = gpd.GeoDataFrame.from_features(_zones()["features"], crs="EPSG:4326").to_crs("EPSG:32651")
    # DBF field names hold 10 bytes: 灾害类型 (12 in UTF-8) would be cut mid-character.
    frame = frame.rename(columns={"灾害类型": "类型"})
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / "flood_zones.shp", encoding="utf-8")
        with zipfile.ZipFile(FILES / "flood_zones_utm.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                entry = zipfile.ZipInfo(part.name, FIXED_TIME.timetuple()[:6])
                data = part.read_bytes()
                if part.suffix == ".dbf":  # its header holds the day it was written: no churn in git
                    data = data[:1] + bytes([FIXED_TIME.year - 1900, FIXED_TIME.month, FIXED_TIME.day]) + data[4:]
                archive.writestr(entry, data, zipfile.ZIP_DEFLATED)


def hazard_not_polygon() -> None:
    zones = _zones()
    zones["features"][1]["geometry"] = {"type": "LineString", "coordinates": _box(122.9, 41.0, 0.01)[0]}
    (FILES / "hazard_not_polygon.geojson").write_text(json.dumps(zones, ensure_ascii=False), encoding="utf-8")


def hazard_without_polygon() -> None:
    """The second zone has ``"geometry": null`` (a feature digitised as attributes only)."""
    zones = _zones()
    zones["features"][1]["geometry"] = None
    (FILES / "hazard_without_polygon.geojson").write_text(json.dumps(zones, ensure_ascii=False), encoding="utf-8")


def _shapefile_zip(name: str, damage) -> None:
    """The UTM flood zones as a zipped Shapefile with its .dbf entry passed through ``damage``
    (None drops it)."""
    with zipfile.ZipFile(FILES / "flood_zones_utm.zip") as source:
        parts = {entry: source.read(entry) for entry in source.namelist()}
    with zipfile.ZipFile(FILES / name, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in sorted(parts.items()):
            if entry.endswith(".dbf"):
                data = damage(data)
                if data is None:
                    continue
            archive.writestr(zipfile.ZipInfo(entry, FIXED_TIME.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)


def shapefile_without_dbf() -> None:
    _shapefile_zip("shapefile_without_dbf.zip", lambda data: None)


def shapefile_with_broken_dbf() -> None:
    """The .dbf cut off after its first 40 bytes, as an interrupted copy leaves it."""
    _shapefile_zip("shapefile_with_broken_dbf.zip", lambda data: data[:40])


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for make in (id_stored_as_number, id_as_scientific_text, id_bad_check_digit, village_of_other_town,
                 unknown_village, duplicate_household_id, negative_income, members_not_positive,
                 coordinates_swapped, missing_required_column, screening_for_unknown_household,
                 date_outside_campaign, invalid_method, gbk_encoded_roster,
                 title_rows_and_merged_header, total_row_and_fullwidth, roster_xls,
                 messy_roster_export, messy_screenings_export, messy_key_group_list,
                 key_group_unmatched, messy_milestones, flood_zones, flood_zones_utm_shapefile,
                 hazard_not_polygon, members_three_billion, income_beyond_bound, spending_beyond_bound,
                 coordinates_outside_district, household_ids_of_another_town, excel_unicode_text_roster,
                 hazard_without_polygon, shapefile_without_dbf, shapefile_with_broken_dbf,
                 identification_date_not_a_date, assistance_date_before_monitoring_began):
        make()
    print(f"wrote {len(list(FILES.iterdir()))} files to {FILES.name}/")


if __name__ == "__main__":
    main()
