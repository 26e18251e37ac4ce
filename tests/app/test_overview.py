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
