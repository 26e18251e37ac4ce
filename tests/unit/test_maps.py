"""Map builders tested as objects and as rendered HTML: layers present, nothing from a CDN."""

import json

import pandas as pd
from shapely.geometry import Polygon, mapping

from paicha.geo import distance_m, wgs84_to_gcj02
from ui import maps

SQUARE = json.dumps(mapping(Polygon([(122.9, 41.0), (122.95, 41.0), (122.95, 41.05), (122.9, 41.05)])))


def frames():
    villages = pd.DataFrame([{"village_code": "210311006200", "village_name": "汤岗子村民委员会",
                              "town_code": "210311006000", "geometry": SQUARE, "households": 10,
                              "exposed": 3, "exposed_unscreened": 1}])
    zones = pd.DataFrame([{"zone_id": "z1", "kind": "flood", "level": "high", "name": "沿河洪涝风险区",
                           "village_code": "210311006200", "source": "测试", "crs": "WGS-84", "geometry": SQUARE}])
    points = pd.DataFrame({"lon": [122.91, 122.92], "lat": [41.01, 41.02], "screened": [True, False]})
    return villages, zones, points


def present(text: str, html: str) -> bool:
    """Folium writes GeoJSON properties with \\u escapes and tooltips as plain text."""
    return text in html or json.dumps(text)[1:-1] in html


def test_offline_html_inlines_leaflet_and_loads_nothing_from_a_cdn():
    html = maps.offline_html(maps.risk_map(*frames()))
    sizes = maps.geojson_sizes(html)
    assert sizes["cdn"] == 0
    assert "L.map(" in html and "Leaflet" in html  # leaflet.js itself is inside
    assert sizes["circles"] == 2
    assert present("沿河洪涝风险区", html) and present("汤岗子村民委员会", html)
    assert "坐标系：WGS-84" in html


def test_layers_are_named_in_chinese_in_the_layer_control():
    html = maps.offline_html(maps.risk_map(*frames()))
    assert all(present(name, html) for name in ("暴雨洪涝", "暴露农户", "村（社区）示意范围"))


def test_amap_tiles_shift_vectors_onto_gcj02():
    html_amap = maps.offline_html(maps.risk_map(*frames(), tiles="amap"))
    x, y = wgs84_to_gcj02(122.91, 41.01)
    assert f"[{float(y)!r}, {float(x)!r}]" in html_amap and "GCJ-02" in html_amap


def test_gcj02_offset_near_the_district_is_a_few_hundred_metres():
    x, y = wgs84_to_gcj02(122.944015, 41.067154)
    assert abs(float(x) - 122.949298) < 2e-5 and abs(float(y) - 41.068909) < 2e-5
    assert 400 < float(distance_m(122.944015, 41.067154, x, 41.067154)) < 480


def test_a_stored_zone_without_a_polygon_is_left_off_the_map_and_counted():
    villages, zones, points = frames()
    broken = pd.DataFrame([{**zones.iloc[0].to_dict(), "zone_id": f"z{i}", "geometry": g}
                           for i, g in enumerate([None, "", '{"type": "Polygon", "coordinates": []}', "not json"])])
    drawable, skipped = maps.drawable_zones(pd.concat([zones, broken], ignore_index=True))
    assert drawable["zone_id"].tolist() == ["z1"] and skipped == 4
    html = maps.offline_html(maps.risk_map(villages, pd.concat([zones, broken], ignore_index=True), points))
    assert maps.geojson_sizes(html)["features"] == maps.geojson_sizes(maps.offline_html(maps.risk_map(*frames())))["features"]


def test_names_from_files_are_text_in_tooltips_never_html_or_script():
    villages, zones, points = frames()
    villages["village_name"] = "<img src=x onerror=alert(1)>村"
    zones["name"] = "`);alert(document.cookie);(`洪涝区"
    zones["source"] = "${alert(2)}"
    html = maps.offline_html(maps.risk_map(villages, zones, points))
    assert "<img src=x" not in html and "alert(document.cookie);(`" not in html and "${alert(2)}" not in html
    # GeoJSON properties are written as JSON with & as \u0026: the escaped name, not a tag.
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html
    assert "&#96;);alert(document.cookie);(&#96;洪涝区" in html


def test_a_real_store_without_village_areas_still_gets_a_map():
    villages, zones, points = frames()
    villages["geometry"] = None  # divisions loaded by `paicha db init` carry no polygons
    html = maps.offline_html(maps.risk_map(villages, zones, points))
    assert maps.geojson_sizes(html)["circles"] == 2 and present("沿河洪涝风险区", html)
