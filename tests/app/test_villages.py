"""AppTest of the villages page: drill-down lists, masking by default, audited export."""

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_loaders.store import Store
from tests.conftest import build_known_store
from ui import keys
from ui.text import t

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_villages(user: str = "leader") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/villages.py")
    at.run()
    at.selectbox(key=keys.SIDEBAR_USER).set_value(user).run()
    return at.date_input(key=keys.SIDEBAR_AS_OF).set_value(dt.date(2024, 9, 12)).run()


def household_tables(at: AppTest):
    return [d.value for d in at.dataframe if t("household.head_id_number") in d.value.columns]


def test_lists_show_unscreened_and_key_households_masked(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_villages()
    assert not at.exception
    unscreened, key = household_tables(at)
    # 14 households, 5 screened by 9-12 → 9 unscreened; key A01 (phone only), A02, B00 not visited at home
    assert len(unscreened) == 9
    assert sorted(key[t("household.household_id")]) == ["A01", "A02", "B00"]
    assert set(unscreened[t("household.head_id_number")]) == {"110105********002X"}
    assert set(unscreened[t("household.phone")]) == {"138****2565"}


def test_town_supervisor_lists_hold_only_their_town(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_villages("ganquan")
    unscreened, key = household_tables(at)
    assert set(unscreened[t("household.household_id")]) == {"B00", "B01", "B02", "B03"}
    assert key[t("household.household_id")].tolist() == ["B00"]


def test_unmasking_needs_the_permission_and_is_audited(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_villages("leader")
    assert not [w for w in at.toggle if w.key == keys.VILLAGES_UNMASK]
    at = open_villages("admin")
    at.toggle(key=keys.VILLAGES_UNMASK).set_value(True).run()
    unscreened, _ = household_tables(at)
    assert set(unscreened[t("household.head_id_number")]) == {"11010519491231002X"}
    from data_loaders import store as store_module
    store_module.close_all()
    log = Store(tmp_path / "k.duckdb").query("SELECT user_name, action FROM audit_log")
    assert ("admin", "unmask_view") in set(map(tuple, log.to_numpy()))
