"""Sign-in in real Chromium: the walk a person takes (sign in, set the date, every menu link, back,
reload, deep link, sign out), two users at once, and what a visitor without a session sees."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from data_loaders.divisions import read_divisions
from tests.e2e.browser import (
    ROOT,
    everything_shown,
    follow_menu,
    running_app,
    set_sidebar_date,
    sidebar_date,
    sign_in,
    wait_rendered,
)
from ui.pages import PAGES
from ui.text import t

# Every page, in Chromium, on PostgreSQL too (the other browser tests run on DuckDB alone).
pytestmark = [pytest.mark.e2e, pytest.mark.both_engines]
SHOTS = ROOT / "artifacts" / "screenshots"
AS_OF, SINCE = "2024-09-16", "2024-09-14"  # the Monday after 中秋节; its previous working day is Saturday
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z_.])[0-9]{17}[0-9X](?![0-9A-Za-z_])")
PHONE = re.compile(r"(?<![0-9A-Za-z_.])1[3-9][0-9]{9}(?![0-9A-Za-z_])")


@pytest.fixture(scope="module")
def app_url(demo_module_copy):
    with running_app(demo_module_copy) as url:
        yield url


@pytest.fixture(scope="module")
def divisions(settings) -> pd.DataFrame:
    return read_divisions(settings.divisions_file)


def foreign_names(divisions: pd.DataFrame, town_code: str) -> set[str]:
    """Town and village names that belong to other towns only."""
    own = divisions[divisions["town_code"] == town_code]
    other = divisions[divisions["town_code"] != town_code]
    own_names = set(own["village_name"]) | set(own["town_name"])
    # A name inside one of the town's own names (中心社区居委会 in 对桩石中心社区居委会) proves nothing.
    return {n for n in set(other["town_name"]) | set(other["village_name"]) if not any(n in o for o in own_names)}


def assert_same_view(page, display_name: str, scope_text: str, forbidden: set[str]) -> None:
    sidebar = page.inner_text('[data-testid="stSidebar"]')
    assert display_name in sidebar and scope_text in sidebar
    assert (sidebar_date(page, t("sidebar.as_of")), sidebar_date(page, t("sidebar.since"))) == (AS_OF, SINCE)
    shown = everything_shown(page)
    assert "Page not found" not in shown
    leaked = sorted(n for n in forbidden if n in shown)
    assert leaked == [], f"{page.url}: other towns' names shown: {leaked[:5]}"
    assert not ID_NUMBER.search(shown) and not PHONE.search(shown), page.url


def walk(page, url: str, username: str, display_name: str, scope_text: str, forbidden: set[str]) -> None:
    """Sign in, set the date, click every menu link, go back, reload, open a deep link."""
    page.goto(url)
    wait_rendered(page)
    sign_in(page, username)
    set_sidebar_date(page, t("sidebar.as_of"), AS_OF)
    assert sidebar_date(page, t("sidebar.since")) == SINCE  # the comparison follows the as-of date
    menu = [p for p in PAGES if p.permission is None]
    for spec in [*menu[1:], menu[0]]:
        follow_menu(page, "" if spec.default else spec.url_path)
        assert page.locator("h1").first.inner_text() == t(spec.title_key)
        assert_same_view(page, display_name, scope_text, forbidden)
    page.go_back()
    page.wait_for_timeout(800)
    wait_rendered(page)
    assert_same_view(page, display_name, scope_text, forbidden)
    page.reload()
    wait_rendered(page)
    assert_same_view(page, display_name, scope_text, forbidden)
    page.goto(f"{url}/villages")
    wait_rendered(page)
    assert page.locator("h1").first.inner_text() == t("villages.title")
    assert_same_view(page, display_name, scope_text, forbidden)


def test_a_visitor_without_a_session_sees_the_sign_in_form_and_nothing_else(browser, app_url, divisions):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    for path in ("", "/villages", "/risk_map", "/spot_checks", "/imports", "/users", "/audit"):
        page.goto(f"{app_url}{path}")
        wait_rendered(page)
        text = everything_shown(page)
        assert page.locator("h1").first.inner_text() == t("signin.title"), path
        assert not [n for n in set(divisions["town_name"]) | set(divisions["village_name"]) if n in text], path
        assert not re.search(r"[0-9],[0-9]{3}", text) and page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stSidebar"] a').count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "signin.png"), full_page=True)
    page.close()


def test_the_overviews_chart_scripts_arrive_with_the_sign_in_form(browser, app_url):
    """Fetched while the visitor types, not after the click (ui.preload); a deep link too."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    for path in ("", "/villages"):
        answer = page.goto(f"{app_url}{path}")
        links = re.findall(r"<([^>]+)>; rel=modulepreload", answer.headers.get("link", ""))
        assert {re.sub(r"\..*", "", link.rsplit("/", 1)[1]) for link in links} == {"PlotlyChart", "DataFrame",
                                                                                "arrowFormatUtils"}, path
        page.get_by_label(t("signin.username")).wait_for(timeout=60_000)
        fetched = page.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)")
        assert set(links) <= set(fetched), path  # before anyone pressed 登录
        for link in links:
            script = page.request.get(f"{app_url}{link}")
            assert script.ok and "javascript" in script.headers["content-type"], link
    sign_in(page, "leader")
    wait_rendered(page, '[data-testid="stMetric"]')
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1  # the preloaded script draws the chart
    page.close()


def test_a_town_supervisor_keeps_identity_date_and_scope_through_menu_back_reload_and_deep_link(
        browser, app_url, divisions):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    walk(page, app_url, "ganquan", "甘泉镇督导员(演示)", "甘泉镇", foreign_names(divisions, "210311104000"))
    cookie = next(c for c in context.cookies() if c["name"] == "paicha_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    context.close()


def test_a_district_leader_keeps_identity_and_date_through_the_same_walk(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    walk(context.new_page(), app_url, "leader", "区领导(演示)", "全区", set())
    context.close()


def test_signing_out_ends_the_session_so_a_reload_asks_again(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(app_url)
    wait_rendered(page)
    sign_in(page, "datun")
    page.get_by_role("button", name=t("sidebar.sign_out")).click()
    page.wait_for_selector(f"h1:has-text('{t('signin.title')}')")
    page.reload()
    wait_rendered(page)
    assert page.locator("h1").first.inner_text() == t("signin.title")
    context.close()


def test_two_users_at_once_each_see_only_their_own_scope(browser, app_url, divisions):
    ganquan = browser.new_context(viewport={"width": 1400, "height": 1000})
    datun = browser.new_context(viewport={"width": 1400, "height": 1000})
    a, b = ganquan.new_page(), datun.new_page()
    for page, user in ((a, "ganquan"), (b, "datun")):
        page.goto(f"{app_url}/villages")
        wait_rendered(page)
        sign_in(page, user)
    for _ in range(2):  # interleaved reruns in the one server process
        for page, town, code in ((a, "甘泉镇", "210311104000"), (b, "大屯镇", "210311103000")):
            page.reload()
            wait_rendered(page)
            shown = everything_shown(page)
            assert town in page.inner_text('[data-testid="stSidebar"]')
            assert not [n for n in foreign_names(divisions, code) if n in shown]
    ganquan.close()
    datun.close()


def test_the_administrators_pages_render_for_an_administrator(browser, app_url):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(app_url)
    wait_rendered(page)
    sign_in(page, "admin")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path, title in (("users", "users.title"), ("audit", "audit.title")):
        follow_menu(page, path)
        assert page.locator("h1").first.inner_text() == t(title)
        page.screenshot(path=str(SHOTS / f"{path}.png"), full_page=True)
    text = page.inner_text("body")
    assert t("audit.export") in text
    page.close()
