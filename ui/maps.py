"""Folium map builders (data in, map out) and an offline renderer that inlines Leaflet."""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from paicha.geo import wgs84_to_gcj02
from paicha.vocab import HazardKind
from ui import safe, theme
from ui.text import t

# Tile sources. GCJ-02 tiles (AMap) need every vector shifted onto their grid before drawing.
TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap", "WGS-84"),
    "tianditu": ("https://t0.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={key}", t("map.tile.tianditu"), "CGCS2000"),
    "amap": ("https://webrd02.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             t("map.tile.amap"), "GCJ-02"),
}


def _shift(geometry: shapely.Geometry, gcj: bool) -> shapely.Geometry:
    if not gcj:
        return geometry
    return shapely.transform(geometry, lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))


def _feature(geometry_json: str, properties: dict, gcj: bool) -> dict:
    geom = _shift(shapely.from_geojson(geometry_json), gcj)
    return {"type": "Feature", "geometry": mapping(geom), "properties": properties}


def _shape(geometry_json: object) -> shapely.Geometry | None:
    """A stored geometry, or None when it is missing, empty or unreadable (never drawable)."""
    if not isinstance(geometry_json, str) or not geometry_json.strip():
        return None
    try:
        geom = shapely.from_geojson(geometry_json)
    except shapely.errors.GEOSException:
        return None
    return None if geom.is_empty else geom


def drawable_zones(zones: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The zones that have a polygon to draw, and how many were left out for lacking one.

    Imports refuse zones without a polygon; a store written before that may still hold some,
    and one bad row must not take the whole map down.
    """
    if zones.empty:
        return zones, 0
    keep = zones["geometry"].map(lambda g: _shape(g) is not None)
    return zones[keep], int((~keep).sum())


def risk_map(villages: pd.DataFrame, zones: pd.DataFrame, points: pd.DataFrame,
             tiles: str = "none", tianditu_key: str = "") -> folium.Map:
    """The risk map: schematic village areas with their figures, hazard zones, exposed households.

    ``villages`` holds village_code, village_name, geometry (GeoJSON, WGS-84) and the figures shown
    in tooltips; ``zones`` the hazard zones; ``points`` exposed households (lon, lat, screened).
    """
    gcj = tiles == "amap"
    shapes = [g for g in map(_shape, villages["geometry"]) if g is not None] if len(villages) else []
    bounds = shapely.union_all(shapes) if shapes else None
    centre = [bounds.centroid.y, bounds.centroid.x] if bounds is not None else [41.0, 122.95]
    m = folium.Map(location=centre, zoom_start=11, tiles=None, control_scale=True, prefer_canvas=True)
    if tiles in TILES:
        url, attribution, _ = TILES[tiles]
        folium.TileLayer(url.replace("{key}", tianditu_key), attr=attribution, name=t("map.tiles")).add_to(m)

    village_layer = folium.FeatureGroup(name=t("map.layer_villages"))
    # Tooltips are HTML: names come from files, so they are escaped (numbers need nothing).
    features = [_feature(r.geometry, {"name": safe.html_text(r.village_name), "households": int(r.households),
                                      "exposed": int(r.exposed), "unscreened": int(r.exposed_unscreened)}, gcj)
                for r in villages.itertuples() if _shape(r.geometry) is not None]
    # A real store's divisions come without village areas (none are public): no layer then,
    # since folium refuses a tooltip over an empty collection.
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=lambda f: {"color": theme.VILLAGE_LINE, "weight": 1, "fillColor": theme.VILLAGE_FILL,
                                      "fillOpacity": 0.0 if tiles in TILES else 0.6},
            tooltip=folium.GeoJsonTooltip(["name", "households", "exposed", "unscreened"],
                                          aliases=[t("columns.village"), t("columns.households"),
                                                   t("map.exposed"), t("map.exposed_unscreened")]),
        ).add_to(village_layer)
        village_layer.add_to(m)

    zones, _ = drawable_zones(zones)
    for kind, group in zones.groupby("kind", sort=True):
        layer = folium.FeatureGroup(name=HazardKind(kind).label)
        for z in group.itertuples():
            style = theme.HAZARD_STYLE.get((z.kind, z.level), theme.HAZARD_STYLE["other"])
            name, source, crs = (safe.html_text(v) for v in (z.name, z.source, z.crs))
            folium.GeoJson(_feature(z.geometry, {"name": name}, gcj),
                           style_function=lambda f, s=style: {**s, "weight": 1},
                           tooltip=t("map.zone.tooltip", name=name, source_label=t("map.source"), source=source, crs=crs)).add_to(layer)
        layer.add_to(m)

    if len(points):
        layer = folium.FeatureGroup(name=t("map.layer_points"))
        lon, lat = (wgs84_to_gcj02(points["lon"], points["lat"]) if gcj else (points["lon"], points["lat"]))
        for x, y, screened in zip(np.asarray(lon), np.asarray(lat), points["screened"], strict=True):
            folium.CircleMarker([y, x], radius=2, weight=0, fill=True, fill_opacity=0.85,
                                fill_color=theme.SCREENED if screened else theme.UNSCREENED).add_to(layer)
        layer.add_to(m)

    folium.LayerControl(collapsed=False).add_to(m)
    if bounds is not None:
        minx, miny, maxx, maxy = _shift(bounds, gcj).bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    m.get_root().html.add_child(folium.Element(legend_html(tiles)))
    return m


def legend_html(tiles: str) -> str:
    crs = TILES[tiles][2] if tiles in TILES else "WGS-84"
    rows = [(theme.FLOOD_HIGH, t("map.legend_flood_high")), (theme.FLOOD_MEDIUM, t("map.legend_flood_medium")),
            (theme.OTHER_HAZARD, t("map.legend_other")), (theme.UNSCREENED, t("map.legend_unscreened")),
            (theme.SCREENED, t("map.legend_screened"))]
    items = "".join(f'<div><span style="display:inline-block;width:12px;height:12px;background:{c};'
                    f'margin-right:6px;border-radius:2px"></span>{label}</div>' for c, label in rows)
    return (f'<div style="position:fixed;bottom:26px;right:10px;z-index:9999;background:{theme.LEGEND_BACKGROUND};'
            f'padding:8px 10px;border:1px solid {theme.LEGEND_BORDER};border-radius:6px;font:13px sans-serif;line-height:1.6">'
            f'{items}<div style="color:{theme.LEGEND_NOTE};margin-top:4px">{t("map.legend_note", crs=crs)}</div></div>')


@lru_cache(maxsize=1)
def _leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from the installed XStatic package, images inlined as data URIs."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        path = base / match.group(1)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[^)]+\.png)\)", inline, css)
    return (base / "leaflet.js").read_text(encoding="utf-8"), css


def offline_html(m: folium.Map) -> str:
    """The map as one self-contained HTML page: no CDN, so it works on an intranet.

    Folium's default header pulls Leaflet, jQuery, Bootstrap and icon fonts from CDNs; the map
    draws only vectors and circle markers, which need Leaflet alone.
    """
    m.default_js, m.default_css = [], []
    html = m.get_root().render()
    js, css = _leaflet_assets()
    return html.replace("<head>", f"<head><style>{css}</style><script>{js}</script>", 1)


def geojson_sizes(html: str) -> dict[str, int]:
    """Counts used by tests: how many features and circle markers the HTML draws."""
    return {"features": html.count('"type": "Feature"') + html.count('"type":"Feature"'),
            "circles": html.count("L.circleMarker("), "cdn": len(re.findall(r"https://cdn|cdnjs|code\.jquery", html))}
