"""In Chromium: 村级进度 for a lagging town and the overview on the Monday of 中秋节, screenshots kept."""

from __future__ import annotations

import pytest

from data_loaders import store as store_module
from data_loaders.demo import build_demo
from data_loaders.store import Store
from tests.e2e.browser import ROOT, running_app, set_sidebar_date, sign_in, wait_rendered
from ui.text import t

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def district_url(tmp_path_factory, settings):
    """The demo district as `make run` builds it (18,000 households, the configured seed): on
    9-12 甘泉镇 has 双台子, which only started on 9-10."""
    path = tmp_path_factory.mktemp("district") / "demo.duckdb"
    build_demo(Store.create(path, demo=True), settings)
    store_module.close_all()
    with running_app(path) as url:
        yield url


def open_signed_in(browser, url: str, user: str, height: int = 3000):
    page = browser.new_page(viewport={"width": 1600, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    wait_rendered(page)
    sign_in(page, user)
    return page, errors


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    page.wait_for_timeout(1500)
    wait_rendered(page)


def test_villages_of_a_lagging_town_say_why_and_what_is_needed(browser, district_url):
    page, errors = open_signed_in(browser, f"{district_url}/villages", "ganquan")
    set_sidebar_date(page, t("sidebar.as_of"), "2024-09-12")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "villages_ganquan.png"), full_page=True)
    text = page.inner_text("body")
    assert "双台子村委会" in text and "9-10 才开始（晚于最晚开工日 9-06）" in text
    assert "需每个工作日 22.8 户" in text and "按此速度 9-27 完成" in text
    assert t("villages.required_rate") in text
    open_tab(page, t("villages.tab_timeline"))
    timeline = page.locator(".js-plotly-plot").first
    assert "中秋节" in timeline.inner_text() and "最晚开工 09-06" in timeline.inner_text()
    page.screenshot(path=str(SHOTS / "villages_ganquan_timeline.png"), full_page=True)
    open_tab(page, t("villages.tab_heatmap"))
    page.screenshot(path=str(SHOTS / "villages_ganquan_heatmap.png"), full_page=True)
    open_tab(page, t("villages.tab_screeners"))
    assert t("villages.col_screener") in page.inner_text("body")
    page.screenshot(path=str(SHOTS / "villages_ganquan_screeners.png"), full_page=True)
    assert not [e for e in errors if "metrics" not in e]
    page.close()


def test_after_the_holiday_the_daily_heatmap_names_it(browser, district_url):
    page, errors = open_signed_in(browser, f"{district_url}/villages", "ganquan")
    set_sidebar_date(page, t("sidebar.as_of"), "2024-09-19")
    open_tab(page, t("villages.tab_heatmap"))
    heatmap = page.locator(".js-plotly-plot").last  # the open tab's: the others are not built
    assert "中秋节假期" in heatmap.inner_text() and "调休上班" in heatmap.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "villages_ganquan_heatmap_0919.png"), full_page=True)
    assert not [e for e in errors if "metrics" not in e]
    page.close()


def test_the_overview_on_the_monday_of_mid_autumn_compares_with_the_last_meeting(browser, district_url):
    page, errors = open_signed_in(browser, district_url, "leader", height=2200)
    set_sidebar_date(page, t("sidebar.as_of"), "2024-09-16")
    set_sidebar_date(page, t("sidebar.since"), "2024-09-09")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview_since.png"), full_page=True)
    text = page.inner_text("body")
    assert "2024-09-16（星期一，中秋节）" in text and "与 2024-09-09（星期一） 相比" in text
    assert t("overview.since_short", since="09-09") in text
    assert t("overview.of_screened", pct="")[:4] in text
    assert "中秋节" in page.locator(".js-plotly-plot").first.inner_text()
    assert not [e for e in errors if "metrics" not in e]
    page.close()
