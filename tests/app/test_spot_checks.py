"""AppTest of the spot-check page: draw through the form, audited export, results in the editor."""

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from data_loaders import spot_checks
from data_loaders import store as store_module
from data_loaders.store import SCREENING_COLUMNS, Store
from paicha.access import User
from paicha.scope import Scope
from paicha.vocab import SpotCheckReason
from tests.app.walk import download, open_page, shown
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, build_known_store, screening
from tests.filled_lists import write_filled_list
from ui import keys
from ui.text import t

PAGE = "pages/spot_checks.py"


def open_spot_checks(user: str) -> AppTest:
    return open_page(PAGE, user, dt.date(2024, 9, 14))


def draw_through_the_form(at: AppTest, method: str = "srs", seed: int = 7) -> AppTest:
    at.selectbox(key=keys.SPOT_METHOD).set_value(method).run()
    if method == "srs":
        at.number_input(key=keys.SPOT_N).set_value(50)
    at.number_input(key=keys.SPOT_SEED).set_value(seed)
    return at.button(key=keys.SPOT_DRAW).click().run()


def table_with(at: AppTest, header: str):
    return next(d.value for d in at.dataframe if header in d.value.columns)


def reopen(path: Path) -> Store:
    store_module.close_all()
    return Store(path)


def test_a_draw_through_the_form_is_stored_and_shown_masked(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = draw_through_the_form(open_spot_checks("checker"))
    assert not at.exception
    assert at.success[0].value == t("spot_checks.drawn", draw_id=1, n=8)  # the 8 households screened by 9-14
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics[t("spot_checks.frame_size")], metrics[t("spot_checks.sample_size")]) == ("8", "8")
    sample = table_with(at, t("household.head_id_number"))
    assert len(sample) == 8 and set(sample[t("household.head_id_number")]) == {"110105********002X"}
    assert set(sample[t("spot_checks.columns.reason")]) == {SpotCheckReason.random.label}
    log = table_with(at, t("spot_checks.columns.frame_hash"))
    assert log[t("spot_checks.columns.draw_id")].tolist() == [1]
    store = reopen(tmp_path / "k.duckdb")
    assert store.query("SELECT user_name, seed, method FROM spot_check_draws").to_dict("records") == [
        {"user_name": "checker", "seed": 7, "method": "srs"}]


def test_drawing_again_adds_a_draw_instead_of_replacing_one(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = draw_through_the_form(open_spot_checks("checker"), method="backcheck", seed=3)
    at = at.button(key=keys.SPOT_DRAW).click().run()
    assert not at.exception
    assert at.selectbox(key=keys.SPOT_PICK).value == 2
    assert table_with(at, t("spot_checks.columns.frame_hash"))[t("spot_checks.columns.draw_id")].tolist() == [2, 1]


def test_exporting_the_field_list_writes_an_audit_line(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = draw_through_the_form(open_spot_checks("checker"))
    at.number_input(key=keys.SPOT_TEAMS).set_value(2).run()
    at.selectbox(key=keys.SPOT_TEAM).set_value(1).run()
    content = download(at, keys.SPOT_EXPORT)
    assert not at.exception
    log = reopen(tmp_path / "k.duckdb").query(
        "SELECT user_name, action, detail, row_count, masked, file_sha256 FROM audit_log "
        "WHERE action = 'export_field_list'")
    assert len(log) == 1 and log["user_name"][0] == "checker"
    assert '"draw_id": 1' in log["detail"][0] and bool(log["masked"][0]) is True
    assert log["file_sha256"][0] == hashlib.sha256(content).hexdigest()
    assert 0 < log["row_count"][0] < 8  # team 1 of 2: part of the sample


def test_results_typed_in_the_editor_are_saved_and_give_verdicts(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = draw_through_the_form(open_spot_checks("checker"))
    editor = at.data_editor(key=keys.SPOT_EDITOR).value
    rows = {hid: i for i, hid in enumerate(editor["household_id"])}
    at.session_state[keys.SPOT_EDITOR] = {
        "edited_rows": {rows["A00"]: {"visited": "是", "consistent": "是"},
                        rows["A01"]: {"method": "线上问询", "consistent": "否", "differing": "排查方式"}},
        "added_rows": [], "deleted_rows": []}
    at = at.button(key=keys.SPOT_SAVE).click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == t("spot_checks.saved", n=2)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("spot_checks.error_rate")] == "50.0%"
    store = reopen(tmp_path / "k.duckdb")
    saved = store.cursor().execute("SELECT household_id, consistent, differing, checked_by FROM spot_check_items "
                                   "WHERE consistent IS NOT NULL ORDER BY 1").fetchall()
    assert saved == [("A00", True, None, "checker"), ("A01", False, "method", "checker")]


def test_an_invalid_editor_row_saves_nothing_and_says_where(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = draw_through_the_form(open_spot_checks("checker"))
    at.session_state[keys.SPOT_EDITOR] = {"edited_rows": {0: {"consistent": "否"}}, "added_rows": [], "deleted_rows": []}
    at = at.button(key=keys.SPOT_SAVE).click().run()
    assert at.error and "「不一致字段」" in shown(at.error[0].value)
    lines = reopen(tmp_path / "k.duckdb").query("SELECT action FROM audit_log WHERE action LIKE 'spot_check%'")
    assert lines["action"].tolist() == ["spot_check_draw"]  # the draw's line only


def test_without_the_sample_permission_there_is_no_form_and_no_editor(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_spot_checks("leader")
    assert not at.exception
    assert not [b for b in at.button if b.key == keys.SPOT_DRAW]
    assert t("spot_checks.no_permission") in [i.value for i in at.info]
    assert not at.data_editor


def test_a_town_supervisor_sees_only_their_towns_draws(demo_copy, settings, app_env):
    store = Store(demo_copy)
    district = Scope.district(settings.district_code)
    admin = User("admin", "管理员", "", frozenset({"sample"}))
    town_draw = spot_checks.create_draw(store, settings, admin, Scope.town(settings.district_code, TOWN_B),
                                        dt.date(2024, 9, 14), "srs", {"n": 10}, seed=1)
    spot_checks.create_draw(store, settings, admin, district, dt.date(2024, 9, 14), "srs", {"n": 10}, seed=1)
    app_env(demo_copy)
    at = open_spot_checks("ganquan")
    assert not at.exception
    assert len(at.selectbox(key=keys.SPOT_PICK).options) == 1
    assert at.selectbox(key=keys.SPOT_PICK).value == town_draw.draw_id
    log = table_with(at, t("spot_checks.columns.frame_hash"))
    assert log[t("spot_checks.columns.draw_id")].tolist() == [town_draw.draw_id]
    sample = table_with(at, t("household.head_id_number"))
    assert sample[t("columns.town")].nunique() == 1


def test_unmasking_needs_the_permission_and_is_audited(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = draw_through_the_form(open_spot_checks("checker"))
    assert not [w for w in at.toggle if w.key == keys.SPOT_UNMASK]  # the checker may not unmask
    at = draw_through_the_form(open_spot_checks("admin"))
    at.toggle(key=keys.SPOT_UNMASK).set_value(True).run()
    assert set(table_with(at, t("household.head_id_number"))[t("household.head_id_number")]) == {"110105********002X"}
    at.selectbox(key=keys.SPOT_UNMASK_REASON).set_value("数据纠错").run()  # a purpose, then full numbers
    assert set(table_with(at, t("household.head_id_number"))[t("household.head_id_number")]) == {"11010519491231002X"}
    download(at, keys.SPOT_EXPORT)
    log = reopen(tmp_path / "k.duckdb").query("SELECT user_name, action, detail, masked FROM audit_log ORDER BY id")
    assert ("admin", "unmask_view") in set(zip(log["user_name"], log["action"], strict=True))
    export = log.loc[log["action"] == "export_field_list"]
    assert len(export) == 1 and not export["masked"].iloc[0] and '"reason": "数据纠错"' in export["detail"].iloc[0]


def test_a_frame_changed_since_the_draw_is_flagged_on_the_page(tmp_path, settings, app_env):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    admin = User("admin", "管理员", "", frozenset({"sample"}))
    spot_checks.create_draw(store, settings, admin, Scope.district(settings.district_code), dt.date(2024, 9, 14),
                            "srs", {"n": 3}, seed=1)
    with store.transaction() as cur:
        store.insert_frame(cur, "screenings", pd.DataFrame([screening("A02", VILLAGE_A, TOWN_A, dt.date(2024, 9, 2))]),
                           SCREENING_COLUMNS)
    # A record dated before the draw's as-of date, imported after the draw, changes its frame.
    app_env(tmp_path / "k.duckdb")
    at = open_spot_checks("leader")
    assert t("spot_checks.frame_changed") in [w.value for w in at.warning]


def test_an_uploaded_field_list_is_checked_whole_before_anything_is_saved(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = draw_through_the_form(open_spot_checks("checker"))
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    bad = write_filled_list(tmp_path / "invalid_values.xlsx", [{"户编号": "A00", "是否一致": "是"},
                                                           {"户编号": "A01", "是否入户": "大概", "是否一致": "是"}],
                            with_serial=False)
    at.file_uploader(key=keys.SPOT_UPLOAD).upload("invalid_values.xlsx", bad, mime)
    at = at.run().button(key=keys.SPOT_IMPORT).click().run()
    assert at.error and "invalid_values.xlsx 工作表「第1组」第4行「是否入户」列（B列）" in shown(at.error[0].value)
    assert reopen(tmp_path / "k.duckdb").query("SELECT count(*) AS n FROM spot_check_items "
                                               "WHERE consistent IS NOT NULL")["n"][0] == 0
    app_env(tmp_path / "k.duckdb")
    at = open_spot_checks("checker")
    good = write_filled_list(tmp_path / "good.xlsx", [{"户编号": "A00", "是否一致": "是"}], with_serial=False)
    at.file_uploader(key=keys.SPOT_UPLOAD).upload("good.xlsx", good, mime)
    at = at.run().button(key=keys.SPOT_IMPORT).click().run()
    assert not at.exception and at.success[0].value == t("spot_checks.imported", n=1)
