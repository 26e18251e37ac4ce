"""Real-browser test of the spot-check page: sign in, draw a sample, keep a screenshot."""

import shutil

import pytest

from paicha.sampling import Method
from tests.e2e.browser import ROOT, running_app, sign_in, wait_rendered
from ui.text import t

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def app_url(demo_db_path, tmp_path_factory):
    # A copy: the draw is written to the database, and other browser tests share the demo file.
    db = tmp_path_factory.mktemp("spot") / "demo.duckdb"
    shutil.copy(demo_db_path, db)
    with running_app(db) as url:
        yield url


def test_drawing_a_back_check_sample_in_chromium(browser, app_url):
    page = browser.new_page(viewport={"width": 1600, "height": 3000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/spot_checks")
    wait_rendered(page)
    assert "Page not found" not in page.inner_text("body")
    sign_in(page, "checker")
    assert page.locator("h1").first.inner_text() == t("spot_checks.title")  # the deep link is kept
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=Method.backcheck.label).click()
    wait_rendered(page)
    seed = page.get_by_role("spinbutton", name=t("spot_checks.seed"))
    seed.fill("2024")  # no Enter: inside a form it would submit the draw already
    page.get_by_role("button", name=t("spot_checks.submit")).click()
    page.wait_for_selector(f"text={t('spot_checks.drawn', draw_id=1, n='')[:8]}", timeout=90_000)
    wait_rendered(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "spot_checks.png"), full_page=True)
    text = page.inner_text("body")
    assert t("spot_checks.section_log") in text and t("spot_checks.section_export") in text
    assert t("spot_checks.drawn", draw_id=1, n="")[:8] in text  # one click, one draw
    assert t("spot_checks.split_caption", flagged=0, random=0)[:3] in text  # flagged/random split shown
    assert page.locator('[data-testid="stDataFrame"]').count() >= 3
    assert not [e for e in errors if "metrics" not in e]
    assert (SHOTS / "spot_checks.png").stat().st_size > 50_000
    page.close()
