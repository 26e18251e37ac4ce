"""Sign-in as a person meets it (AppTest): the form, mistakes, lockout, sign-out, idle timeout, a
disabled account, the administrator's pages, and the hardening the configuration carries."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from data_loaders import accounts
from paicha.vocab import Permission
from tests.app.walk import go_to, open_app, set_as_of, sign_in, sign_out
from tests.conftest import build_known_store
from ui import cache, keys
from ui.pages import PAGES
from ui.text import t

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def known(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    return tmp_path / "k.duckdb"


def shows_only_the_form(at) -> bool:
    return (at.title[0].value == t("signin.title") and not at.metric and not at.dataframe
            and not at.get("page_link") and not at.date_input)


@pytest.mark.parametrize("page", [p.script for p in PAGES])
def test_every_page_without_a_session_shows_the_sign_in_form_and_nothing_else(known, page):
    at = go_to(open_app(), page)
    assert not at.exception and shows_only_the_form(at)
    assert t("signin.no_accounts") not in [w.value for w in at.warning]  # this store has accounts


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(known):
    at = sign_in(open_app(), "ganquan", "not-the-password")
    wrong = [e.value for e in at.error]
    at = sign_in(open_app(), "no-such-user", "not-the-password")
    assert wrong == [e.value for e in at.error] == [accounts.SIGN_IN_FAILED]
    assert shows_only_the_form(at)


def test_the_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(known, settings):
    at = open_app()
    for _ in range(settings.auth.max_failures):
        at = sign_in(at, "ganquan", "not-the-password")
    at = sign_in(at, "ganquan")
    assert [e.value for e in at.error] == [accounts.SIGN_IN_FAILED] and shows_only_the_form(at)
    at = sign_in(open_app(), "datun")  # other accounts are not affected
    assert at.title[0].value == t("overview.title")


def test_signing_out_returns_to_the_form_and_ends_the_session_in_the_store(known):
    at = sign_in(open_app(), "ganquan")
    session_id = at.session_state[keys.AUTH_SESSION]
    at = sign_out(at)
    assert shows_only_the_form(at)
    ended = cache.store().cursor().execute("SELECT end_reason FROM sessions WHERE session_id = ?",
                                           [session_id]).fetchall()
    assert ended == [("sign_out",)]


def test_after_thirty_idle_minutes_the_next_click_asks_to_sign_in_again(known):
    at = set_as_of(sign_in(open_app(), "ganquan"), dt.date(2024, 9, 12))
    cache.store().cursor().execute("UPDATE sessions SET last_seen_at = last_seen_at - INTERVAL 31 MINUTE")
    at = go_to(at, "pages/villages.py")
    assert shows_only_the_form(at)


def test_a_disabled_account_is_signed_out_on_its_next_click(known, settings):
    at = sign_in(open_app(), "ganquan")
    accounts.set_disabled(cache.store(), settings.district_code, "ganquan", True, by="admin")
    assert shows_only_the_form(go_to(at, "pages/villages.py"))
    assert [e.value for e in sign_in(open_app(), "ganquan").error] == [accounts.SIGN_IN_FAILED]


def test_a_store_without_accounts_says_how_to_create_the_first_administrator(tmp_path, settings, app_env):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    store.cursor().execute("DELETE FROM users")
    app_env(tmp_path / "k.duckdb")
    at = open_app()
    assert t("signin.no_accounts") in [w.value for w in at.warning]
    assert not [i for i in at.info if accounts.DEMO_PASSWORD in i.value]  # not a demo: no demo accounts


def test_the_demo_store_lists_its_accounts_on_the_form(demo_copy, app_env):
    app_env(demo_copy)
    at = open_app()
    assert any(accounts.DEMO_PASSWORD in i.value and "ganquan" in i.value for i in at.info)
    assert t("app.demo_banner") in [w.value for w in at.warning]


def test_the_menu_lists_only_the_pages_the_role_may_use(known):
    links = {p.label for p in sign_in(open_app(), "leader").get("page_link")}
    assert t("nav.users") not in links and t("nav.audit") not in links and t("nav.imports") not in links
    links = {p.label for p in sign_in(open_app(), "admin").get("page_link")}
    assert {t("nav.users"), t("nav.audit"), t("nav.imports")} <= links


def test_a_deep_link_to_an_administrators_page_is_refused_for_others(known):
    at = go_to(sign_in(open_app(), "ganquan"), "pages/users.py")
    assert t("app.no_permission", permission=Permission.manage_users.label) in [i.value for i in at.info]
    assert not at.dataframe


def test_an_administrator_creates_an_account_that_can_then_sign_in(known):
    at = go_to(sign_in(open_app(), "admin"), "pages/users.py")
    at.text_input(key=keys.USERS_ADD_NAME).input("liu")
    at.text_input(key=keys.USERS_ADD_DISPLAY).input("刘督导")
    at.selectbox(key=keys.USERS_ADD_ROLE).set_value(accounts.Role.supervisor)
    at.selectbox(key=keys.USERS_ADD_TOWN).set_value("210311103000")
    at.text_input(key=keys.USERS_ADD_PASSWORD).input("liu")
    at.text_input(key=keys.USERS_ADD_PASSWORD2).input("liu")
    at = at.button(key=keys.USERS_ADD_SUBMIT).click().run()
    assert at.error and "密码至少 10 个字符" in at.error[0].value and "不能包含用户名" in at.error[0].value
    at.text_input(key=keys.USERS_ADD_PASSWORD).input("大屯镇-督导-2024")
    at.text_input(key=keys.USERS_ADD_PASSWORD2).input("大屯镇-督导-2024")
    at = at.button(key=keys.USERS_ADD_SUBMIT).click().run()
    assert not at.exception and t("users.added", username="liu") in [s.value for s in at.success]
    at = sign_in(open_app(), "liu", "大屯镇-督导-2024")
    assert at.title[0].value == t("overview.title")
    assert "大屯镇" in " ".join(c.value for c in at.sidebar.caption)


def test_the_audit_page_filters_by_action(known):
    sign_in(open_app(), "ganquan")
    at = go_to(sign_in(open_app(), "admin"), "pages/audit.py")
    at = at.selectbox(key=keys.AUDIT_ACTION).set_value("sign_in").run()
    table = next(d.value for d in at.dataframe if t("audit.action") in d.value.columns)
    assert set(table[t("audit.action")]) == {t("audit_action.sign_in")}
    assert {"ganquan", "admin"} <= set(table[t("audit.user")])


def test_the_upload_limit_streamlit_shows_is_the_configured_one(settings):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == settings.max_upload_mb


def test_the_server_configuration_hides_tracebacks_and_unaudited_downloads_and_keeps_xsrf():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableAgentApi", False) is False


def test_the_server_does_not_stop_every_session_for_a_full_collection_after_each_run():
    # Streamlit's default gc.collect(2) after every script run held the GIL for a quarter of the
    # server's CPU under load (README, 负载): the served app turns it off.
    from streamlit import config as st_config

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
    assert st_config.get_option("runner.postScriptGC") is False
