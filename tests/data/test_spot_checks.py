"""Spot checks against real stores: the frame's flags, stored draws, scope, field lists, result import."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from data_loaders import spot_checks
from data_loaders.divisions import read_divisions
from data_loaders.store import DIVISION_COLUMNS, HOUSEHOLD_COLUMNS, SCREENING_COLUMNS, Store
from paicha.access import User
from paicha.sampling import FLAG_COLUMNS, FRAME_COLUMNS, frame_hash
from paicha.scope import Scope
from paicha.verdicts import ANSWER_LABELS
from tests.conftest import (
    TOWN_A,
    TOWN_B,
    VILLAGE_A,
    household,
    screening,
)
from tests.filled_lists import write_filled_list

D = dt.date
CHECKER = User("checker", "抽查组", "", frozenset({"sample", "export"}))
GANQUAN = User("gq", "甘泉镇抽查员", TOWN_B, frozenset({"sample"}))
LEADER = User("leader", "领导", "", frozenset({"export"}))


def district(settings) -> Scope:
    return Scope.district(settings.district_code)


@pytest.fixture
def demo(demo_copy) -> Store:
    """A private copy of the 2,000-household demo district: these tests write draws into it."""
    return Store(demo_copy)


def build_store(path: Path, settings, households: list[dict], screenings: list[dict],
                hazards: list[str] = ()) -> Store:
    store = Store.create(path, demo=False)
    with store.transaction() as cur:
        store.insert_frame(cur, "divisions", read_divisions(settings.divisions_file).assign(geometry=None),
                           DIVISION_COLUMNS)
        store.insert_frame(cur, "households", pd.DataFrame(households), HOUSEHOLD_COLUMNS)
        store.insert_frame(cur, "screenings", pd.DataFrame(screenings), SCREENING_COLUMNS)
        for hid in hazards:
            cur.execute("INSERT INTO household_hazards VALUES (?, 'z1', 'flood')", [hid])
    return store


def visit(hid: str, on: dt.date, screener: str, method: str = "home_visit", lon: float | None = None,
          lat: float | None = None) -> dict:
    row = screening(hid, VILLAGE_A, TOWN_A, on, method=method)
    row.update({"screener": screener, "lon": lon, "lat": lat})
    return row


# --------------------------------------------------------------------------- the frame and its flags


def test_every_flag_occurs_in_the_demo_district(demo, settings):
    frame = spot_checks.build_frame(demo, settings, district(settings), D(2024, 9, 20))
    assert list(frame.columns) == list(FRAME_COLUMNS) and frame["screened"].all()
    for flag in ("key_not_home_visited", "far_visit", "hazard_exposed"):
        assert frame[flag].any(), flag
    # The generator's 48-visit day needs a village of 144+ records; at 2,000 households the two
    # overloaded villages are too small for it, and a real screener does a handful a day. With
    # the limit lowered to that handful the flag must come out of the same SQL.
    busy = dataclasses.replace(settings, thresholds=dataclasses.replace(settings.thresholds,
                                                                        max_home_visits_per_day=4))
    overloaded = spot_checks.build_frame(demo, busy, district(settings), D(2024, 9, 20))
    assert overloaded["screener_overload"].any()
    assert overloaded.drop(columns="screener_overload").equals(frame.drop(columns="screener_overload"))


def test_overload_means_more_home_visits_in_a_day_than_the_limit(tmp_path, settings):
    limit = settings.thresholds.max_home_visits_per_day
    hh = [household(f"A{i:03d}", VILLAGE_A, TOWN_A) for i in range(2 * limit + 2)]
    busy = [visit(f"A{i:03d}", D(2024, 9, 10), "忙") for i in range(limit + 1)]
    full = [visit(f"A{i:03d}", D(2024, 9, 11), "满") for i in range(limit + 1, 2 * limit + 1)]
    # Phone calls do not count towards the home-visit load.
    phoned = [visit(f"A{2 * limit + 1:03d}", D(2024, 9, 11), "满", method="online_inquiry")]
    store = build_store(tmp_path / "o.duckdb", settings, hh, busy + full + phoned)
    frame = spot_checks.build_frame(store, settings, district(settings), D(2024, 9, 12)).set_index("household_id")
    assert frame.loc[frame["screener"] == "忙", "screener_overload"].all()  # limit + 1 visits
    assert not frame.loc[frame["screener"] == "满", "screener_overload"].any()  # exactly the limit


def test_far_visit_is_measured_in_metres_from_the_household(tmp_path, settings):
    hh = [household(h, VILLAGE_A, TOWN_A) for h in ("FAR", "NEAR", "PHONE", "NOPOS")]  # at 122.95, 41.0
    metre_lon = 1 / (111_195 * 0.7547)  # degrees of longitude per metre at 41° N
    sc = [visit("FAR", D(2024, 9, 9), "甲", lon=122.95 + 1200 * metre_lon, lat=41.0),
          visit("NEAR", D(2024, 9, 9), "甲", lon=122.95 + 800 * metre_lon, lat=41.0),
          visit("PHONE", D(2024, 9, 9), "甲", method="online_inquiry", lon=123.2, lat=41.0),
          visit("NOPOS", D(2024, 9, 9), "甲")]
    store = build_store(tmp_path / "f.duckdb", settings, hh, sc)
    far = spot_checks.build_frame(store, settings, district(settings), D(2024, 9, 12)).set_index("household_id")["far_visit"]
    assert far.to_dict() == {"FAR": True, "NEAR": False, "NOPOS": False, "PHONE": False}


def test_key_households_without_a_home_visit_by_the_date_are_flagged(tmp_path, settings):
    hh = [household(h, VILLAGE_A, TOWN_A, key=True) for h in ("HOME", "PHONE", "LATE")] + [household("PLAIN", VILLAGE_A, TOWN_A)]
    sc = [visit("HOME", D(2024, 9, 9), "甲"), visit("PHONE", D(2024, 9, 9), "甲", method="online_inquiry"),
          visit("LATE", D(2024, 9, 9), "甲", method="village_assessment"), visit("LATE", D(2024, 9, 13), "甲"),
          visit("PLAIN", D(2024, 9, 9), "甲", method="online_inquiry")]
    store = build_store(tmp_path / "k.duckdb", settings, hh, sc, hazards=["PLAIN"])
    frame = spot_checks.build_frame(store, settings, district(settings), D(2024, 9, 12)).set_index("household_id")
    assert frame["key_not_home_visited"].to_dict() == {"HOME": False, "LATE": True, "PHONE": True, "PLAIN": False}
    assert frame["hazard_exposed"].to_dict() == {"HOME": False, "LATE": False, "PHONE": False, "PLAIN": True}


def test_the_frame_holds_screened_households_unless_unscreened_ones_are_asked_for(known_store, settings):
    screened = spot_checks.build_frame(known_store, settings, district(settings), D(2024, 9, 12))
    everyone = spot_checks.build_frame(known_store, settings, district(settings), D(2024, 9, 12), include_unscreened=True)
    assert sorted(screened["household_id"]) == ["A00", "A01", "A03", "A04", "A05"]
    assert len(everyone) == 14 and everyone["screened"].sum() == 5
    assert everyone.loc[~everyone["screened"], "screener"].isna().all()
    # Unscreened key households are also "not visited at home": A02 and B00.
    assert set(everyone.loc[everyone["key_not_home_visited"], "household_id"]) == {"A01", "A02", "B00"}


def test_the_frame_hash_is_stable_and_moves_with_the_date(known_store, settings):
    scope = district(settings)
    on_12 = frame_hash(spot_checks.build_frame(known_store, settings, scope, D(2024, 9, 12)))
    assert on_12 == frame_hash(spot_checks.build_frame(known_store, settings, scope, D(2024, 9, 12)))
    assert on_12 != frame_hash(spot_checks.build_frame(known_store, settings, scope, D(2024, 9, 13)))


# --------------------------------------------------------------------------- draws


def test_the_same_parameters_and_seed_draw_the_same_households_as_a_new_draw(demo, settings):
    scope = district(settings)
    first = spot_checks.create_draw(demo, settings, CHECKER, scope, D(2024, 9, 12), "backcheck", {"share": 0.1}, seed=99)
    again = spot_checks.create_draw(demo, settings, CHECKER, scope, D(2024, 9, 12), "backcheck", {"share": 0.1}, seed=99)
    other = spot_checks.create_draw(demo, settings, CHECKER, scope, D(2024, 9, 12), "backcheck", {"share": 0.1}, seed=100)
    assert again.draw_id == first.draw_id + 1  # a redraw is a new entry in the log, never a replacement
    assert first.frame_hash == again.frame_hash
    assert first.sample["household_id"].tolist() == again.sample["household_id"].tolist()
    assert first.sample["household_id"].tolist() != other.sample["household_id"].tolist()
    assert demo.count("spot_check_draws") == 3
    assert demo.count("spot_check_items") == len(first.sample) + len(again.sample) + len(other.sample)


def test_a_draw_is_stored_with_everything_needed_to_replay_and_audit_it(demo, settings):
    scope = district(settings)
    draw = spot_checks.create_draw(demo, settings, CHECKER, scope, D(2024, 9, 12), "lqas", None, seed=5)
    row = spot_checks.draw_record(demo, scope, draw.draw_id)
    assert (row["method"], row["seed"], row["user_name"], row["scope"], row["as_of"]) == (
        "lqas", 5, "checker", scope.key(), D(2024, 9, 12))
    assert (row["frame_hash"], row["frame_size"], row["sample_size"]) == (draw.frame_hash, draw.frame_size, len(draw.sample))
    assert row["parameters"]["upper"] == 0.8 and row["parameters"]["villages"]
    stored = demo.query("SELECT household_id, village_code, stratum, inclusion_probability, reason "
                        "FROM spot_check_items WHERE draw_id = ? ORDER BY stratum, household_id", [draw.draw_id])
    expected = draw.sample[list(stored.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, expected, check_dtype=False)
    audit = demo.query("SELECT user_name, action, row_count FROM audit_log")
    assert audit.to_dict("records") == [{"user_name": "checker", "action": "spot_check_draw", "row_count": len(draw.sample)}]


def test_backcheck_items_keep_their_inclusion_probabilities_and_reasons(demo, settings):
    draw = spot_checks.create_draw(demo, settings, CHECKER, district(settings), D(2024, 9, 20), "backcheck", None, seed=3)
    assert draw.sample["reason"].isin([*FLAG_COLUMNS, "random"]).all()
    assert draw.sample["reason"].isin(FLAG_COLUMNS).any() and (draw.sample["reason"] == "random").any()
    flagged = draw.sample["reason"] != "random"
    # Flagged screenings are four times as likely to be drawn as plain ones of the same screener.
    assert draw.sample.loc[flagged, "inclusion_probability"].mean() > draw.sample.loc[~flagged, "inclusion_probability"].mean()


def test_drawing_needs_the_sample_permission(demo, settings):
    with pytest.raises(PermissionError):
        spot_checks.create_draw(demo, settings, LEADER, district(settings), D(2024, 9, 12), "srs", {"n": 5}, seed=1)
    assert demo.count("spot_check_draws") == 0


def test_a_failing_write_leaves_neither_draw_nor_items(demo, settings, monkeypatch):
    def broken(cur, table, frame, columns):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "insert_frame", staticmethod(broken))
    with pytest.raises(RuntimeError):
        spot_checks.create_draw(demo, settings, CHECKER, district(settings), D(2024, 9, 12), "srs", {"n": 5}, seed=1)
    assert (demo.count("spot_check_draws"), demo.count("spot_check_items"), demo.count("audit_log")) == (0, 0, 0)


def test_a_town_users_frame_and_draws_stay_in_their_town(demo, settings):
    town = Scope.town(settings.district_code, TOWN_B)
    frame = spot_checks.build_frame(demo, settings, town, D(2024, 9, 20), include_unscreened=True)
    assert not frame.empty and set(frame["town_code"]) == {TOWN_B}
    draw = spot_checks.create_draw(demo, settings, GANQUAN, town, D(2024, 9, 20), "srs", {"n": 20}, seed=1)
    assert set(draw.sample["town_code"]) == {TOWN_B}
    with pytest.raises(PermissionError):
        spot_checks.create_draw(demo, settings, GANQUAN, district(settings), D(2024, 9, 20), "srs", {"n": 20}, seed=1)
    district_draw = spot_checks.create_draw(demo, settings, CHECKER, district(settings), D(2024, 9, 20), "srs", {"n": 20}, seed=1)
    assert spot_checks.draw_log(demo, town)["draw_id"].tolist() == [draw.draw_id]
    assert spot_checks.draw_log(demo, Scope.town(settings.district_code, TOWN_A)).empty
    assert spot_checks.draw_log(demo, district(settings))["draw_id"].tolist() == [district_draw.draw_id, draw.draw_id]
    assert spot_checks.draw_items(demo, settings, town, district_draw.draw_id).empty
    assert spot_checks.draw_log(demo, Scope.empty()).empty


# --------------------------------------------------------------------------- field lists


def test_field_lists_are_masked_printable_and_split_by_whole_villages(demo, settings):
    scope = district(settings)
    draw = spot_checks.create_draw(demo, settings, CHECKER, scope, D(2024, 9, 12), "stratified", {"n": 60}, seed=2)
    lists = spot_checks.field_lists(demo, settings, scope, draw.draw_id, teams=3)
    assert [fl.team for fl in lists] == [1, 2, 3] and sum(fl.households for fl in lists) == len(draw.sample)
    villages_per_team = []
    for fl in lists:
        book = openpyxl.load_workbook(io.BytesIO(fl.content))
        sheet = book[f"第{fl.team}组"]
        header = [c.value for c in sheet[2]]
        assert header[1] == "户编号" and header[-8:] == list(ANSWER_LABELS.values())
        contacts = [r[header.index("户主、证件号码、电话")] for r in sheet.iter_rows(min_row=3, values_only=True)]
        assert all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", c.split("\n")[1]) for c in contacts)
        assert all(re.fullmatch(r"1\d{2}\*{4}\d{4}", c.split("\n")[2]) for c in contacts)
        assert f"抽样编号：{draw.draw_id}" in sheet["A1"].value
        villages_per_team.append({r[header.index("村（社区）")] for r in sheet.iter_rows(min_row=3, values_only=True)})
        xml = zipfile.ZipFile(io.BytesIO(fl.content)).read("xl/worksheets/sheet1.xml").decode()
        assert 'orientation="landscape"' in xml and 'fitToHeight="0"' in xml and 'fitToPage="1"' in xml
        workbook_xml = zipfile.ZipFile(io.BytesIO(fl.content)).read("xl/workbook.xml").decode()
        assert "_xlnm.Print_Titles" in workbook_xml  # header rows repeat on every printed page
    assert not set.intersection(*villages_per_team)
    unmasked = spot_checks.field_lists(demo, settings, scope, draw.draw_id, teams=1, unmasked=True)[0]
    sheet = openpyxl.load_workbook(io.BytesIO(unmasked.content))["第1组"]
    assert re.fullmatch(r"\d{17}[\dX]", sheet.cell(3, 4).value.split("\n")[1])


# --------------------------------------------------------------------------- results


def fill(content: bytes, answers: dict[str, dict[str, object]]) -> bytes:
    """Type answers into an exported field list by household id, as a checker's clerk would."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        given = answers.get(row[header.index("户编号")].value, {})
        for label, value in given.items():
            row[header.index(label)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def drawn(known_store, settings):
    """A census of the known store's 8 households screened by 9-14, as draw 1."""
    draw = spot_checks.create_draw(known_store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs", {"n": 50}, seed=1)
    return known_store, draw


def test_a_filled_field_list_round_trips_into_results_and_verdicts(drawn, settings):
    store, draw = drawn
    scope = district(settings)
    (field_list,) = spot_checks.field_lists(store, settings, scope, draw.draw_id, teams=1)
    filled = fill(field_list.content, {
        "A00": {"是否入户": "是", "排查方式": "入户排查", "是否一致": "是"},
        "A01": {"是否入户": "否", "排查方式": "线上问询", "是否一致": "否", "不一致字段": "是否入户"},
        "B00": {"是否一致": "是"},
    })
    outcome = spot_checks.import_results(store, scope, draw.draw_id, CHECKER, filled, "第1组.xlsx")
    assert outcome.ok and outcome.saved == 3
    rows = store.cursor().execute("SELECT household_id, visited, method, consistent, differing, checked_by "
                                  "FROM spot_check_items WHERE consistent IS NOT NULL ORDER BY 1").fetchall()
    assert rows == [("A00", True, "home_visit", True, None, "checker"),
                    ("A01", False, "online_inquiry", False, "visited", "checker"),
                    ("B00", None, None, True, None, "checker")]
    verdicts = spot_checks.draw_verdicts(store, settings, scope, draw.draw_id)
    village_a = verdicts.by_village.set_index("village_code").loc[VILLAGE_A]
    assert (village_a["sampled"], village_a["checked"], village_a["errors"]) == (6, 2, 1)
    assert verdicts.estimate.weighted_rate == pytest.approx(1 / 3)  # a census: every π is 1
    assert verdicts.follow_up["screener"].tolist() == ["测试员甲"]  # 1 of 3 wrong > 20 %
    # Importing the same file again changes nothing and writes no second result line.
    assert spot_checks.import_results(store, scope, draw.draw_id, CHECKER, filled, "第1组.xlsx").saved == 0
    assert store.query("SELECT count(*) AS n FROM audit_log WHERE action = 'spot_check_results'")["n"][0] == 1


def import_file(store, settings, draw, content: bytes, name: str):
    return spot_checks.import_results(store, district(settings), draw.draw_id, CHECKER, content, name)


def test_a_household_unknown_to_the_roster_is_named_with_sheet_row_and_column(drawn, settings, tmp_path):
    store, draw = drawn
    content = write_filled_list_titled(tmp_path / "unknown_household.xlsx",
                         [{"户编号": "A00", "是否一致": "是"}, {"户编号": "ZZ99", "是否一致": "是"}],
                         f"抽样编号：{draw.draw_id}")
    outcome = import_file(store, settings, draw, content, "unknown_household.xlsx")
    assert outcome.saved == 0 and outcome.errors == [
        "unknown_household.xlsx 工作表「第1组」第4行「户编号」列（B列）：户编号「ZZ99」不在农户花名册中（或不在您的管辖范围内），请核对户编号。"]
    assert store.query("SELECT count(*) AS n FROM spot_check_items WHERE consistent IS NOT NULL")["n"][0] == 0


def test_a_household_id_stored_as_a_long_number_is_refused_with_the_fix(drawn, settings, tmp_path):
    store, draw = drawn
    content = write_filled_list_titled(tmp_path / "id_stored_as_number.xlsx",
                                       [{"户编号": 210311006200001234.0, "是否一致": "是"}], f"抽样编号：{draw.draw_id}")
    (error,) = import_file(store, settings, draw, content, "id_stored_as_number.xlsx").errors
    assert error.startswith("id_stored_as_number.xlsx 工作表「第1组」第3行「户编号」列（B列）：")
    assert "被存成了数字" in error and "文本" in error


def test_a_household_of_the_roster_but_not_of_this_draw_is_refused(drawn, settings, tmp_path):
    store, draw = drawn
    content = write_filled_list_titled(tmp_path / "household_not_in_draw.xlsx", [{"户编号": "A02", "是否一致": "是"}],
                         f"抽样编号：{draw.draw_id}")
    (error,) = import_file(store, settings, draw, content, "household_not_in_draw.xlsx").errors
    assert error.startswith("household_not_in_draw.xlsx 工作表「第1组」第3行「户编号」列（B列）")
    assert f"不在抽样编号{draw.draw_id}的样本中" in error


def test_invalid_values_are_all_reported_and_nothing_is_saved(drawn, settings, tmp_path):
    store, draw = drawn
    content = write_filled_list_titled(tmp_path / "invalid_values.xlsx", [
        {"户编号": "A00", "是否一致": "是"},                                   # valid, but not saved either
        {"户编号": "A01", "是否入户": "大概", "是否一致": "是"},                # row 4, column C
        {"户编号": "A03", "排查方式": "电话", "是否一致": "是"},               # row 5, column D
        {"户编号": "A04", "是否一致": "否"},                                  # row 6, column I: no field named
        {"户编号": "A05", "排查结果": "无风险"},                              # row 7, column H: no verdict
    ], f"抽样编号：{draw.draw_id}")
    outcome = import_file(store, settings, draw, content, "invalid_values.xlsx")
    places = [e.split("：")[0] for e in outcome.errors]
    assert places == [
        "invalid_values.xlsx 工作表「第1组」第4行「是否入户」列（C列）",
        "invalid_values.xlsx 工作表「第1组」第5行「排查方式」列（D列）",
        "invalid_values.xlsx 工作表「第1组」第6行「不一致字段」列（I列）",
        "invalid_values.xlsx 工作表「第1组」第7行「是否一致」列（H列）",
    ]
    assert "只能填“是”或“否”" in outcome.errors[0] and "入户排查、村级研判、线上问询" in outcome.errors[1]
    assert outcome.saved == 0
    assert store.query("SELECT count(*) AS n FROM spot_check_items WHERE consistent IS NOT NULL")["n"][0] == 0


def test_a_list_of_another_draw_and_a_file_without_header_are_refused(drawn, settings, tmp_path):
    store, draw = drawn
    other = write_filled_list_titled(tmp_path / "list_of_another_draw.xlsx", [{"户编号": "A00", "是否一致": "是"}], "抽样编号：999")
    (error,) = import_file(store, settings, draw, other, "list_of_another_draw.xlsx").errors
    assert error.startswith("list_of_another_draw.xlsx 工作表「第1组」第1行「标题」列（A列）：这是抽样编号999的清单")
    book = xlsxwriter.Workbook(tmp_path / "no_header.xlsx")
    book.add_worksheet("Sheet1").write_string(0, 0, "核查结果")
    book.close()
    (error,) = import_file(store, settings, draw, (tmp_path / "no_header.xlsx").read_bytes(), "no_header.xlsx").errors
    assert "没有找到表头" in error
    (error,) = import_file(store, settings, draw, b"not an excel file", "broken.xlsx").errors
    assert error.startswith("broken.xlsx：无法读取Excel文件")


def test_the_editor_writes_only_changed_rows_and_a_cleared_row_erases_its_result(drawn, settings):
    store, draw = drawn
    scope = district(settings)
    items = spot_checks.draw_items(store, settings, scope, draw.draw_id)
    edited = pd.DataFrame({"household_id": items["household_id"]}).assign(
        **dict.fromkeys(ANSWER_LABELS))
    edited.loc[edited["household_id"] == "A00", "consistent"] = "是"
    assert spot_checks.save_editor(store, scope, draw.draw_id, CHECKER, edited).saved == 1
    assert spot_checks.save_editor(store, scope, draw.draw_id, CHECKER, edited).saved == 0
    edited.loc[edited["household_id"] == "A00", "consistent"] = None
    assert spot_checks.save_editor(store, scope, draw.draw_id, CHECKER, edited).saved == 1
    assert store.query("SELECT count(*) AS n FROM spot_check_items WHERE consistent IS NOT NULL")["n"][0] == 0
    edited.loc[edited["household_id"] == "A01", "consistent"] = "否"
    outcome = spot_checks.save_editor(store, scope, draw.draw_id, CHECKER, edited)
    assert outcome.saved == 0 and outcome.errors[0].startswith("第2行（户编号A01）「不一致字段」")
    with pytest.raises(PermissionError):
        spot_checks.save_editor(store, scope, draw.draw_id, LEADER, edited)


def test_lqas_villages_are_judged_against_the_stored_rule(demo, settings):
    scope = Scope.town(settings.district_code, TOWN_B)
    draw = spot_checks.create_draw(demo, settings, GANQUAN, scope, D(2024, 9, 20), "lqas", None, seed=4)
    items = spot_checks.draw_items(demo, settings, scope, draw.draw_id)
    first, second = sorted(items["village_code"].unique())[:2]
    rule = draw.parameters["villages"]
    answers = pd.DataFrame({"household_id": items["household_id"]}).assign(**dict.fromkeys(ANSWER_LABELS))
    answers.loc[items["village_code"] == first, "consistent"] = "是"
    wrong = (items["village_code"] == second).to_numpy()
    answers.loc[wrong, ["consistent", "differing"]] = ["否", "排查结果"]
    assert spot_checks.save_editor(demo, scope, draw.draw_id, GANQUAN, answers).ok
    lqas = spot_checks.draw_verdicts(demo, settings, scope, draw.draw_id).lqas.set_index("village_code")
    assert lqas.loc[first, "verdict"] == "passed" and lqas.loc[first, "d"] == rule[first]["d"]
    assert lqas.loc[second, "verdict"] == "failed"
    assert (lqas.drop(index=[first, second])["verdict"] == "pending").all()
    assert set(lqas.index) == set(rule)


def test_a_frame_changed_after_the_draw_is_detected_by_its_hash(drawn, settings):
    store, draw = drawn
    scope = district(settings)
    assert spot_checks.frame_unchanged(store, settings, scope, draw.draw_id) is True
    # A record dated before the draw's as-of date, imported afterwards, changes the frame.
    with store.transaction() as cur:
        store.insert_frame(cur, "screenings", pd.DataFrame([screening("A02", VILLAGE_A, TOWN_A, D(2024, 9, 2))]),
                           SCREENING_COLUMNS)
    assert spot_checks.frame_unchanged(store, settings, scope, draw.draw_id) is False
    # A district draw is not visible to a town, so a town cannot check it either.
    assert spot_checks.frame_unchanged(store, settings, Scope.town(settings.district_code, TOWN_B), draw.draw_id) is None


def write_filled_list_titled(path, rows, title: str, sheet: str = "第1组") -> bytes:
    return write_filled_list(path, rows, sheet=sheet, title=title)
