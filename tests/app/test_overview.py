"""AppTest of the overview page: renders without exception and shows the known totals."""

import datetime as dt

from streamlit.testing.v1 import AppTest

from tests.app.walk import open_app, sign_in
from tests.conftest import build_known_store
from ui import keys
from ui.text import t


def run_app(user: str = "leader") -> AppTest:
    return sign_in(open_app(), user)


def run_on_known_day(at: AppTest) -> AppTest:
    """A non-demo database opens on today's date; the tests look at 2024-09-12."""
    return at.date_input(key=keys.SIDEBAR_AS_OF).set_value(dt.date(2024, 9, 12)).run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_shows_the_known_totals(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = run_on_known_day(run_app())
    assert not at.exception
    assert at.title[0].value == t("overview.title")
    m = metrics(at)
    assert m[t("overview.households")] == "14"
    assert m[t("overview.screened")] == "5"
    assert m[t("overview.key")] == "25.0%"  # 1 of 4 key households visited at home
    assert m[t("overview.proposed")] == "1"
    assert not at.warning or t("app.demo_banner") not in [w.value for w in at.warning]


def test_changing_the_as_of_date_replays_that_day(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = run_app()
    at.date_input(key=keys.SIDEBAR_AS_OF).set_value(dt.date(2024, 9, 14)).run()
    assert not at.exception
    assert metrics(at)[t("overview.screened")] == "8"  # A06 on 9-13, B00 and B01 on the working Saturday


def test_town_supervisor_sees_only_their_town(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = run_on_known_day(run_app("ganquan"))
    assert not at.exception
    assert metrics(at)[t("overview.households")] == "4"
    # AppTest does not expose dataframe keys; the lights table is the one with the plan column.
    towns = next(d.value for d in at.dataframe if t("columns.plan_training") in d.value.columns)
    assert towns[t("columns.town")].tolist() == ["甘泉镇"]


def test_demo_database_shows_the_demo_banner(demo_copy, app_env):
    app_env(demo_copy)
    at = run_app()
    assert not at.exception
    assert t("app.demo_banner") in [w.value for w in at.warning]
    assert metrics(at)[t("overview.households")] == "2,000"


def deltas(at: AppTest) -> dict[str, str]:
    """Each metric's delta with the text beside it ("+5 较 09-09")."""
    return {m.label: f"{m.proto.delta} {m.proto.delta_description}".strip() for m in at.metric}


def test_changes_compare_with_the_chosen_since_date(tmp_path, settings, app_env):
    from tests.app.walk import set_as_of, set_since

    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = set_since(set_as_of(run_app(), dt.date(2024, 9, 16)), dt.date(2024, 9, 9))
    assert not at.exception
    assert at.caption[0].value == t("overview.caption", as_of="2024-09-16（星期一，中秋节）", since="2024-09-09（星期一）")
    # By 9-09: A00, A01, A03. By 9-16: A04, A05, A06 and B00, B01 on the working Saturday as well.
    assert metrics(at)[t("overview.screened")] == "8"
    assert deltas(at)[t("overview.screened")] == "+5 " + t("overview.since_short", since="09-09")
    # Key household B00 was visited at home on 9-14.
    assert any(m.value.startswith(t("villages.changes_summary", screened="+5", key_home="+1")) for m in at.markdown)


def test_the_comparison_follows_the_as_of_date_until_one_is_picked(tmp_path, settings, app_env):
    from tests.app.walk import set_as_of

    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = set_as_of(run_app(), dt.date(2024, 9, 18))
    assert at.date_input(key=keys.SIDEBAR_SINCE).value == dt.date(2024, 9, 14)  # the working Saturday
    assert deltas(at)[t("overview.screened")] == "0 " + t("overview.since_short", since="09-14")  # grey, not "+0"


def test_leaflet_and_online_confirmation_cover_the_register(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = run_on_known_day(run_app())
    m, d = metrics(at), deltas(at)
    # 14 households: leaflets to 4 (A00, A01, A03, A05), online confirmation for 1 (A00); 5 screened.
    assert m[t("overview.leaflet")] == "28.6%" and d[t("overview.leaflet")] == t("overview.of_screened", pct="80.0")
    assert m[t("overview.confirmed")] == "7.1%" and d[t("overview.confirmed")] == t("overview.of_screened", pct="20.0")
