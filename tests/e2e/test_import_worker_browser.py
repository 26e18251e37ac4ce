"""Real-browser walk of a roster import read in the worker process: progress, checked, confirmed."""

import os

import pytest

from data_loaders.importing import ImportKind, export_to_template
from data_loaders.store import Store, close_all
from paicha.scope import Scope
from tests.e2e.browser import ROOT, running_app, sign_in, wait_checked, wait_rendered
from ui.text import t

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def roster_file(demo_module_copy, settings, tmp_path_factory):
    """The demo district's own roster as the template exports it."""
    content = export_to_template(Store(demo_module_copy), ImportKind.households, Scope.district(settings.district_code))
    close_all()  # the server opens the store itself
    path = tmp_path_factory.mktemp("upload") / "district_roster.xlsx"
    path.write_bytes(content)
    return path


@pytest.fixture(scope="module")
def app_url(demo_module_copy, roster_file):
    # Every upload goes to the worker in this server (the demo roster is below the usual size).
    os.environ["PAICHA_IMPORT_WORKER_MIN_BYTES"] = "0"
    try:
        with running_app(demo_module_copy) as url:
            yield url
    finally:
        del os.environ["PAICHA_IMPORT_WORKER_MIN_BYTES"]


def test_a_district_roster_is_checked_off_the_server_then_imported_and_logged(browser, app_url, roster_file):
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    page.goto(f"{app_url}/imports")
    wait_rendered(page)
    sign_in(page, "admin")
    wait_rendered(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(roster_file))
    wait_checked(page)
    assert page.locator('[data-testid="stProgress"]').count() == 1
    assert t("imports.progress_done") in page.inner_text("body")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "imports_worker.png"), full_page=True)
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("text=已导入", timeout=120_000)
    wait_rendered(page)
    assert "district_roster.xlsx" in page.inner_text("body")
    page.close()
