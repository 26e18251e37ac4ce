"""Colours and fonts of every chart, table and map: one palette, so one thing looks one way everywhere."""

from __future__ import annotations

# CJK first: Noto Sans CJK is what the server and the browser tests have, Microsoft YaHei what
# intranet Windows PCs have; without a CJK font plotly draws Chinese labels as boxes.
FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, sans-serif"

# Printed documents (进展通报): the Chinese government-document fonts by name, as Word on the
# intranet's PCs has them; the PDF renderer maps them to Noto CJK (ui/documents/fonts.conf).
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
BODY_FONT = "仿宋"
# Pictures rendered on the server (matplotlib) need a CJK font installed there.
PRINT_FONTS = ("Noto Sans CJK SC", "Microsoft YaHei", "SimHei", "WenQuanYi Zen Hei", "DejaVu Sans")
PRINT_REST_DAY = "#ecf0f1"
TABLE_HEADER_FILL = "DDEBF7"
PRINT_RULE = "#999999"    # the printed tables' cell borders
PRINT_HEADER = "#DDEBF7"  # and their header shading  # Word table header shading (hex without #, as Word stores it)

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
    ("flood", "高"): {"color": "#1f4e9c", "fillColor": FLOOD_HIGH, "fillOpacity": 0.55},
    ("flood", "中"): {"color": "#5dade2", "fillColor": FLOOD_MEDIUM, "fillOpacity": 0.4},
    "other": {"color": "#b9770e", "fillColor": OTHER_HAZARD, "fillOpacity": 0.25, "dashArray": "6 4"},
}
LEGEND_BACKGROUND = "rgba(255,255,255,.92)"
LEGEND_BORDER = "#bbb"
LEGEND_NOTE = "#666"


def background_css(light: str) -> str:
    """A table cell's style for one light (green, amber, red, grey)."""
    return f"background-color: {LIGHT_COLOURS[light]}"


def figure_font(size: int) -> dict[str, object]:
    return {"family": FONT_FAMILY, "size": size}
