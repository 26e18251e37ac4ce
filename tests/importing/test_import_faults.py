"""The import's last gaps: database errors, household moves, UTF-16 text, zones without a shape."""

from __future__ import annotations

import json

import pytest

from data_loaders.importing import ImportKind, import_file, service
from tests.importing.conftest import FILES
from tests.importing.synthetic_import_data import fingerprint

MOVES = "household_ids_of_another_town.xlsx"


def last_log(store) -> dict:
    row = store.query("SELECT ok, detail FROM import_log ORDER BY id DESC LIMIT 1").iloc[0]
    return {"ok": bool(row["ok"]), **json.loads(row["detail"])}


def test_an_oversized_member_count_never_reaches_duckdb(roster_store, settings):
    before = fingerprint(roster_store)
    content = (FILES / "members_three_billion.xlsx").read_bytes()
    report = import_file(roster_store, "members_three_billion.xlsx", content, settings=settings, user="t")
    assert not report.ok and [(e.row, e.column) for e in report.errors] == [(6, "家庭人口数")]
    assert fingerprint(roster_store) == before
    assert last_log(roster_store)["ok"] is False
    assert roster_store.query("SELECT max(members) AS m FROM households")["m"][0] <= 30


def test_a_database_error_while_applying_is_a_chinese_message_with_an_import_log_line(
        roster_store, settings, monkeypatch):
    def overflowing(cur, batch):
        cur.execute("SELECT CAST(3000000000 AS INTEGER)")  # what a 30-亿-member row did to DuckDB

    monkeypatch.setattr(service, "apply_batch", overflowing)
    before, version = fingerprint(roster_store), roster_store.data_version()
    report = import_file(roster_store, "gbk.csv", (FILES / "gbk_encoded_roster.csv").read_bytes(),
                         settings=settings, user="t")
    assert not report.ok and not report.applied
    (issue,) = report.errors
    assert issue.file == "gbk.csv" and "写入数据库时出错，本次导入已全部撤销" in issue.message
    assert fingerprint(roster_store) == before and roster_store.data_version() == version
    log = last_log(roster_store)
    assert (log["ok"], log["failed"], log["applied"]) == (False, "ConversionException", False)
    assert "3000000000" not in json.dumps(log)  # the log holds counts and the error's kind, no values


def test_a_database_error_while_counting_is_reported_not_raised(roster_store, settings, monkeypatch):
    def broken(cur, batch):
        cur.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(service, "count_changes", broken)
    report = import_file(roster_store, "gbk.csv", (FILES / "gbk_encoded_roster.csv").read_bytes(),
                         settings=settings, user="t", dry_run=True)
    assert not report.ok and "写入数据库时出错" in report.errors[0].message


def test_a_household_id_reused_in_another_town_is_listed_row_by_row_in_the_dry_run(full_store, settings):
    report = import_file(full_store, MOVES, (FILES / MOVES).read_bytes(), settings=settings, user="t", dry_run=True)
    assert not report.errors and not report.ok and report.needs_confirmation
    assert [(m.row, m.new_place.split()[0]) for m in report.moves] == [(4, "甘泉镇"), (5, "甘泉镇"), (6, "甘泉镇")]
    stored = full_store.query("SELECT household_id, town_code, village_code FROM households").set_index("household_id")
    for move in report.moves:
        assert (move.old_town_code, move.old_village_code) == tuple(stored.loc[move.household_id])
        assert move.old_place != move.new_place and move.moves
    assert len(report.id_changes) == 3 and all(c.changes_id for c in report.id_changes)
    assert all("********" in c.new_id_number for c in report.id_changes)  # masked in the report
    out = report.as_dict()
    assert [m["household_id"] for m in out["moves"]] == [m.household_id for m in report.moves]
    assert out["moves_confirmed"] is False and out["id_changes_confirmed"] is False
    assert set(out["id_changes"][0]) == {"household_id", "file", "sheet", "row", "old_id_number", "new_id_number"}


@pytest.mark.parametrize(("moves", "ids"), [(0, 0), (3, 0), (0, 3), (2, 3), (3, 2)])
def test_moves_are_refused_unless_each_change_is_confirmed_with_its_count(full_store, settings, moves, ids):
    before = fingerprint(full_store)
    report = import_file(full_store, MOVES, (FILES / MOVES).read_bytes(), settings=settings, user="t",
                         confirm_moves=moves, confirm_id_changes=ids)
    assert not report.ok and not report.applied
    assert fingerprint(full_store) == before
    log = last_log(full_store)
    assert (log["ok"], log["moves"], log["id_changes"]) == (False, 3, 3)


def test_confirmed_moves_move_the_households_and_their_screenings(full_store, settings):
    report = import_file(full_store, MOVES, (FILES / MOVES).read_bytes(), settings=settings, user="t",
                         confirm_moves=3, confirm_id_changes=3)
    assert report.ok and report.applied and report.changed == 3
    for move in report.moves:
        towns = full_store.query("SELECT DISTINCT town_code FROM screenings WHERE household_id = ?",
                                 [move.household_id])["town_code"].tolist()
        assert towns in ([], [move.new_town_code])
        assert full_store.query("SELECT town_code FROM households WHERE household_id = ?",
                                [move.household_id])["town_code"][0] == move.new_town_code


def test_an_id_number_change_alone_needs_its_own_confirmation(roster_store, settings, roster):
    h = roster.iloc[0]
    number = "11010519491231002X"
    csv_text = ("户编号,户主姓名,户主证件号码,乡镇,村,家庭人口数,是否脱贫户\n"
                f"{h.household_id},{h.head_name},{number},{h.town_code},{h.village_code},{h.members},否\n")
    report = import_file(roster_store, "id.csv", csv_text.encode(), settings=settings, user="t", confirm_moves=1)
    assert not report.ok and not report.moves and [c.household_id for c in report.id_changes] == [h.household_id]
    assert report.id_changes[0].new_id_number == "110105********002X"
    report = import_file(roster_store, "id.csv", csv_text.encode(), settings=settings, user="t", confirm_id_changes=1)
    assert report.ok and roster_store.query("SELECT head_id_number FROM households WHERE household_id = ?",
                                            [h.household_id])["head_id_number"][0] == number


def test_an_unchanged_roster_needs_no_confirmation(roster_store, settings):
    content = (FILES / "gbk_encoded_roster.csv").read_bytes()
    report = import_file(roster_store, "gbk.csv", content, settings=settings, user="t")
    assert report.ok and not report.moves and not report.id_changes and report.unchanged == 6


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_text_is_read_with_or_without_a_byte_order_mark(store, settings, encoding):
    text = (FILES / "excel_unicode_text_roster.txt").read_bytes().decode("utf-16")
    report = import_file(store, "unicode.txt", text.encode(encoding), settings=settings, user="t")
    assert report.ok and report.kind is ImportKind.households and report.new == 5, report.errors


def test_a_zone_with_an_empty_polygon_is_refused_at_its_feature(roster_store, settings):
    layer = json.loads((FILES / "flood_zones.geojson").read_text(encoding="utf-8"))
    layer["features"][0]["geometry"] = {"type": "Polygon", "coordinates": []}
    report = import_file(roster_store, "empty.geojson", json.dumps(layer).encode(), settings=settings, user="t")
    assert not report.ok and [(e.row, e.column) for e in report.errors] == [(1, "图形")]
    assert "没有几何图形" in report.errors[0].message
    assert roster_store.count("hazard_zones") == 0
