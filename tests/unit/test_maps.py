"""Map builders tested as objects and as rendered HTML: layers, fills that follow the measure,
legend lines, clusters and heat from one compact array, nothing from a CDN, masked popups,
names from files as text; and the meeting PNG."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import folium
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, mapping

from data_loaders.exposure import EXACT_STEPS, KeyPoints, PointSet, RiskView
from paicha.geo import distance_m, wgs84_to_gcj02
from paicha.text import t
from paicha.vocab import HazardKind, HazardLevel, MapMeasure, Status
from tests.e2e.browser import ROOT
from ui import theme
from ui.maps import assets, builders, geometry, measures, png
from ui.maps.tiles import TileSource

# Anything the browser would fetch from another host (a link to leafletjs.com in the attribution is not a fetch).
CDN = re.compile(r"<script[^>]+src=[\"']https?://|<link[^>]+href=[\"']https?://|url\([\"']?https?://"
                 r"|cdn\.jsdelivr|cdnjs|unpkg\.com|code\.jquery|bootstrapcdn|fontawesome")


def square(x: float, y: float, d: float = 0.05) -> str:
    return json.dumps(mapping(Polygon([(x, y), (x + d, y), (x + d, y + d), (x, y + d)])))


def villages() -> pd.DataFrame:
    rows = []
    for i, (status, lag) in enumerate([("severely_lagging", 40.0), ("lagging", 12.0), ("on_track", -3.0),
                                       ("done", 0.0)]):
        rows.append({"town_code": "210311006000" if i < 2 else "210311104000",
                     "town_name": "汤岗子街道" if i < 2 else "甘泉镇",
                     "village_code": f"21031100{6 if i < 2 else 4}{200 + i}", "village_name": f"第{i}村",
                     "households": 100, "screened": 40 + 20 * i, "screened_pct": 40.0 + 20 * i, "expected": 80.0,
                     "lag": lag, "status": status, "key_households": 5, "key_home_visited": 5 - i,
                     "key_not_home": i, "exposed": 10 * i, "exposed_unscreened": 3 * i, "exposed_key_not_home": 0,
                     "should_monitor": 2 * i,
                     "geometry": square(122.9 + 0.05 * i, 41.0), "lon": 122.92 + 0.05 * i, "lat": 41.02})
    return pd.DataFrame(rows)


def zones() -> pd.DataFrame:
    return pd.DataFrame([
        {"zone_id": "f1", "kind": "flood", "level": "high", "name": "沿河洪涝风险区", "village_code": "210311006200",
         "source": "测试", "crs": "WGS-84", "geometry": square(122.9, 41.0, 0.01), "indicator": None,
         "indicator_name": None, "observed_on": dt.date(2024, 7, 31)},
        {"zone_id": "p1", "kind": "low_prices", "level": "medium", "name": "第1村农产品价格低迷",
         "village_code": "210311006201", "source": "区农业农村局", "crs": "WGS-84",
         "geometry": square(122.95, 41.0), "indicator": 23.5, "indicator_name": "价格降幅(%)",
         "observed_on": dt.date(2024, 8, 31)},
    ])


def heat() -> PointSet:
    x = np.array([0, 100, 65_534], dtype=np.uint16)
    return PointSet(x, x, np.ones(3, dtype=np.uint32), (122.9, 41.0, 123.1, 41.05), EXACT_STEPS, 3, 1, False)


def key_points() -> KeyPoints:
    points = pd.DataFrame({"household_id": ["H1", "H2"], "village_code": ["210311006200", "210311006201"],
                           "head_name": ["王**", "李*"], "lon": [122.91, 122.96], "lat": [41.01, 41.02],
                           "groups": [1, 8]})
    per_village = pd.DataFrame({"village_code": ["210311006200", "210311006201"], "key_not_home": [1, 1]})
    return KeyPoints(points, per_village, 2, False)


def view(**changes) -> RiskView:
    base = {"as_of": dt.date(2024, 9, 12), "kinds": ("flood", "low_prices"),
            "subjects": ("unscreened", "key_not_home"), "villages": villages(), "zones": zones(), "heat": heat(),
            "key": key_points()}
    return RiskView(**{**base, **changes})


def html_of(v: RiskView, choice: builders.MapChoice | None = None) -> str:
    return builders.offline_html(builders.risk_map(v, choice or builders.MapChoice()).map)


def payloads(html: str, function: str) -> list[dict]:
    """The JSON each ``paichaMap.<function>(map, {...})`` call draws."""
    out = []
    for match in re.finditer(rf"paichaMap\.{function}\([a-z_0-9]+, ", html):
        decoder = json.JSONDecoder()
        out.append(decoder.raw_decode(html[match.end():])[0])
    return out


def test_every_part_is_a_named_layer_in_the_layer_control():
    built = builders.risk_map(view(), builders.MapChoice(MapMeasure.lag))
    names = [c.layer_name for c in built.map._children.values() if isinstance(c, builders.PaichaLayer)]
    assert names == ["村（社区）示意范围：滞后户数", "乡镇（街道）界", "暴雨洪涝", "农产品价格低迷", "热力：需关注农户", "重点户未入户"]
    assert any(isinstance(c, folium.LayerControl) for c in built.map._children.values())
    html = builders.offline_html(built.map)
    assert all(json.dumps(n)[1:-1] in html or n in html for n in names)


def test_fill_colours_follow_the_chosen_measure():
    fills = {m: [f["properties"]["fill"] for f in payloads(html_of(view(), builders.MapChoice(m)), "villages")[0]["features"]]
             for m in MapMeasure}
    assert fills[MapMeasure.status] == [theme.STATUS_COLOURS[s] for s in ("severely_lagging", "lagging", "on_track", "done")]
    assert len(set(fills[MapMeasure.lag])) == 3  # 40 and 12 behind in two classes, the rest none behind
    assert fills[MapMeasure.lag] != fills[MapMeasure.screened_pct] != fills[MapMeasure.key_not_home]
    # Dark is worse on every measure: the most-behind village and the least-screened one share the darkest.
    assert fills[MapMeasure.lag][0] == fills[MapMeasure.screened_pct][0] == theme.SEQUENTIAL[-1]


def test_the_legend_states_classes_statuses_no_data_indicator_source_and_what_is_drawn():
    v = view(villages=villages().assign(households=[100, 100, 100, 0]))
    html = html_of(v, builders.MapChoice(MapMeasure.status))
    (legend,) = [p["html"] for p in payloads(html, "legend")]
    for status in ("severely_lagging", "lagging", "on_track"):
        assert Status(status).label in legend
    assert "无数据（没有农户）（1个村）" in legend and "按进度状态分类" in legend
    assert "价格降幅(%) 23.5" in legend and "区农业农村局" in legend and "2024-08-31" in legend
    assert "逐户绘制，共 3 户" in legend and "另有 1 户没有坐标" in legend
    lag = html_of(view(), builders.MapChoice(MapMeasure.lag))
    assert "分位数分级" in lag and "0（无）" in lag


def test_quantile_classes_keep_zero_apart_and_split_the_rest():
    frame = pd.DataFrame({"village_code": [f"{i:012d}" for i in range(9)], "households": [10] * 8 + [0],
                          "lag": [0, 0, 1, 2, 3, 4, 10, 50, 7]})
    classes = measures.classify(frame, measures.MEASURES[MapMeasure.lag])
    assert classes.fills[0] == classes.fills[1] == theme.SEQUENTIAL[0]
    assert classes.fills[-1] == theme.NO_DATA
    assert classes.fills[7] == theme.SEQUENTIAL[-1] and len(set(classes.fills[2:8])) >= 3
    assert next(e.label for e in classes.entries).startswith("11–50") or "50" in classes.entries[0].label
    ordered = measures.worst_first(frame, measures.MEASURES[MapMeasure.lag])
    assert ordered["lag"].tolist()[:2] == [50, 10] and ordered["households"].iloc[-1] == 0


def test_no_village_behind_is_one_zero_class_not_an_error():
    # Before the campaign starts (or on an empty store) nobody is behind yet.
    frame = pd.DataFrame({"village_code": ["210311006200", "210311006201"], "households": [10, 10], "lag": [0, -3]})
    classes = measures.classify(frame, measures.MEASURES[MapMeasure.lag])
    assert classes.fills == [theme.SEQUENTIAL[0]] * 2
    assert t("risk_map.class_zero") in classes.entries[0].label


def test_clusters_and_heat_come_from_one_compact_array_not_a_call_per_point():
    html = html_of(view())
    (heat_payload,) = payloads(html, "heat")
    (keys_payload,) = payloads(html, "keys")
    assert "L.markerClusterGroup" in html and "L.heatLayer" in html  # the plugins, inlined
    assert html.count("L.circleMarker(") == html.count("L.circleMarker(latlng") + 1  # only inside paicha_map.js
    xs = np.frombuffer(base64.b64decode(heat_payload["points"]["x"]), "<u2")
    assert len(xs) == 3 and keys_payload["ids"] == ["H1", "H2"]


def test_decoded_positions_land_within_half_a_metre():
    lon, lat = np.array([122.9, 122.95, 123.1]), np.array([41.0, 41.031, 41.05])
    enc = builders.encode_positions(lon, lat)
    minx, _miny, maxx, _maxy = enc["b"]
    qx = np.frombuffer(base64.b64decode(enc["x"]), "<u2")
    back = minx + (qx + 0.5) * (maxx - minx) / enc["n"]
    assert np.all(np.abs(back - lon) * 84_000 < 0.5)


def test_offline_html_inlines_leaflet_and_its_plugins_and_loads_nothing_from_a_cdn():
    html = html_of(view())
    assert not CDN.search(html), CDN.search(html)
    assert "L.map(" in html and "Leaflet" in html and "MarkerCluster" in html and "simpleheat" in html
    scripts, sheets = assets.urls("/base")
    assert all(url.startswith(f"/base/map-assets/{assets.version()}/") for _, url in scripts + sheets)
    served = builders.served(builders.risk_map(view(), builders.MapChoice()).map, "")
    rendered = served.get_root().render()
    assert not CDN.search(rendered) and f"/map-assets/{assets.version()}/leaflet.js" in rendered
    with pytest.raises(KeyError):
        assets.content("../../etc/passwd")


def test_key_household_popups_carry_masked_data_and_a_link_to_the_village_list():
    html = html_of(view())
    (p,) = payloads(html, "keys")
    assert p["names"] == ["王**", "李*"] and p["link"] == "households?list=key_not_home&amp;village="
    assert p["groupLabels"][0] == "2024年新增低保对象"
    # Folium names page elements with random hex ids (layer_control_1562562377...), which can look
    # like a phone number: they are taken out before looking for one.
    searched = re.sub(r"_[0-9a-f]{32}\b", "_id", html.replace(assets.inline_head(), ""))
    assert not re.search(r"(?<!\d)\d{17}[\dX](?!\d)|1[3-9]\d{9}", searched)


def test_too_many_key_households_are_drawn_as_one_count_per_village():
    many = KeyPoints(key_points().points.iloc[:0], key_points().per_village.assign(key_not_home=[900, 40]), 940, True)
    html = html_of(view(key=many))
    (p,) = payloads(html, "keys")
    assert p["points"] is None and [c["n"] for c in p["counts"]] == [900, 40]
    assert "户数较多，按村汇总，共 940 户" in html


def test_names_from_files_are_text_in_tooltips_popups_and_legend():
    hostile = "<img src=x onerror=alert(1)>"
    v = view(villages=villages().assign(village_name=hostile),
             zones=zones().assign(name="`);alert(document.cookie);(`洪涝区", source="${alert(2)}</script>"))
    html = html_of(v).replace(assets.inline_head(), "")
    assert hostile not in html and html.count("</script>") == html.count("<script")
    assert "<img src=x" not in html and "alert(document.cookie);(`" not in html and "${alert(2)}" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&#96;);alert(document.cookie);(&#96;洪涝区" in html and "&#36;{alert(2)}&lt;/script&gt;" in html


def test_a_stored_zone_without_a_polygon_is_left_off_and_counted():
    broken = pd.DataFrame([{**zones().iloc[0].to_dict(), "zone_id": f"z{i}", "geometry": g}
                           for i, g in enumerate([None, "", '{"type": "Polygon", "coordinates": []}', "not json"])])
    built = builders.risk_map(view(zones=pd.concat([zones(), broken], ignore_index=True)), builders.MapChoice())
    assert built.zones_without_shape == 4
    html = builders.offline_html(built.map)
    assert sum(len(p["features"]) for p in payloads(html, "hazards")) == 2


def test_villages_without_an_area_are_drawn_at_their_households_and_unplaced_ones_counted():
    frame = villages().assign(geometry=None)
    frame.loc[3, ["lon", "lat"]] = np.nan
    built = builders.risk_map(view(villages=frame), builders.MapChoice())
    (p,) = payloads(builders.offline_html(built.map), "villages")
    assert [f["geometry"]["type"] for f in p["features"]] == ["Point"] * 3 and built.unplaced_villages == 1


def test_town_outlines_are_dissolved_from_their_villages():
    towns = geometry.town_outlines(villages())
    assert [code for code, _, _ in towns] == ["210311006000", "210311104000"]
    assert towns[0][2].geom_type == "Polygon" and abs(towns[0][2].area - 2 * 0.05 ** 2) < 1e-6


def test_amap_tiles_shift_every_vector_onto_gcj02():
    amap = TileSource("amap", "https://webrd02.is.autonavi.com/{z}/{x}/{y}", "", "GCJ-02")
    (p,) = payloads(html_of(view(), builders.MapChoice(tiles=amap)), "villages")
    x, y = wgs84_to_gcj02(122.9, 41.0)
    assert p["features"][0]["geometry"]["coordinates"][0][0] == [round(float(x), 5), round(float(y), 5)]


def test_gcj02_offset_near_the_district_is_a_few_hundred_metres():
    x, y = wgs84_to_gcj02(122.944015, 41.067154)
    assert abs(float(x) - 122.949298) < 2e-5 and abs(float(y) - 41.068909) < 2e-5
    assert 400 < float(distance_m(122.944015, 41.067154, x, 41.067154)) < 480


def test_the_meeting_png_is_slide_sized_and_kept_for_looking_at():
    data = png.map_png(view(), builders.MapChoice(MapMeasure.status, heat=True), title="千山区风险地图：进度状态",
                       scope="鞍山市千山区")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (2000, 1125)
    shots = ROOT / "artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "risk_map_export_unit.png").write_bytes(data)


def test_the_village_table_names_hazard_levels_and_indicators_in_chinese():
    from ui.tables.risk import village_table

    table = village_table(villages(), zones(), None)
    hazards = dict(zip(table[t("risk_map.columns.village_name")], table[t("risk_map.columns.hazards")], strict=True))
    assert hazards["第0村"] == HazardKind.flood.label + t("risk_map.tip_level", level=HazardLevel.high.label)
    assert "high" not in hazards["第0村"]
    assert "23.5" in hazards["第1村"] and hazards["第3村"] == ""
