"""The risk map as a folium object: choropleth villages, town outlines, hazard layers, heat and clustered key households, legend.

Data in (a :class:`data_loaders.exposure.RiskView`), map out; no Streamlit. Each layer is one
Leaflet call over one JSON payload (``paicha_map.js`` draws it), so the page's size follows the
villages and the cap on points, not the households: households travel as base64 arrays of
two-byte positions. Every value that came from a file is escaped (``ui.safe.html_text``) before
it enters a tooltip or popup, and the payloads are written so that no ``</script`` can occur.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd
from folium.map import Layer
from jinja2 import Template
from shapely.geometry import Point, mapping
from shapely.geometry import box as box_shape

from data_loaders.exposure import EXACT_STEPS, KeyPoints, PointSet, RiskView
from paicha.geo import wgs84_to_gcj02
from paicha.vocab import HazardKind, HazardLevel, KeyGroup, MapMeasure, Status
from ui import safe, theme
from ui.maps import assets, geometry, legend
from ui.maps.measures import MEASURES, classify
from ui.maps.tiles import TileSource
from ui.text import t

DEFAULT_CENTRE = (41.0, 122.95)
MAX_ZOOM = 18
# The heat layer's cells are a few pixels: at a district's zoom about this many across it, and
# from this zoom on every household counts in full.
HEAT_CELLS = 55
HEAT_FULL_ZOOM = 12
LEFT_PANEL_PX = 330


@dataclass(frozen=True)
class MapChoice:
    """What the user chose to see: the fill measure (None: outlines only), hazard kinds, heat, key households, tiles."""

    measure: MapMeasure | None = MapMeasure.lag
    heat: bool = True
    keys: bool = True
    tiles: TileSource | None = None


def payload_json(value: object) -> str:
    """JSON for inside a <script>: no "</" can close it, whatever a value holds."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


class PaichaLayer(Layer):
    """A layer drawn by one ``paichaMap.<function>(payload)`` call, listed in the layer control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = paichaMap.{{ this.function }}({{ this._parent.get_name() }}, {{ this.payload }});
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
    """)

    def __init__(self, function: str, payload: dict, name: str, show: bool = True, overlay: bool = True):
        super().__init__(name=name, overlay=overlay, control=True, show=show)
        self._name = "PaichaLayer"
        self.function = function
        self.payload = payload_json(payload)


class LegendControl(folium.MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        paichaMap.legend({{ this._parent.get_name() }}, {{ this.payload }});
        {% endmacro %}
    """)

    def __init__(self, html: str):
        super().__init__()
        self._name = "LegendControl"
        self.payload = payload_json({"html": html})


class Background(folium.MacroElement):
    """The plain background vectors are drawn on when no tiles are chosen."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>.leaflet-container { background: {{ this.colour }}; }</style>
        {% endmacro %}
    """)

    def __init__(self, colour: str):
        super().__init__()
        self.colour = colour


def _b64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def encode_positions(lon: np.ndarray, lat: np.ndarray, steps: int = EXACT_STEPS,
                     weight: np.ndarray | None = None) -> dict:
    """Positions as one compact set: two-byte grid indices over their box, four-byte weights."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if not len(lon):
        return {"b": [0, 0, 0, 0], "n": steps, "x": "", "y": "", "w": ""}
    minx, miny = float(lon.min()), float(lat.min())
    span_x, span_y = max(float(lon.max()) - minx, 1e-6), max(float(lat.max()) - miny, 1e-6)
    # Index of the cell whose centre is nearest: decoding adds half a cell back.
    qx = np.clip(np.floor((lon - minx) / span_x * steps), 0, steps - 1)
    qy = np.clip(np.floor((lat - miny) / span_y * steps), 0, steps - 1)
    weights = np.ones(len(lon)) if weight is None else weight
    return {"b": [minx, miny, minx + span_x, miny + span_y], "n": steps, "x": _b64(qx, "<u2"),
            "y": _b64(qy, "<u2"), "w": _b64(weights, "<u4")}


def _lonlat(lon, lat, gcj: bool) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if gcj and len(lon):
        shifted = wgs84_to_gcj02(lon, lat)
        return np.asarray(shifted[0], float), np.asarray(shifted[1], float)
    return lon, lat


def _number(value: object, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    return f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,}"


def village_tooltip(row, hazards: list[str]) -> str:
    """The figures of one village, as HTML with its names escaped."""
    status = Status(row.status).label if isinstance(row.status, str) else "—"
    lines = [
        t("risk_map.tip_title", name=safe.html_text(row.village_name), town=safe.html_text(row.town_name)),
        t("risk_map.tip_progress", households=_number(row.households), screened=_number(row.screened),
          pct=_number(row.screened_pct, 1)),
        t("risk_map.tip_lag", lag=_number(row.lag, 1), status=status),
        t("risk_map.tip_key", n=_number(row.key_not_home), of=_number(row.key_households)),
        t("risk_map.tip_exposed", n=_number(row.exposed), unscreened=_number(row.exposed_unscreened)),
        t("risk_map.tip_should_monitor", n=_number(row.should_monitor)),
        *hazards,
    ]
    return "<br>".join(lines)


def _zone_line(zone) -> str:
    kind = HazardKind(zone.kind).label
    if isinstance(zone.indicator_name, str) and pd.notna(zone.indicator):
        return t("risk_map.tip_indicator", kind=kind, name=safe.html_text(zone.indicator_name),
                 value=f"{float(zone.indicator):g}")
    return kind


def level_label(code: str) -> str:
    """高/中/低 for a stored level code; a value an older store kept as it was, escaped as it is."""
    try:
        return HazardLevel(code).label
    except ValueError:
        return safe.html_text(code)


def zone_tooltip(zone) -> str:
    level = t("risk_map.tip_level", level=level_label(zone.level)) if isinstance(zone.level, str) and zone.level else ""
    date = zone.observed_on.isoformat() if hasattr(zone.observed_on, "isoformat") else "—"
    return "<br>".join([
        f"<b>{safe.html_text(zone.name)}</b>{level}",
        _zone_line(zone),
        t("risk_map.tip_source", source=safe.html_text(zone.source), date=date, crs=safe.html_text(zone.crs)),
    ])


def _village_features(villages: pd.DataFrame, fills: list[str], zones: pd.DataFrame, gcj: bool) -> tuple[list, int]:
    """A feature per village: its area where known, else its households' mean position."""
    lines: dict[str, list[str]] = {}
    for zone in zones[zones["village_code"].notna() & (zones["kind"] != HazardKind.flood.value)].itertuples():
        lines.setdefault(zone.village_code, []).append(_zone_line(zone))
    features, unplaced = [], 0
    for row, fill in zip(villages.itertuples(index=False), fills, strict=True):
        shape = geometry.shape(row.geometry)
        if shape is not None:
            geom = geometry.compact(shape, gcj)
        elif pd.notna(row.lon) and pd.notna(row.lat):
            geom = mapping(geometry.shift(Point(row.lon, row.lat), gcj))
        else:
            unplaced += 1
            continue
        features.append({"type": "Feature", "geometry": geom, "properties": {
            "code": row.village_code, "fill": fill, "tip": village_tooltip(row, lines.get(row.village_code, []))}})
    return features, unplaced


def _hazard_features(zones: pd.DataFrame, gcj: bool) -> dict[str, list]:
    by_kind: dict[str, list] = {}
    for zone in zones.itertuples(index=False):
        shape = geometry.shape(zone.geometry)
        if shape is None:
            continue
        if zone.kind == HazardKind.flood.value:
            style = theme.HAZARD_STYLE.get((zone.kind, zone.level), theme.HAZARD_STYLE["other"])
        else:
            style = theme.HAZARD_KIND_STYLE.get(zone.kind, theme.HAZARD_STYLE["other"])
        by_kind.setdefault(zone.kind, []).append({"type": "Feature", "geometry": geometry.compact(shape, gcj),
                                                  "properties": {"style": {**style, "weight": 2},
                                                                 "tip": zone_tooltip(zone)}})
    return by_kind


def heat_payload(heat: PointSet, gcj: bool) -> dict:
    lon, lat = _lonlat(*heat.lonlat(), gcj)
    return {"points": encode_positions(lon, lat, heat.steps, heat.weight), "max": heat_ceiling(heat),
            "radius": 16 if heat.aggregated else 12, "blur": 18 if heat.aggregated else 14, "maxZoom": HEAT_FULL_ZOOM,
            "gradient": {str(k): v for k, v in theme.HEAT_GRADIENT.items()}}


def heat_ceiling(heat: PointSet, cells: int = HEAT_CELLS) -> float:
    """Households per heat cell at which the colour is full, so that only the densest tenth of
    the area saturates at the district's zoom: the count per cell of a ``cells`` × ``cells``
    grid over the drawn area (about the heat layer's own cells there), 90th percentile.
    """
    if not len(heat.weight):
        return 1.0
    scale = max(heat.steps // cells, 1)
    grid = pd.DataFrame({"x": heat.x // scale, "y": heat.y // scale, "w": heat.weight}).groupby(["x", "y"])["w"].sum()
    return max(float(np.quantile(grid.to_numpy(float), 0.9)), 1.0)


def keys_payload(key: KeyPoints, villages: pd.DataFrame, link: str, gcj: bool) -> dict:
    """The key households not visited at home: masked rows in one set, or counts per village."""
    names = dict(zip(villages["village_code"], villages["village_name"], strict=True))
    common = {"colour": theme.KEY_NOT_HOME, "text": theme.KEY_NOT_HOME_TEXT, "outline": theme.POINT_OUTLINE}
    if key.aggregated:
        places = villages.set_index("village_code")
        counts = []
        for row in key.per_village.itertuples(index=False):
            place = places.loc[row.village_code]
            shape = geometry.shape(place["geometry"])
            point = shape.representative_point() if shape is not None else (
                Point(place["lon"], place["lat"]) if pd.notna(place["lon"]) else None)
            if point is None:
                continue
            x, y = _lonlat([point.x], [point.y], gcj)
            popup = (f"<b>{safe.html_text(names[row.village_code])}</b><br>"
                     f"{t('risk_map.key_count_popup', n=int(row.key_not_home))}<br>"
                     f'<a href="{safe.html_text(link + row.village_code)}" target="_blank" rel="noopener">'
                     f"{t('risk_map.open_list')}</a>")
            counts.append({"lat": float(y[0]), "lng": float(x[0]), "n": int(row.key_not_home), "popup": popup})
        return {**common, "points": None, "counts": counts}
    points = key.points
    codes = sorted(set(points["village_code"]))
    index = {c: i for i, c in enumerate(codes)}
    lon, lat = _lonlat(points["lon"], points["lat"], gcj)
    return {**common, "points": encode_positions(lon, lat),
            "ids": [safe.html_text(v) for v in points["household_id"]],
            "names": [safe.html_text(v) if isinstance(v, str) else "" for v in points["head_name"]],
            "groups": [int(g) for g in points["groups"]],
            "village": [index[c] for c in points["village_code"]],
            "villageCodes": codes, "villageNames": [safe.html_text(names.get(c, c)) for c in codes],
            "groupLabels": [g.label for g in KeyGroup], "link": safe.html_text(link),
            "title": t("risk_map.key_popup_title"),
            "labels": {"id": t("risk_map.popup_id"), "head": t("risk_map.popup_head"),
                       "village": t("risk_map.popup_village"), "groups": t("risk_map.popup_groups"),
                       "join": t("risk_map.join"), "link": t("risk_map.open_list")}}


@dataclass(frozen=True)
class BuiltMap:
    """The folium map and what the page says about it (villages that could not be placed)."""

    map: folium.Map
    legend: legend.Legend
    unplaced_villages: int
    zones_without_shape: int
    drawn: str  # what the heat and the markers stand for: households one by one, or summed


def drawn_sentence(view: RiskView, choice: MapChoice) -> str:
    heat = legend.heat_section(view.heat, view.subjects).swatches[0].label if choice.heat else t(
        "risk_map.drawn_heat_off")
    key = legend.key_section(view.key).swatches[0].label if choice.keys else t("risk_map.drawn_key_off")
    return t("risk_map.drawn", heat=heat, households=key)


def footer(view: RiskView, tiles: TileSource | None) -> str:
    crs = tiles.crs if tiles is not None else "WGS-84"
    return t("risk_map.legend_footer", as_of=view.as_of.isoformat(), crs=crs)


def risk_map(view: RiskView, choice: MapChoice, link: str = "households?list=key_not_home&village=") -> BuiltMap:
    """The risk map of a view: each part a layer of its own, switchable in the layer control.

    ``link`` is the households page's address for a village's list, without the village code.
    """
    gcj = choice.tiles is not None and choice.tiles.gcj
    villages = view.villages
    box = geometry.extent(villages)
    centre = DEFAULT_CENTRE if box is None else ((box[1] + box[3]) / 2, (box[0] + box[2]) / 2)
    m = folium.Map(location=list(centre), zoom_start=11, tiles=None, control_scale=True,
                   prefer_canvas=False)
    # Without tiles nothing tells Leaflet how far it may zoom, and marker clusters need to know.
    m.options["max_zoom"] = MAX_ZOOM
    m.add_child(Background(theme.MAP_BACKGROUND))
    if choice.tiles is not None:
        folium.TileLayer(choice.tiles.url, attr=choice.tiles.attribution or " ", name=t("risk_map.layer_tiles"),
                         overlay=False, control=False).add_to(m)

    spec = MEASURES[choice.measure] if choice.measure is not None else None
    classes = classify(villages, spec) if spec is not None else None
    fills = classes.fills if classes is not None else [theme.NO_DATA] * len(villages)
    features, unplaced = _village_features(villages, fills, view.zones, gcj)
    name = t("risk_map.layer_villages", measure=spec.label) if spec else t("risk_map.layer_village_lines")
    PaichaLayer("villages", {"features": features, "line": theme.VILLAGE_LINE, "selectedLine": theme.SELECTED_LINE,
                             "opacity": theme.CHOROPLETH_OPACITY if spec else 0.0, "pointRadius": 9},
                name).add_to(m)
    towns = [{"type": "Feature", "geometry": geometry.compact(shape, gcj), "properties": {"code": code}}
             for code, _, shape in geometry.town_outlines(villages)]
    if towns:
        PaichaLayer("outlines", {"features": towns, "line": theme.TOWN_LINE}, t("risk_map.layer_towns")).add_to(m)

    drawable, without_shape = geometry.drawable_zones(view.zones)
    for kind, feats in sorted(_hazard_features(drawable, gcj).items(), key=lambda kv: list(HazardKind).index(kv[0])):
        PaichaLayer("hazards", {"features": feats}, HazardKind(kind).label).add_to(m)
    if choice.heat:
        PaichaLayer("heat", heat_payload(view.heat, gcj), t("risk_map.layer_heat")).add_to(m)
    if choice.keys:
        PaichaLayer("keys", keys_payload(view.key, villages, link, gcj), t("risk_map.layer_key")).add_to(m)

    shown = legend.build(spec, classes, drawable, view.kinds, view.heat if choice.heat else None, view.subjects,
                         view.key if choice.keys else None, footer(view, choice.tiles))
    m.add_child(LegendControl(legend.html(shown)))
    folium.LayerControl(collapsed=False, position="topleft").add_to(m)
    if box is not None:
        minx, miny, maxx, maxy = geometry.shift(box_shape(*box), gcj).bounds
        # The layer list and the legend sit on the left: the area is fitted to the right of them.
        m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(LEFT_PANEL_PX, 10), padding_bottom_right=(10, 10))
    return BuiltMap(m, shown, unplaced, without_shape, drawn_sentence(view, choice))


def served(m: folium.Map, base_path: str = "") -> folium.Map:
    """The map loading Leaflet and its plugins from the app's ``/map-assets/`` route."""
    m.default_js, m.default_css = assets.urls(base_path)
    return m


def offline_html(m: folium.Map) -> str:
    """The map as one self-contained HTML page, every asset inlined: it works from a file, offline.

    Folium's default header pulls Leaflet, jQuery, Bootstrap and icon fonts from CDNs; none of
    them is used here.
    """
    m.default_js, m.default_css = [], []
    html = m.get_root().render()
    return html.replace("<head>", f"<head>{assets.inline_head()}", 1)
