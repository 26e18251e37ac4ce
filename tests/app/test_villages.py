"""AppTest of 村级进度 in the order a person acts: sign in, set the dates, go to the page, pick a town."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from streamlit.testing.v1 import AppTest

from data_loaders import reports
from data_loaders import store as store_module
from data_loaders.store import Store
from paicha.scope import Scope
from paicha.vocab import Status
from tests.app.walk import (
    download,
    download_buttons,
    go_to,
    open_app,
    open_page,
    set_as_of,
    set_since,
    sign_in,
)
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, build_known_store
from ui import keys, theme
from ui.print import printout
from ui.session import default_since
from ui.tables import progress as progress_tables
from ui.text import t

D = dt.date
KNOWN_DAY = D(2024, 9, 12)


def open_villages(user: str = "leader", as_of: dt.date = KNOWN_DAY) -> AppTest:
    return open_page("pages/villages.py", user, as_of)


def village_table(at: AppTest):
    """The village table as shown, each status cell (a one-word list, drawn as a coloured label) as its word."""
    frame = next(d.value for d in at.dataframe if t("villages.col_reasons") in d.value.columns).copy()
    status = t("columns.status")
    assert all(len(cell) == 1 for cell in frame[status])
    frame[status] = [cell[0] for cell in frame[status]]
    return frame


def screener_table(at: AppTest):
    return next(d.value for d in at.dataframe if t("villages.col_screener") in d.value.columns)


def open_tab(at: AppTest, label_key: str) -> AppTest:
    """Click a tab of the page's timeline, heatmap and screeners: only the open one is built."""
    at.session_state[keys.VILLAGES_TABS] = t(label_key)
    return at.run()


def metrics(at: AppTest) -> dict[str, tuple[str, str, str]]:
    return {m.label: (m.value, m.proto.delta, m.proto.delta_description) for m in at.metric}


def test_a_district_user_picks_the_town_and_sees_only_its_villages(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_villages("leader")
    assert not at.exception
    picker = at.selectbox(key=keys.VILLAGES_TOWN)
    # The whole district first (the default), then the town most behind: 甘泉镇 (4 households, none
    # screened, 2.9 behind) before 汤岗子街道.
    assert picker.options[:3] == [t("villages.all_towns"),
                                  t("villages.town_option", name="甘泉镇", status=Status.not_started.label),
                                  t("villages.town_option", name="汤岗子街道", status=Status.severely_lagging.label)]
    everywhere = village_table(at)
    assert len(everywhere) == 64 and everywhere[t("columns.town")].iloc[0] in ("甘泉镇", "汤岗子街道")
    at = picker.select(TOWN_A).run()
    table = village_table(at)
    assert "汤岗子村民委员会" in table[t("columns.village")].tolist()
    assert "甘泉村委会" not in table[t("columns.village")].tolist()
    assert at.query_params["town"] == TOWN_A  # a reload keeps the pick
    assert t("columns.town") not in table.columns  # one town: no town column
    row = table[table[t("columns.village")] == "汤岗子村民委员会"].iloc[0]
    assert row[t("columns.screened")] == 5 and row[t("villages.col_required")] == "1.0"
    assert row[t("villages.col_leaflet")] == "40.0%（80.0%）"  # 4 of 10 households, 4 of 5 screened
    assert row[t("villages.col_households")] == f"households?town={TOWN_A}&village={VILLAGE_A}&list=unscreened"
    assert row[t("villages.col_key_households")] == (  # A01 only phoned, A02 not reached
        f"households?town={TOWN_A}&village={VILLAGE_A}&list=key_not_home")
    assert "汤岗子街道" in at.caption[0].value


def test_a_town_in_the_address_is_the_one_shown(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = set_as_of(sign_in(open_app(), "leader"), D(2024, 9, 12))
    at.query_params["town"] = TOWN_A
    at = go_to(at, "pages/villages.py")
    assert at.selectbox(key=keys.VILLAGES_TOWN).value == TOWN_A


def test_a_supervisor_has_no_town_picker_and_only_their_own_villages_and_screeners(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_villages("ganquan", D(2024, 9, 14))
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == keys.VILLAGES_TOWN]
    villages = set(village_table(at)[t("columns.village")])
    assert "甘泉村委会" in villages and "汤岗子村民委员会" not in villages
    assert len(at.get("plotly_chart")) == 1  # the timeline: the other tabs are built when opened
    assert not [d for d in at.dataframe if t("villages.col_screener") in d.value.columns]
    at = open_tab(at, "villages.tab_screeners")
    assert len(at.get("plotly_chart")) == 1  # now the screener matrix of the town
    staff = screener_table(at)
    assert staff[t("villages.col_records")].tolist() == [2]  # B00, B01 on Saturday 9-14, in this town only
    assert t("villages.col_villages") in staff.columns and set(staff[t("villages.col_villages")]) == {"甘泉村委会"}


def test_with_a_since_date_every_change_compares_with_it(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = set_as_of(sign_in(open_app(), "leader"), D(2024, 9, 16))  # Monday, in the middle of 中秋节
    at = set_since(at, D(2024, 9, 9))
    at = go_to(at, "pages/villages.py")
    at = at.selectbox(key=keys.VILLAGES_TOWN).select(TOWN_A).run()
    assert not at.exception
    assert "2024-09-16（星期一，中秋节）" in at.caption[0].value and "2024-09-09（星期一）" in at.caption[0].value
    table = village_table(at)
    delta = t("villages.col_delta", since="09-09")
    row = table[table[t("columns.village")] == "汤岗子村民委员会"].iloc[0]
    assert row[delta] == "+3"  # A04 9-10, A05 9-12, A06 9-13
    assert metrics(at)[t("overview.screened")] == ("6", "+3", t("overview.since_short", since="09-09"))
    assert t("villages.changes_summary", screened="+3", key_home="0") in [m.value for m in at.markdown]
    # The comparison date stays when the page changes and comes back.
    at = go_to(go_to(at, "pages/overview.py"), "pages/villages.py")
    assert at.date_input(key=keys.SIDEBAR_SINCE).value == D(2024, 9, 9)


def test_the_sentence_says_why_a_village_is_behind(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_villages("ganquan", D(2024, 9, 9))
    lines = "\n".join(m.value for m in at.markdown)
    assert "截至 9\\-09 尚未开始（最晚开工日为 9\\-06），已无法保证 10 个工作日" in lines  # escaped Markdown
    assert any("甘泉村委会" in w.value and "已无法保证" in w.value for w in at.warning)  # cannot reach 10 days
    early = open_villages("ganquan", D(2024, 9, 3))
    assert early.warning[-1].value.startswith(t("villages.start_due", n=1, latest=D(2024, 9, 6), days=10))
    assert "还剩 3 个工作日" in early.warning[-1].value


def test_exports_are_audited_and_screener_names_masked_unless_unmasked(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_tab(open_villages("leader").selectbox(key=keys.VILLAGES_TOWN).select(TOWN_A).run(),
                  "villages.tab_screeners")
    assert not [w for w in at.toggle if w.key == keys.VILLAGES_UNMASK]  # leaders may not unmask
    assert set(download_buttons(at)) >= {keys.VILLAGES_EXPORT_PROGRESS, keys.VILLAGES_EXPORT_SCREENERS}
    assert "测***" in download(at, keys.VILLAGES_EXPORT_SCREENERS).decode("utf-8-sig")
    assert "测试员甲" in screener_table(at)[t("villages.col_screener")].tolist()  # shown in scope on the page
    progress_csv = download(at, keys.VILLAGES_EXPORT_PROGRESS).decode("utf-8-sig")
    assert t("villages.col_reasons") in progress_csv and "households?" not in progress_csv

    admin = open_tab(open_villages("admin").selectbox(key=keys.VILLAGES_TOWN).select(TOWN_A).run(),
                     "villages.tab_screeners")
    admin.toggle(key=keys.VILLAGES_UNMASK).set_value(True).run()
    assert "测***" in download(admin, keys.VILLAGES_EXPORT_SCREENERS).decode("utf-8-sig")  # no purpose yet
    admin.selectbox(key=keys.VILLAGES_UNMASK_REASON).set_value("数据纠错").run()
    assert "测试员甲" in download(admin, keys.VILLAGES_EXPORT_SCREENERS).decode("utf-8-sig")
    store_module.close_all()
    log = Store(tmp_path / "k.duckdb").query(
        "SELECT user_name, action, masked, detail FROM audit_log WHERE action LIKE 'export_%' ORDER BY id")
    assert log[["user_name", "action", "masked"]].values.tolist() == [
        ["leader", "export_screeners", True], ["leader", "export_village_progress", True],
        ["admin", "export_screeners", True], ["admin", "export_screeners", False]]
    assert '"reason": "数据纠错"' in log["detail"].iloc[-1]


def test_the_village_table_is_worst_first_and_filters_by_status(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_villages("leader", D(2024, 9, 14))
    at = at.selectbox(key=keys.VILLAGES_TOWN).select(TOWN_B).run()
    statuses = village_table(at)[t("columns.status")].tolist()
    assert statuses[0] == Status.severely_lagging.label  # 甘泉村 (2 of 4 on 9-14) before the empty villages
    at = at.multiselect(key=keys.VILLAGES_STATUS).set_value(["severely_lagging"]).run()
    assert village_table(at)[t("columns.village")].tolist() == ["甘泉村委会"]
    assert at.selectbox(key=keys.VILLAGES_TOWN).value == TOWN_B  # the pick stays while filtering


def test_each_status_is_a_label_in_its_town_light_colour(tmp_path, settings, app_env):
    """Column settings colour the status, not a Styler (which the server renders cell by cell)."""
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_villages("leader", D(2024, 9, 14))
    shown = next(d for d in at.dataframe if t("villages.col_reasons") in d.value.columns)
    config = json.loads(shown.proto.columns)
    options = config[t("columns.status")]["type_config"]
    assert options["type"] == "multiselect"
    colours = {o["value"]: o["color"] for o in options["options"]}
    assert colours == {s.label: theme.LIGHT_COLOURS[theme.STATUS_LIGHTS[s.value]] for s in Status}
    assert set(village_table(at)[t("columns.status")]) <= colours.keys()
    assert config[t("columns.screened_pct")]["type_config"] == {"type": "number", "format": "%.1f"}
    assert not shown.proto.arrow_data.HasField("styler")  # no Styler was sent


def test_the_cached_village_table_is_the_one_built_straight_from_the_report(tmp_path, settings, app_env):
    """The page draws a table made once per report and filter (``ui.cache.village_table``): on screen,
    in the printout and in the export it is what the display functions make from the report itself.
    """
    path = tmp_path / "k.duckdb"
    build_known_store(path, settings)
    app_env(path)
    at = open_villages("leader", D(2024, 9, 14))
    district = Scope.district(settings.district_code)
    s = Store(path)
    report = reports.village_report(s, settings, district, D(2024, 9, 14), default_since(D(2024, 9, 14)))
    towns = reports.progress_table(s, settings, district, D(2024, 9, 14), "town")
    names = dict(zip(towns["code"], towns["name"], strict=True))
    for statuses in ([], ["severely_lagging", "not_started"]):
        at = at.multiselect(key=keys.VILLAGES_STATUS).set_value(statuses).run()
        villages = report.villages[report.villages["status"].isin(statuses)] if statuses else report.villages
        straight = progress_tables.village_progress_table(villages, report.since, True, names)
        pd.testing.assert_frame_equal(village_table(at).reset_index(drop=True), straight, check_dtype=False)
        printed = next(h.proto.body for h in at.get("html") if "paicha-print" in h.proto.body
                       and t("villages.col_reasons") in h.proto.body)
        assert printed == printout(progress_tables.village_progress_table(villages, report.since, False, names))
        # Run twice: the second run's table comes from the cache and is the same.
        again = at.run()
        pd.testing.assert_frame_equal(village_table(again).reset_index(drop=True), straight, check_dtype=False)
