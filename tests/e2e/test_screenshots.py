"""Real-browser tests: the running app in headless Debian Chromium, with screenshots kept."""

from pathlib import Path

import pytest

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app, wait_rendered
from ui.text import t

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make setup` (installs Debian chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def app_url(demo_db_path):
    with running_app(demo_db_path) as url:
        yield url


def shoot(browser, url: str, name: str, height: int = 2000):
    page = browser.new_page(viewport={"width": 1600, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    wait_rendered(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    return page, errors


def test_overview_renders_in_chromium_with_chart_and_banner(browser, app_url):
    page, errors = shoot(browser, app_url, "overview")
    text = page.inner_text("body")
    assert t("overview.title") in text
    assert t("app.demo_banner")[:6] in text
    assert "2,000" in text  # households of the 2,000-household test district
    assert page.locator(".js-plotly-plot").count() >= 1
    assert not [e for e in errors if "metrics" not in e]
    assert (SHOTS / "overview.png").stat().st_size > 50_000
    page.close()
