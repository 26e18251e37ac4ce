"""农户清单 in Chromium: each list and a household's detail from a link, screenshots kept."""

from __future__ import annotations

import re

import pytest

from data_loaders import store as store_module
from data_loaders.store import Store
from tests.e2e.browser import ROOT, running_app, sign_in, wait_rendered
from ui.text import t

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "artifacts" / "screenshots"
# As the role walk reads them: a household number (H + digits) is neither.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z_.])[0-9]{17}[0-9X](?![0-9A-Za-z_])")
PHONE = re.compile(r"(?<![0-9A-Za-z_.])1[3-9][0-9]{9}(?![0-9A-Za-z_])")


@pytest.fixture(scope="module")
def key_household(demo_module_copy) -> str:
    """A key household only phoned or assessed by 9-12, with a flood zone if there is one."""
    store = Store(demo_module_copy, read_only=True)
    hid = store.query("""
        SELECT s.household_id FROM household_status s
        LEFT JOIN household_hazards x USING (household_id)
        WHERE s.is_key AND s.first_on <= DATE '2024-09-12'
          AND (s.first_home_on IS NULL OR s.first_home_on > DATE '2024-09-12')
        ORDER BY x.household_id IS NULL, s.household_id LIMIT 1""")["household_id"][0]
    store_module.close_all()
    return hid


@pytest.fixture(scope="module")
def app_url(demo_module_copy, key_household):
    # The household is looked up first: the running app holds the database file.
    with running_app(demo_module_copy) as url:
        yield url


def grid_text(page) -> str:
    """The cells the data grids hold for the browser's accessibility tree (the grid itself is a
    canvas): every column of the shown rows when the viewport is wide enough."""
    return "\n".join(page.locator('[role="gridcell"]').evaluate_all("els => els.map(e => e.textContent)"))


def cells_of(browser, url: str, query: str, user: str = "leader") -> str:
    page = browser.new_page(viewport={"width": 3200, "height": 1600})
    page.goto(f"{url}/households?{query}")
    wait_rendered(page)
    sign_in(page, user)
    page.wait_for_selector('[role="gridcell"]', state="attached", timeout=60_000)
    wait_rendered(page)
    text = grid_text(page) + page.inner_text("body")
    page.close()
    return text


def open_list(browser, url: str, query: str, name: str, user: str = "leader", height: int = 2400):
    page = browser.new_page(viewport={"width": 1600, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/households?{query}")
    wait_rendered(page)
    sign_in(page, user)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    wait_rendered(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    return page, errors


@pytest.mark.parametrize(("which", "title"), [
    ("unscreened", "未排查农户"), ("key_not_home", "重点户未入户"), ("should_monitor", "应纳未纳疑似户"),
    ("zero_monitoring_villages", "无监测对象的村（社区）")])
def test_each_list_opens_from_its_link_masked(browser, app_url, which, title):
    page, errors = open_list(browser, app_url, f"list={which}", f"households_{which}")
    text = page.inner_text("body")
    assert t("households.title") in text and "Page not found" not in text
    assert page.locator('label:has-text("' + title + '") input[type="radio"]').first.is_checked()
    assert f"list={which}" in page.url
    assert not [e for e in errors if "metrics" not in e]
    page.close()
    cells = cells_of(browser, app_url, f"list={which}")
    if which != "zero_monitoring_villages":
        assert "210311********" in cells and "****" in cells
    assert not ID_NUMBER.search(cells) and not PHONE.search(cells)


def test_a_supervisor_link_to_another_town_shows_their_own(browser, app_url):
    page, _errors = open_list(browser, app_url, "list=unscreened&town=210311006000", "households_supervisor",
                             user="ganquan", height=1600)
    assert "town=210311104000" in page.url
    assert "汤岗子" not in page.inner_text("body")
    page.close()


def test_a_households_detail_opens_from_a_link(browser, app_url, key_household):
    page, errors = open_list(browser, app_url, f"list=key_not_home&household={key_household}", "households_detail",
                             height=3000)
    detail = page.locator(f'h3:has-text("{t("households.detail_title")}")')
    detail.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "households_detail_view.png"))
    text = page.inner_text("body") + grid_text(page)
    assert key_household in text and t("households.detail_screenings") in text
    assert "210311********" in text and not ID_NUMBER.search(text) and not PHONE.search(text)
    assert not [e for e in errors if "metrics" not in e]
    page.close()
