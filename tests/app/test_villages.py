"""AppTest of the villages page: drill-down lists, masking by default, audited export."""

import datetime as dt

from streamlit.testing.v1 import AppTest

from data_loaders.store import Store
from tests.app.walk import open_page
from tests.conftest import build_known_store
from ui import keys
from ui.text import t


def open_villages(user: str = "leader") -> AppTest:
    return open_page("pages/villages.py", user, dt.date(2024, 9, 12))


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
    assert set(unscreened[t("household.head_id_number")]) == {"110105********002X"}  # no purpose yet
    at.selectbox(key=keys.VILLAGES_UNMASK_REASON).set_value("入户核实").run()
    unscreened, _ = household_tables(at)
    assert set(unscreened[t("household.head_id_number")]) == {"11010519491231002X"}
    from data_loaders import store as store_module
    store_module.close_all()
    log = Store(tmp_path / "k.duckdb").query("SELECT user_name, action, detail, masked FROM audit_log "
                                             "WHERE action = 'unmask_view'")
    assert log["user_name"].tolist() == ["admin"] * len(log) and len(log) >= 1
    assert '"reason": "入户核实"' in log["detail"][0] and '"A02"' in log["detail"][0]
    assert not log["masked"][0]
