"""Colours and fonts of every chart, table and map: one palette, so one thing looks one way everywhere."""

from __future__ import annotations

# CJK first: Noto Sans CJK is what the server and the browser tests have, Microsoft YaHei what
# intranet Windows PCs have; without a CJK font plotly draws Chinese labels as boxes.
FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, sans-serif"

# Figure ink.
ACTUAL = "#c0392b"        # what was done: the screening curve, an error rate
EXPECTED = "#7f8c8d"      # the yardstick: the expected line, an interval's whiskers
REFERENCE = "#34495e"     # a line to read against: the deadline, the overall rate
GRID = "#ecf0f1"
BACKGROUND = "white"
REST_DAY = "rgba(127,140,141,0.15)"  # shading of weekends and holidays

# Cell colours of the traffic lights. Colour plus a word, never an emoji: intranet PCs often lack a
# colour-emoji font, and the word keeps the table readable when printed in grey.
LIGHT_COLOURS = {"green": "#d5f5e3", "amber": "#fdebd0", "red": "#f5b7b1", "grey": "#f2f3f4"}
STATUS_LIGHTS = {"done": "green", "on_track": "green", "lagging": "amber", "severely_lagging": "red",
                 "not_started": "red"}
VERDICT_LIGHTS = {"passed": "green", "failed": "red", "pending": "grey"}

# Map: households by whether they were reached, village outlines, hazard zones by kind and level.
SCREENED = "#1e8449"
UNSCREENED = ACTUAL
VILLAGE_LINE = "#566573"
VILLAGE_FILL = "#ffffff"
FLOOD_HIGH = "#2e86de"
FLOOD_MEDIUM = "#85c1e9"
OTHER_HAZARD = "#f5b041"
HAZARD_STYLE = {
    ("flood", "high"): {"color": "#1f4e9c", "fillColor": FLOOD_HIGH, "fillOpacity": 0.55},
    ("flood", "medium"): {"color": "#5dade2", "fillColor": FLOOD_MEDIUM, "fillOpacity": 0.4},
    "other": {"color": "#b9770e", "fillColor": OTHER_HAZARD, "fillOpacity": 0.25, "dashArray": "6 4"},
}
# Risk map (choropleth, hotspots). The sequential ramp is ColorBrewer YlOrRd with five classes:
# safe for the common colour-blindnesses and still ordered when printed in grey. Light is
# better, dark is worse, whatever the measure. Statuses use the Okabe–Ito colours, and the
# legend names each one, so no reader depends on telling two hues apart.
SEQUENTIAL = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NO_DATA = "#d9d9d9"
STATUS_COLOURS = {"done": "#0072b2", "on_track": "#56b4e9", "lagging": "#e69f00",
                  "severely_lagging": "#d55e00", "not_started": "#cc79a7"}
CHOROPLETH_OPACITY = 0.75
TOWN_LINE = "#1b2631"
SELECTED_LINE = "#00bcd4"
MAP_BACKGROUND = "#f4f6f7"
# Hazards draw over the fill as outlines and light washes, each kind in its own colour and dash.
HAZARD_KIND_STYLE = {
    "low_prices": {"color": "#762a83", "fillColor": "#762a83", "fillOpacity": 0.12, "dashArray": "8 4"},
    "construction_jobs": {"color": "#1b7837", "fillColor": "#1b7837", "fillOpacity": 0.12, "dashArray": "2 4"},
    "unstable_jobs": {"color": "#01665e", "fillColor": "#01665e", "fillOpacity": 0.12, "dashArray": "10 3 2 3"},
    "water_shortage": {"color": "#8c510a", "fillColor": "#8c510a", "fillOpacity": 0.12, "dashArray": "4 2"},
}
# Heat of at-risk households: blue to magenta, apart from the yellow–red fill beneath it.
HEAT_GRADIENT = {0.2: "#313695", 0.45: "#4575b4", 0.7: "#8e44ad", 0.9: "#c2185b", 1.0: "#880e4f"}
KEY_NOT_HOME = "#4a148c"      # key households not visited at home: markers and their clusters
KEY_NOT_HOME_TEXT = "#ffffff"
POINT_OUTLINE = "#ffffff"
LEGEND_TEXT = "#1b2631"
LEGEND_BACKGROUND = "rgba(255,255,255,.92)"
LEGEND_BORDER = "#bbb"
LEGEND_NOTE = "#666"


def background_css(light: str) -> str:
    """A table cell's style for one light (green, amber, red, grey)."""
    return f"background-color: {LIGHT_COLOURS[light]}"


def figure_font(size: int) -> dict[str, object]:
    return {"family": FONT_FAMILY, "size": size}
