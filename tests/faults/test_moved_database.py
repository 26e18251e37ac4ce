"""A database moved, deleted or replaced under the running app: an error page, never a new
database at the old path, never a write into the moved file."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
import streamlit as st

from data_loaders import store as store_module
from data_loaders.store import Store
from tests.app.walk import go_to, open_app, set_as_of, shown, sign_in
from tests.conftest import build_known_store
from ui import keys
from ui.text import t

pytestmark = pytest.mark.faults


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def households_shown(at) -> str | None:
    return {m.label: m.value for m in at.metric}.get(t("overview.households"))


def open_overview(path, app_env, user: str = "leader"):
    app_env(path)
    at = go_to(sign_in(open_app(), user), "pages/overview.py")
    at = set_as_of(at, dt.date(2024, 9, 12))
    assert not at.exception and households_shown(at) == "14"
    return at


def error_page(at) -> str:
    assert not at.exception, at.exception
    assert len(at.error) == 1 and not at.metric and not at.dataframe
    return shown(at.error[0].value)


def test_a_missing_database_is_an_error_page_not_a_new_database(tmp_path, app_env):
    path = tmp_path / "paicha.duckdb"
    app_env(path)
    at = go_to(open_app(), "pages/overview.py")  # the error comes before the sidebar: nobody to sign in
    assert f"数据库文件不存在：{path}" in error_page(at)
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_a_database_moved_under_the_running_app_shows_the_error_and_is_never_written(tmp_path, settings, app_env):
    path = tmp_path / "paicha.duckdb"
    build_known_store(path, settings)
    at = open_overview(path, app_env)
    lines = Store(path).count("audit_log")  # sign-ins so far; nothing may be added after the move
    moved = tmp_path / "moved-by-a-backup-script.duckdb"
    os.rename(path, moved)
    before = digest(moved)
    assert f"数据库文件不存在：{path}" in error_page(at.run())
    st.cache_data.clear()  # a visitor's "clear cache"
    st.cache_resource.clear()
    assert f"数据库文件不存在：{path}" in error_page(at.run())
    assert not path.exists() and not (tmp_path / "paicha.duckdb.wal").exists()
    store_module.close_all()
    assert digest(moved) == before
    assert Store(moved).count("households") == 14 and Store(moved).count("audit_log") == lines


def test_a_database_deleted_under_the_running_app_shows_the_error_and_nothing_is_created(tmp_path, settings, app_env):
    path = tmp_path / "paicha.duckdb"
    build_known_store(path, settings)
    at = open_overview(path, app_env)
    path.unlink()
    assert "运行期间被移走或删除" in error_page(at.run())
    st.cache_resource.clear()
    assert "数据库文件不存在" in error_page(at.run())
    assert list(tmp_path.iterdir()) == []


def test_an_audited_action_after_the_move_writes_nothing_into_the_moved_file(tmp_path, settings, app_env):
    path = tmp_path / "paicha.duckdb"
    build_known_store(path, settings)
    app_env(path)
    at = go_to(sign_in(open_app(), "admin"), "pages/households.py")
    assert not at.exception and at.toggle(key=keys.HOUSEHOLDS_UNMASK)
    lines = Store(path).count("audit_log")
    moved = tmp_path / "moved.duckdb"
    os.rename(path, moved)
    before = digest(moved)
    at = at.toggle(key=keys.HOUSEHOLDS_UNMASK).set_value(True).run()
    assert "数据库文件不存在" in error_page(at)
    store_module.close_all()
    assert digest(moved) == before and Store(moved).count("audit_log") == lines


def test_a_database_replaced_under_the_running_app_is_reopened_after_the_error(tmp_path, settings, app_env):
    path = tmp_path / "paicha.duckdb"
    build_known_store(path, settings)
    at = open_overview(path, app_env)
    other = build_known_store(tmp_path / "restored.duckdb", settings)
    with other.transaction() as cur:
        cur.execute("DELETE FROM households WHERE village_code = '210311104210'")
    store_module.forget(tmp_path / "restored.duckdb")
    os.replace(tmp_path / "restored.duckdb", path)  # what `paicha restore` does
    assert "已被替换" in error_page(at.run())
    at.run()
    # The restored file has its own sessions, not this one: sign in again, then its figures show.
    assert not at.exception and at.title[0].value == t("signin.title")
    at = set_as_of(go_to(sign_in(at, "leader"), "pages/overview.py"), dt.date(2024, 9, 12))
    assert not at.exception and households_shown(at) == "10"  # the new file's figures, after one refusal
