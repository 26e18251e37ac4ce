"""In Chromium with every non-local request refused: the risk map draws its villages, town
outlines, hazards, heat and clustered key households, a click selects a village, and the
choropleth and the hotspot view are kept as screenshots."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from paicha.vocab import HazardKind
from tests.e2e.browser import (
    ROOT,
    follow_menu,
    running_app,
    set_sidebar_date,
    sign_in,
    wait_rendered,
)
from ui import keys
from ui.maps.builders import LEFT_PANEL_PX
from ui.text import t

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "artifacts" / "screenshots"


def offline_page(browser):
    """A browser tab on a network where only this machine answers: anything else is aborted."""
    context = browser.new_context(viewport={"width": 1600, "height": 1500})
    refused: list[str] = []

    def route(request_route):
        host = urlsplit(request_route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "") or request_route.request.url.startswith(("data:", "blob:", "about:")):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, refused, errors


def toggle_heat(page):
    page.locator(f".st-key-{keys.RISK_HEAT.replace('.', '-')} label").click()
    page.wait_for_timeout(1000)
    wait_rendered(page)


def map_frame(page):
    for _ in range(60):
        for frame in page.frames:
            if frame != page.main_frame and frame.locator(".leaflet-container").count():
                return frame
        page.wait_for_timeout(500)
    raise AssertionError("no map frame")


@pytest.fixture(scope="module")
def app_url(demo_module_copy):
    with running_app(demo_module_copy) as url:
        yield url


def test_the_map_draws_villages_heat_and_clusters_with_the_network_cut_off(browser, app_url):
    context, page, refused, errors = offline_page(browser)
    page.goto(app_url)
    wait_rendered(page)
    sign_in(page, "leader")
    set_sidebar_date(page, t("sidebar.as_of"), "2024-09-12")
    follow_menu(page, "risk_map")
    SHOTS.mkdir(parents=True, exist_ok=True)
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-overlay-pane path", timeout=30_000)
    frame.wait_for_selector(".paicha-key-cluster", timeout=30_000)
    page.screenshot(path=str(SHOTS / "risk_map_choropleth.png"), full_page=True)
    toggle_heat(page)
    frame = map_frame(page)
    frame.wait_for_selector("canvas.leaflet-heatmap-layer", timeout=30_000)
    # Villages, towns and hazards are vector paths; the heat is its own canvas.
    assert frame.locator(".leaflet-overlay-pane path").count() >= 60
    assert frame.locator("canvas.leaflet-heatmap-layer").count() == 1
    assert frame.locator(".paicha-key-cluster").count() >= 1
    labels = frame.inner_text(".leaflet-control-layers")
    assert HazardKind.flood.label in labels and t("map.layer_villages") in labels
    assert t("risk_map.layer_heat") in labels and t("risk_map.layer_key") in labels
    assert t("risk_map.legend_hazards") in frame.inner_text(".paicha-legend")
    assert refused == [] and not [e for e in errors if "metrics" not in e]
    context.close()


def test_clicking_a_village_selects_it_and_offers_its_households(browser, app_url):
    context, page, refused, errors = offline_page(browser)
    page.goto(f"{app_url}/risk_map")
    wait_rendered(page)
    sign_in(page, "tangjiafang")  # 唐家房镇: a supervisor's map holds their villages only
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-overlay-pane path", timeout=30_000)
    box = frame.locator(".leaflet-container").bounding_box()
    # The area is fitted right of the layer list and legend (builders.LEFT_PANEL_PX).
    page.mouse.click(box["x"] + (box["width"] + LEFT_PANEL_PX) / 2, box["y"] + box["height"] * 0.5)
    page.wait_for_timeout(1500)
    wait_rendered(page)
    picked = page.locator(f".st-key-{keys.RISK_VILLAGE.replace('.', '-')}").inner_text()
    assert t("risk_map.village_none") not in picked, "no village selected by the click"
    link = page.locator('a[href*="households?village=210311102"]').first
    assert "list=unscreened" in link.get_attribute("href")
    assert refused == [] and not [e for e in errors if "metrics" not in e]
    context.close()


def test_the_hotspot_view_draws_heat_and_key_households_without_a_fill(browser, app_url):
    context, page, refused, errors = offline_page(browser)
    page.goto(f"{app_url}/risk_map")
    wait_rendered(page)
    sign_in(page, "admin")
    set_sidebar_date(page, t("sidebar.as_of"), "2024-09-06")
    page.locator(f".st-key-{keys.RISK_MEASURE.replace('.', '-')} input").click()
    page.get_by_role("option", name=t("risk_map.measure_none")).click()
    page.wait_for_timeout(1000)
    wait_rendered(page)
    toggle_heat(page)
    frame = map_frame(page)
    frame.wait_for_selector("canvas.leaflet-heatmap-layer", timeout=30_000)
    frame.wait_for_selector(".paicha-key-cluster", timeout=30_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "risk_map_hotspots.png"), full_page=True)
    assert refused == [] and not [e for e in errors if "metrics" not in e]
    context.close()
