"""Real-browser tests: the running app in headless Debian Chromium, with screenshots kept."""

import pytest

from paicha.vocab import HazardKind
from tests.e2e.browser import ROOT, running_app, sign_in, wait_rendered
from ui.text import t

# Every page, in Chromium, on PostgreSQL too (the other browser tests run on DuckDB alone).
pytestmark = [pytest.mark.e2e, pytest.mark.both_engines]
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def app_url(demo_module_copy):
    with running_app(demo_module_copy) as url:
        yield url


def shoot(browser, url: str, name: str, height: int = 2000, user: str = "leader"):
    """Open a page's link, sign in there, and keep a screenshot of what that user sees."""
    page = browser.new_page(viewport={"width": 1600, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    wait_rendered(page)
    sign_in(page, user)
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


def test_villages_deep_link_renders_the_drill_down(browser, app_url):
    page, errors = shoot(browser, f"{app_url}/villages", "villages")
    text = page.inner_text("body")
    assert t("villages.title") in text and "Page not found" not in text
    page.close()
    # The drill-down lists live on 农户清单 now, which the villages page links to.
    page, errors = shoot(browser, f"{app_url}/households?list=unscreened", "households")
    text = page.inner_text("body")
    assert t("households.title") in text and "Page not found" not in text
    assert "210311********" in text or page.locator('[data-testid="stDataFrame"]').count() >= 2
    assert not [e for e in errors if "metrics" not in e]
    page.close()


def test_risk_map_draws_its_layers_offline(browser, app_url):
    page, errors = shoot(browser, f"{app_url}/risk_map", "risk_map", height=1500)
    assert t("map.title") in page.inner_text("body")
    frame = next(f for f in page.frames if f.url.startswith("about:srcdoc") or "srcdoc" in f.url or f != page.main_frame)
    frame.wait_for_selector(".leaflet-container", timeout=30_000)
    assert frame.locator(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas").count() >= 1
    labels = frame.inner_text(".leaflet-control-layers")
    assert HazardKind.flood.label in labels and t("map.layer_villages") in labels
    assert not [e for e in errors if "metrics" not in e]
    page.close()


def test_import_page_reports_a_broken_file_row_by_row(browser, app_url):
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    page.goto(f"{app_url}/imports")
    wait_rendered(page)
    sign_in(page, "admin")
    broken = ROOT / "tests" / "importing" / "files" / "village_of_other_town.xlsx"
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(broken))
    page.wait_for_selector("text=校验未通过", timeout=60_000)
    wait_rendered(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "imports.png"), full_page=True)
    assert "village_of_other_town.xlsx" in page.inner_text("body") or page.locator('[data-testid="stDataFrame"]').count() >= 1
    page.close()
