"""The roster's optional columns of the monitoring pipeline: 住址, 识别纳入监测日期, 首次落实帮扶措施日期,
是否因灾受损. Old files without them import as before and keep what the store holds."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_loaders.divisions import ensure_divisions
from data_loaders.importing import ImportKind, export_to_template, import_file
from data_loaders.store import ROSTER_COLUMNS, Store
from paicha.scope import Scope
from tests.importing.conftest import FILES

HEADER = "户编号,户主姓名,户主证件号码,乡镇(街道),村(社区),家庭人口数,是否脱贫户"


def roster_csv(roster: pd.DataFrame, rows: range, extra_header: str = "", extra: list[str] | None = None) -> bytes:
    lines = [HEADER + (f",{extra_header}" if extra_header else "")]
    for i, h in zip(rows, roster.iloc[list(rows)].itertuples(), strict=True):
        cells = [h.household_id, h.head_name, h.head_id_number, h.town_code, h.village_code, str(h.members), "否"]
        lines.append(",".join(cells + ([extra[i - rows.start]] if extra else [])))
    return ("\n".join(lines) + "\n").encode("utf-8")


def stored(store: Store, ids: list[str]) -> pd.DataFrame:
    frame = store.query("SELECT household_id, address, identified_on, assisted_on, disaster_affected FROM households "
                        "ORDER BY household_id").set_index("household_id")
    return frame.loc[ids]


def test_the_new_columns_import_in_their_usual_spellings(roster_store, settings, roster):
    values = zip(roster.iloc[:3].itertuples(), ["第三村民小组", "", "前街12号"], ["2024/9/5", "", "2023年4月1日"],
                 ["2024-09-02", "", "2023.4.8"], ["是", "", "否"], strict=True)
    rows = [f"{h.household_id},{h.head_name},{h.head_id_number},{h.town_code},{h.village_code},{h.members},否,"
            f"{address},{ident},{helped},{hit}" for h, address, ident, helped, hit in values]
    content = "\n".join([HEADER + ",住址,纳入监测日期,帮扶开始日期,是否受灾", *rows]).encode()
    report = import_file(roster_store, "r.csv", content, settings=settings, user="t")
    assert report.ok, [e.as_dict() for e in report.errors]
    got = stored(roster_store, roster["household_id"].iloc[:3].tolist())
    assert [None if pd.isna(v) else v for v in got["address"]] == ["第三村民小组", None, "前街12号"]
    assert [None if pd.isna(d) else d.date() for d in got["identified_on"]] == [
        dt.date(2024, 9, 5), None, dt.date(2023, 4, 1)]
    assert [None if pd.isna(d) else d.date() for d in got["assisted_on"]] == [
        dt.date(2024, 9, 2), None, dt.date(2023, 4, 8)]
    assert got["disaster_affected"].tolist() == [True, False, False]


def test_an_old_roster_without_them_still_imports_and_keeps_what_the_store_holds(roster_store, settings, roster):
    # Set the new columns through a file that has them.
    lines = roster_csv(roster, range(2)).decode().splitlines()
    header = lines[0] + ",识别纳入监测日期,首次落实帮扶措施日期,是否因灾受损,住址"
    rows = [line + ",2024-09-05,2024-09-02,是,第一组" for line in lines[1:]]
    report = import_file(roster_store, "new.csv", "\n".join([header, *rows]).encode(), settings=settings, user="t")
    assert report.ok, [e.as_dict() for e in report.errors]
    # An old file (the GBK roster of before) has none of them, and imports as it did; the same
    # two households sent again without them keep their dates, flag and address.
    old = import_file(roster_store, "gbk.csv", (FILES / "gbk_encoded_roster.csv").read_bytes(), settings=settings,
                      user="t")
    assert old.ok and old.applied
    again = import_file(roster_store, "again.csv", roster_csv(roster, range(2)), settings=settings, user="t")
    assert again.ok and again.applied
    got = stored(roster_store, roster["household_id"].iloc[:2].tolist())
    assert [d.date() for d in got["identified_on"]] == [dt.date(2024, 9, 5)] * 2
    assert [d.date() for d in got["assisted_on"]] == [dt.date(2024, 9, 2)] * 2
    assert got["disaster_affected"].tolist() == [True, True] and got["address"].tolist() == ["第一组"] * 2


def test_a_bad_date_in_a_new_column_is_reported_with_its_row_and_nothing_is_written(roster_store, settings, roster):
    content = roster_csv(roster, range(3), "识别纳入监测日期", ["2024-09-05", "明天", "2024-02-30"])
    before = roster_store.data_version()
    report = import_file(roster_store, "bad.csv", content, settings=settings, user="t")
    assert not report.ok and not report.applied and roster_store.data_version() == before
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "识别纳入监测日期", "明天"),
                                                                   (4, "识别纳入监测日期", "2024-02-30")]
    assert all("无法识别的日期" in e.message for e in report.errors)


def test_the_template_describes_the_new_columns_and_round_trips_them(demo_db_path, tmp_path, settings):
    demo = Store(demo_db_path)
    scope = Scope.district(settings.district_code)
    content = export_to_template(demo, ImportKind.households, scope)
    fresh = Store.create(tmp_path / "fresh.duckdb", demo=False)
    ensure_divisions(fresh, settings.divisions_file)
    report = import_file(fresh, "households.xlsx", content, settings=settings, user="t")
    assert report.ok, [e.as_dict() for e in report.errors[:5]]
    query = f"SELECT {', '.join(ROSTER_COLUMNS)} FROM households ORDER BY household_id"
    before, after = demo.query(query), fresh.query(query)
    assert before["identified_on"].notna().sum() > 0 and before["disaster_affected"].sum() > 0
    pd.testing.assert_frame_equal(after, before, check_dtype=False)
