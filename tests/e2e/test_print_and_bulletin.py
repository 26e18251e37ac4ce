"""In Chromium: the browser's print of 总览 and 村级进度 keeps every column and row and leaves out the
sidebar; the 进展通报 page generates its pack."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from data_loaders.divisions import read_divisions
from tests.e2e.browser import (
    ROOT,
    follow_menu,
    running_app,
    set_sidebar_date,
    sign_in,
    wait_rendered,
)
from ui.text import t

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def app_url(demo_module_copy):
    with running_app(demo_module_copy) as url:
        yield url


def fold(text: str) -> str:
    # Chromium's PDF maps some CJK glyphs to Kangxi-radical code points (⽰ for 示); NFKC folds them
    # back (and full-width brackets to ASCII, on both sides of a comparison).
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\n", "")


def printed(page, name: str) -> tuple[str, list[list[str]]]:
    """The page printed to PDF as the browser's print does: its text, and the rows of the tables
    that print shows (read from the page under print media)."""
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"print_{name}.pdf").write_bytes(pdf)
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=stSidebar]')).display") == "none"
    rows = page.evaluate("""[...document.querySelectorAll('.paicha-print')]
        .filter(e => getComputedStyle(e).display !== 'none')
        .flatMap(e => [...e.querySelectorAll('tr')].map(r => [...r.cells].map(c => c.innerText)))""")
    return fold("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)), rows


def test_printing_the_overview_keeps_every_town_column_and_drops_the_sidebar(browser, app_url, settings):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    wait_rendered(page)
    sign_in(page, "leader")
    text, rows = printed(page, "overview")
    headers = [t(h) for h in ("columns.town", "columns.plan_training", "columns.screening", "columns.finish",
                              "columns.report")]
    assert rows[0] == headers  # every column of the town table, 预计完成 and 总结报告 included
    towns = set(read_divisions(settings.divisions_file)["town_name"])
    assert {r[0] for r in rows[1:6]} == towns
    for value in [*headers, *towns]:
        assert fold(value) in text, value  # and they are in the PDF itself
    assert fold(t("sidebar.sign_out")) not in text and fold(t("sidebar.as_of")) not in text
    page.close()


def test_printing_the_villages_page_prints_all_64_villages(browser, app_url, settings):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/villages")
    wait_rendered(page)
    sign_in(page, "leader")
    _text, rows = printed(page, "villages")
    names = set(read_divisions(settings.divisions_file)["village_name"])
    village_column = rows[0].index(t("columns.village"))
    assert {r[village_column] for r in rows[1:]} == names  # all 64, not the 11 on screen
    assert len(PdfReader(SHOTS / "print_villages.pdf").pages) >= 2
    page.close()


def test_the_bulletin_page_generates_a_pack_with_its_downloads(browser, app_url):
    page = browser.new_page(viewport={"width": 1500, "height": 1400})
    page.goto(app_url)
    wait_rendered(page)
    sign_in(page, "leader")
    set_sidebar_date(page, t("sidebar.as_of"), "2024-09-16")
    follow_menu(page, "bulletin")
    page.get_by_role("button", name=t("bulletin.generate")).click()
    page.wait_for_selector(f"text={t('bulletin.download_docx')}", timeout=120_000)
    wait_rendered(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=t("bulletin.download_docx")).click()
    assert info.value.suggested_filename.endswith(".docx")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "bulletin.png"), full_page=True)
    page.close()
