"""AppTest of 农户清单: lists masked by default, filters from the query string (scope wins), counts
as the overview's, unmasking audited, detail, exports masked and audited."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pandas as pd
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from data_loaders import store as store_module
from data_loaders.store import Store
from paicha.scope import Scope
from paicha.verdicts import CheckedField
from tests.app.walk import download, go_to, open_app, set_as_of, sign_in
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B, build_known_store
from ui import keys
from ui.text import t

AS_OF = dt.date(2024, 9, 12)
# As the role walk reads them: a household number (H + digits) is neither.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z_.])[0-9]{17}[0-9X](?![0-9A-Za-z_])")
PHONE = re.compile(r"(?<![0-9A-Za-z_.])1[3-9][0-9]{9}(?![0-9A-Za-z_])")


def open_households(user: str = "leader", params: dict | None = None, as_of: dt.date = AS_OF) -> AppTest:
    """Sign in, set the date, then follow a link to 农户清单 carrying ``params`` in its query string."""
    at = set_as_of(sign_in(open_app(), user), as_of)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    return go_to(at, "pages/households.py")


def listed(at: AppTest) -> pd.DataFrame:
    """The list's table (the one numbered by priority)."""
    return next(d.value for d in at.dataframe if t("households.columns.priority") in d.value.columns)


def ids(at: AppTest) -> list[str]:
    return sorted(listed(at)[t("households.columns.household_id")])


def choose_list(at: AppTest, which: str) -> AppTest:
    return at.radio(key=keys.HOUSEHOLDS_LIST).set_value(which).run()


def known(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    return tmp_path / "k.duckdb"


def test_lists_show_unscreened_and_key_households_masked(tmp_path, settings, app_env):
    known(tmp_path, settings, app_env)
    at = open_households()
    assert not at.exception
    # 14 households, 5 screened by 9-12 → 9 unscreened; key A01 (phone only), A02, B00 not visited at home
    table = listed(at)
    assert len(table) == 9
    assert set(table[t("households.columns.head_id_number")]) == {"110105********002X"}
    assert set(table[t("households.columns.phone")]) == {"138****2565"}
    at = choose_list(at, "key_not_home")
    assert ids(at) == ["A01", "A02", "B00"]
    kinds = dict(zip(listed(at)[t("households.columns.household_id")], listed(at)[t("households.columns.key_not_home")],
                     strict=True))
    assert kinds == {"A01": "应入户未入户", "A02": "未排查", "B00": "未排查"}
    assert at.query_params["list"] == "key_not_home"  # the address now says which list is shown


def test_town_supervisor_lists_hold_only_their_town(tmp_path, settings, app_env):
    known(tmp_path, settings, app_env)
    at = open_households("ganquan")
    assert ids(at) == ["B00", "B01", "B02", "B03"]
    assert ids(choose_list(at, "key_not_home")) == ["B00"]
    assert not [w for w in at.selectbox if w.key == keys.HOUSEHOLDS_TOWN]  # the town is not a choice


def test_filters_come_from_the_query_string_and_go_back_into_it(tmp_path, settings, app_env):
    known(tmp_path, settings, app_env)
    at = open_households(params={"list": "key_not_home", "village": VILLAGE_A})
    assert not at.exception
    assert ids(at) == ["A01", "A02"]
    assert at.selectbox(key=keys.HOUSEHOLDS_VILLAGE).value == VILLAGE_A
    assert at.radio(key=keys.HOUSEHOLDS_LIST).value == "key_not_home"
    assert dict(at.query_params) == {"list": "key_not_home", "town": TOWN_A, "village": VILLAGE_A}
    # A filter chosen on the page is written into the address, and counts follow it.
    at = at.selectbox(key=keys.HOUSEHOLDS_METHOD).set_value("online_inquiry").run()
    assert ids(at) == ["A01"] and at.query_params["method"] == "online_inquiry"
    assert t("households.list_option", name="重点户未入户", n="1") in at.radio(key=keys.HOUSEHOLDS_LIST).options


def test_a_supervisors_town_parameter_naming_another_town_is_ignored(tmp_path, settings, app_env):
    known(tmp_path, settings, app_env)
    at = open_households("ganquan", {"town": TOWN_A, "village": VILLAGE_A})
    assert not at.exception
    assert ids(at) == ["B00", "B01", "B02", "B03"]
    assert at.query_params["town"] == TOWN_B and "village" not in at.query_params
    shown = "\n".join(str(e.value) for e in at.caption) + listed(at).to_csv()
    assert "汤岗子" not in shown


def test_a_village_parameter_picks_its_town_for_a_district_user(tmp_path, settings, app_env):
    known(tmp_path, settings, app_env)
    at = open_households(params={"village": VILLAGE_B})
    assert at.selectbox(key=keys.HOUSEHOLDS_TOWN).value == TOWN_B and ids(at) == ["B00", "B01", "B02", "B03"]


def test_the_page_counts_what_the_overview_counts(demo_copy, app_env):
    app_env(demo_copy)
    for user in ("leader", "ganquan"):
        at = set_as_of(sign_in(open_app(), user), AS_OF)
        at = go_to(at, "pages/overview.py")
        metrics = {m.label: m.value for m in at.metric}
        households = int(metrics[t("overview.households")].replace(",", ""))
        screened = int(metrics[t("overview.screened")].replace(",", ""))
        visited, key = (int(v.replace(",", "")) for v in re.findall(r"[\d,]+", next(
            m.proto.delta for m in at.metric if m.label == t("overview.key"))))
        at = go_to(at, "pages/households.py")
        options = at.radio(key=keys.HOUSEHOLDS_LIST).options
        assert t("households.list_option", name="未排查农户", n=f"{households - screened:,}") in options, user
        assert t("households.list_option", name="重点户未入户", n=f"{key - visited:,}") in options, user


def test_unmasking_needs_the_permission_and_is_audited(tmp_path, settings, app_env):
    path = known(tmp_path, settings, app_env)
    at = open_households("leader")
    assert not [w for w in at.toggle if w.key == keys.HOUSEHOLDS_UNMASK]
    at = open_households("admin")
    at.toggle(key=keys.HOUSEHOLDS_UNMASK).set_value(True).run()
    assert set(listed(at)[t("households.columns.head_id_number")]) == {"110105********002X"}  # no purpose yet
    at.selectbox(key=keys.HOUSEHOLDS_UNMASK_REASON).set_value("入户核实").run()
    assert set(listed(at)[t("households.columns.head_id_number")]) == {"11010519491231002X"}
    store_module.close_all()
    log = Store(path).query("SELECT user_name, detail, masked FROM audit_log WHERE action = 'unmask_view'")
    assert log["user_name"].tolist() == ["admin"] * len(log) and len(log) >= 1
    assert '"reason": "入户核实"' in log["detail"][0] and '"A02"' in log["detail"][0]
    assert not log["masked"][0]


def test_a_household_detail_from_the_list_and_from_a_link(tmp_path, settings, app_env):
    known(tmp_path, settings, app_env)
    at = open_households(params={"list": "key_not_home"})
    at = at.selectbox(key=keys.HOUSEHOLDS_DETAIL).set_value("A01").run()
    assert at.query_params["household"] == "A01"
    facts = next(d.value for d in at.dataframe if t("households.columns.item") in d.value.columns)
    values = dict(zip(facts[t("households.columns.item")], facts[t("households.columns.value")], strict=True))
    assert values[t("households.detail.head_id_number")] == "110105********002X"
    assert values[t("households.detail.phone")] == "138****2565"
    screenings = next(d.value for d in at.dataframe if t("households.columns.screener") in d.value.columns)
    assert screenings[CheckedField.method.label].tolist() == ["线上问询"]
    # A link may open any household of the scope, on the page or not.
    at = open_households(params={"household": "A03"})
    screenings = next(d.value for d in at.dataframe if t("households.columns.screener") in d.value.columns)
    assert screenings[CheckedField.result.label].tolist() == ["建议纳入监测"]
    # A link naming another town's household shows nothing of it to a supervisor.
    at = open_households("ganquan", {"household": "A03"})
    assert not at.exception and any("不在当前范围内" in str(i.value) for i in at.info)


def test_exports_are_masked_for_a_default_user_and_audited_with_filters_and_rows(tmp_path, settings, app_env):
    path = known(tmp_path, settings, app_env)
    at = open_households("leader", {"list": "unscreened", "village": VILLAGE_A})
    workbook = download(at, keys.HOUSEHOLDS_EXPORT_XLSX)
    book = CalamineWorkbook.from_filelike(io.BytesIO(workbook))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    text = "\n".join(str(c) for row in rows for c in row)
    assert "汤岗子村民委员会" in rows[0][0] and "2024-09-12" in rows[0][0] and "未排查农户" in rows[0][0]
    assert rows[1][-3:] == ["排查方式", "结果", "签字"]
    assert len(rows) == 2 + 5  # A02, A06, A07, A08, A09
    csv = download(at, keys.HOUSEHOLDS_EXPORT_CSV).decode("utf-8-sig")
    for content in (text, csv):
        assert "110105********002X" in content
        assert not ID_NUMBER.search(content) and not PHONE.search(content)
    store_module.close_all()
    log = Store(path).query("SELECT detail, row_count, masked FROM audit_log WHERE action = 'export_household_list'")
    assert log["row_count"].tolist() == [5, 5] and log["masked"].all()
    filters = json.loads(log["detail"][0])["filters"]
    assert (filters["list"], filters["village"], filters["as_of"]) == ("unscreened", VILLAGE_A, "2024-09-12")


def test_the_risk_maps_candidates_of_a_village_are_the_count_its_households_list_shows(demo_copy, app_env):
    from paicha.vocab import HouseholdList, MapMeasure

    app_env(demo_copy)
    at = go_to(set_as_of(sign_in(open_app(), "leader"), AS_OF), "pages/risk_map.py")
    at = at.selectbox(key=keys.RISK_MEASURE).set_value(MapMeasure.should_monitor).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if MapMeasure.should_monitor.label in d.value.columns)
    top = table.iloc[0]  # worst first by the chosen measure
    figure = int(top[MapMeasure.should_monitor.label])
    assert figure > 0
    names = Store(demo_copy).divisions(Scope.district("210311"))  # the app's own open store
    code = names.loc[names["village_name"] == top[t("risk_map.columns.village_name")], "village_code"].item()
    at = open_households(params={"list": "should_monitor", "village": code})
    assert not at.exception
    option = t("households.list_option", name=HouseholdList.should_monitor.label, n=f"{figure:,}")
    assert option in at.radio(key=keys.HOUSEHOLDS_LIST).options
    assert len(listed(at)) == min(figure, 50)


def test_the_risk_maps_cached_tables_are_the_ones_built_straight_from_its_view(demo_copy, app_env, settings):
    """The map's village and source tables are made once per view and measure (``ui.cache.risk_tables``):
    what the page shows for each measure is what the display functions make from the view itself.
    """
    from data_loaders import exposure
    from paicha.vocab import HazardKind, MapMeasure
    from ui.forms.risk_map import DEFAULT_SUBJECTS
    from ui.maps.measures import MEASURES
    from ui.tables import risk

    app_env(demo_copy)
    at = go_to(set_as_of(sign_in(open_app(), "leader"), AS_OF), "pages/risk_map.py")
    view = exposure.risk_view(Store(demo_copy), settings, Scope.district(settings.district_code), AS_OF,
                              tuple(sorted(k.value for k in HazardKind)), tuple(sorted(DEFAULT_SUBJECTS)))
    sources = risk.source_table(view.zones)
    assert not sources.empty
    for measure in (MapMeasure.lag, MapMeasure.should_monitor, MapMeasure.lag):
        at = at.selectbox(key=keys.RISK_MEASURE).set_value(measure).run()
        assert not at.exception
        straight = risk.village_table(view.villages, view.zones, MEASURES[measure])
        shown = next(d.value for d in at.dataframe if t("risk_map.columns.hazards") in d.value.columns)
        pd.testing.assert_frame_equal(shown.reset_index(drop=True), straight, check_dtype=False)
        listed_sources = next(d.value for d in at.dataframe if t("risk_map.columns.source") in d.value.columns)
        pd.testing.assert_frame_equal(listed_sources.reset_index(drop=True), sources, check_dtype=False)


def test_the_heat_is_looked_for_when_the_user_turns_it_on(demo_copy, app_env, settings):
    """The map opens with the heat off and does not look for its households; turned on, it counts
    the same households the heat layer of the view states.
    """
    from data_loaders import exposure
    from paicha.vocab import HazardKind
    from ui.forms.risk_map import DEFAULT_SUBJECTS

    app_env(demo_copy)
    at = go_to(set_as_of(sign_in(open_app(), "leader"), AS_OF), "pages/risk_map.py")
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(t("risk_map.drawn_heat_off") in c for c in captions)
    at = at.toggle(key=keys.RISK_HEAT).set_value(True).run()
    assert not at.exception
    heat = exposure.heat_points(Store(demo_copy), Scope.district(settings.district_code), AS_OF,
                                tuple(sorted(DEFAULT_SUBJECTS)), tuple(sorted(k.value for k in HazardKind)),
                                settings.map_options.heat_cap, settings)
    assert heat.households > 0
    drawn = t("risk_map.heat_points", n=f"{heat.households:,}") if not heat.aggregated else \
        t("risk_map.heat_grid", n=f"{heat.households:,}", metres=f"{heat.cell_metres:,.0f}")
    assert any(drawn in c.value for c in at.caption), [c.value for c in at.caption]


def test_a_first_screening_date_the_filter_cannot_show_is_dropped_not_raised(tmp_path, settings, app_env):
    known(tmp_path, settings, app_env)
    for params in ({"screened_to": "9999-12-31"}, {"screened_from": "2023-12-31"}, {"screened_to": "2027-01-01"}):
        at = open_households("ganquan", {"list": "unscreened", **params})
        assert not at.exception, (params, at.exception)
        assert at.date_input(key=keys.HOUSEHOLDS_SCREENED).value in ((), None, [])
        assert ids(at)  # the list is shown, unfiltered by the date it could not take
