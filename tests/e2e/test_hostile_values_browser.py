"""In Chromium: an imported name written as HTML never runs, on any page or in the map."""

from __future__ import annotations

import pytest

from tests.e2e.browser import follow_menu, running_app, set_sidebar_date, sign_in, wait_rendered
from ui.pages import PAGES
from ui.text import t

pytestmark = pytest.mark.e2e


def test_no_page_runs_an_imported_html_name(browser, hostile_db_path):
    with running_app(hostile_db_path) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        wait_rendered(page)
        sign_in(page, "admin")
        set_sidebar_date(page, t("sidebar.as_of"), "2024-09-12")
        for spec in PAGES:
            follow_menu(page, "" if spec.default else spec.url_path)
            page.wait_for_timeout(1500)
            for frame in page.frames:
                assert frame.locator('img[src="x"]').count() == 0, (spec.url_path, frame.url)
        follow_menu(page, "risk_map")
        frame = next(f for f in page.frames if f != page.main_frame and f.locator(".leaflet-container").count())
        # Move across the whole map so every tooltip (village and zone names) opens once.
        box = frame.locator(".leaflet-container").bounding_box()
        for i in range(1, 20):
            for j in range(1, 12):
                page.mouse.move(box["x"] + box["width"] * i / 20, box["y"] + box["height"] * j / 12)
        page.wait_for_timeout(500)
        assert frame.locator('img[src="x"]').count() == 0
        assert dialogs == []
        page.close()
