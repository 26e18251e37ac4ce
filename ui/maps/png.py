"""The risk map as a slide-sized PNG for meetings, drawn server-side with matplotlib (no Streamlit, no browser).

matplotlib rather than headless Chromium: it is a package the project's set-up installs, needs
no browser on the server, draws in a fraction of a second, and the same code serves the
meeting pack. It draws what the page's map draws, from the same :class:`RiskView` and
:class:`MapChoice`: the measure's classes, town outlines, hazards, the heat (summed on
hexagons) and the key households, with title, legend, scale bar, data date, scope and the
schematic-boundary note.
"""

from __future__ import annotations

import io
import math
import textwrap
from functools import lru_cache

import numpy as np

from data_loaders.exposure import METRES_PER_DEGREE, RiskView
from paicha.vocab import HazardKind
from ui import theme
from ui.maps import geometry, legend
from ui.maps.builders import MapChoice, footer
from ui.maps.measures import MEASURES, classify
from ui.text import t

SLIDE_INCHES = (40 / 3, 7.5)  # 16:9, the size of a default presentation slide (2000 × 1125 at 150 dpi)
SCALE_STEPS_KM = (0.5, 1, 2, 5, 10, 20, 50, 100, 200)


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, ...]:
    """The theme's font families this server has (a CJK one first), asked of matplotlib once."""
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    names = [name.strip() for name in theme.FONT_FAMILY.split(",")]
    return tuple(n for n in names if n in have or n == "sans-serif")


def _scale_bar(ax, box: tuple[float, float, float, float]) -> None:
    """A bar of a round length, about a fifth of the map's width, in its lower left corner."""
    minx, miny, maxx, maxy = box
    per_degree_km = METRES_PER_DEGREE * math.cos(math.radians((miny + maxy) / 2)) / 1000
    width_km = (maxx - minx) * per_degree_km
    length = max([s for s in SCALE_STEPS_KM if s <= width_km / 5] or [SCALE_STEPS_KM[0]])
    x0, y0 = minx + (maxx - minx) * 0.04, miny + (maxy - miny) * 0.04
    x1 = x0 + length / per_degree_km
    ax.plot([x0, x1], [y0, y0], color=theme.LEGEND_TEXT, linewidth=3, solid_capstyle="butt")
    ax.text((x0 + x1) / 2, y0 + (maxy - miny) * 0.015, t("risk_map.scale_km", km=f"{length:g}"),
            ha="center", va="bottom", fontsize=9, color=theme.LEGEND_TEXT)


def _legend_panel(ax, shown: legend.Legend) -> None:
    ax.set_axis_off()
    y = 0.98
    for section in shown.sections:
        ax.text(0.0, y, section.title, fontsize=11, fontweight="bold", va="top", color=theme.LEGEND_TEXT)
        y -= 0.04
        if section.note:
            for line in textwrap.wrap(section.note, 30):
                ax.text(0.0, y, line, fontsize=8, va="top", color=theme.LEGEND_NOTE)
                y -= 0.028
        for swatch in section.swatches:
            lines = textwrap.wrap(swatch.label, 26) or [""]
            if swatch.shape == "line":
                ax.plot([0.0, 0.07], [y - 0.012] * 2, color=swatch.colour, linewidth=2, linestyle=(0, (4, 2)))
            elif swatch.shape == "dot":
                ax.scatter([0.035], [y - 0.012], s=40, color=swatch.colour, edgecolors=theme.POINT_OUTLINE)
            elif swatch.shape == "ramp":
                for i, colour in enumerate(swatch.ramp):
                    ax.add_patch(_rect(i * 0.07 / len(swatch.ramp), y - 0.024, 0.07 / len(swatch.ramp), colour, None))
            else:
                ax.add_patch(_rect(0.0, y - 0.024, 0.07, swatch.colour, theme.VILLAGE_LINE))
            for line in lines:
                ax.text(0.1, y, line, fontsize=8.5, va="top", color=theme.LEGEND_TEXT)
                y -= 0.027
            y -= 0.006
        y -= 0.02
    ax.set_xlim(0, 1)
    ax.set_ylim(min(y, 0), 1)


def _rect(x: float, y: float, w: float, colour: str, edge: str | None):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, 0.024, facecolor=colour, edgecolor=edge or colour, linewidth=0.5)


def map_png(view: RiskView, choice: MapChoice, *, title: str, scope: str,
            size: tuple[float, float] = SLIDE_INCHES, dpi: int = 150) -> bytes:
    """The map of ``view`` as the page draws it with ``choice``, as PNG bytes (2000 × 1125 px by default).

    ``title`` heads the slide, ``scope`` names what it covers (全区 or a town); the data date
    and the note that village areas are schematic are always printed.
    """
    import geopandas as gpd
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure

    villages = view.villages
    spec = MEASURES[choice.measure] if choice.measure is not None else None
    classes = classify(villages, spec) if spec is not None else None
    drawable, _ = geometry.drawable_zones(view.zones)
    shown = legend.build(spec, classes, drawable, view.kinds, view.heat if choice.heat else None, view.subjects,
                         view.key if choice.keys else None, footer(view, None))
    with rc_context({"font.family": list(_fonts()), "axes.unicode_minus": False}):
        fig = Figure(figsize=size, dpi=dpi, facecolor=theme.BACKGROUND)
        FigureCanvasAgg(fig)
        fig.text(0.02, 0.955, title, fontsize=20, fontweight="bold", color=theme.LEGEND_TEXT)
        fig.text(0.02, 0.915, t("risk_map.png_subtitle", scope=scope, as_of=view.as_of.isoformat()),
                 fontsize=12, color=theme.LEGEND_NOTE)
        ax = fig.add_axes((0.02, 0.07, 0.64, 0.83))
        ax.set_facecolor(theme.MAP_BACKGROUND)
        ax.set_xticks([])
        ax.set_yticks([])
        shapes = [geometry.shape(g) for g in villages["geometry"]] if "geometry" in villages else []
        fills = classes.fills if classes is not None else [theme.NO_DATA] * len(villages)
        areas = [(s, f) for s, f in zip(shapes, fills, strict=True) if s is not None]
        if areas:
            gpd.GeoSeries([s for s, _ in areas]).plot(
                ax=ax, color=[f for _, f in areas], edgecolor=theme.VILLAGE_LINE, linewidth=0.4,
                alpha=theme.CHOROPLETH_OPACITY if spec else 0.0)
            gpd.GeoSeries([s for s, _ in areas]).boundary.plot(ax=ax, color=theme.VILLAGE_LINE, linewidth=0.4)
        points = [(r.lon, r.lat, f) for r, s, f in zip(villages.itertuples(), shapes or [None] * len(villages), fills,
                                                       strict=True) if s is None and np.isfinite(r.lon or np.nan)]
        if points:
            ax.scatter([p[0] for p in points], [p[1] for p in points], s=120, c=[p[2] for p in points],
                       edgecolors=theme.VILLAGE_LINE)
        towns = geometry.town_outlines(villages)
        if towns:
            gpd.GeoSeries([s for _, _, s in towns]).boundary.plot(ax=ax, color=theme.TOWN_LINE, linewidth=1.6)
        for (kind, level), group in drawable.groupby(["kind", drawable["level"].fillna("")], sort=True):
            shapes = gpd.GeoSeries([geometry.shape(g) for g in group["geometry"]])
            if kind == HazardKind.flood.value:
                style = theme.HAZARD_STYLE.get((kind, level), theme.HAZARD_STYLE["other"])
                shapes.plot(ax=ax, color=style["fillColor"], alpha=style["fillOpacity"], linewidth=0)
            else:
                style = theme.HAZARD_KIND_STYLE.get(kind, theme.HAZARD_STYLE["other"])
                shapes.boundary.plot(ax=ax, color=style["color"], linewidth=1.6, linestyle=(0, (4, 2)))
        if choice.heat and view.heat.households:
            lon, lat = view.heat.lonlat()
            ramp = LinearSegmentedColormap.from_list("heat", list(theme.HEAT_GRADIENT.values()))
            ax.hexbin(lon, lat, C=view.heat.weight.astype(float), reduce_C_function=np.sum, gridsize=70,
                      cmap=ramp, mincnt=1, alpha=0.5 if spec else 0.7, linewidths=0)
        if choice.keys and not view.key.aggregated and view.key.located:
            ax.scatter(view.key.points["lon"], view.key.points["lat"], s=14, color=theme.KEY_NOT_HOME,
                       edgecolors=theme.POINT_OUTLINE, linewidths=0.5)
        elif choice.keys and view.key.aggregated:
            placed = villages.set_index("village_code").loc[view.key.per_village["village_code"]]
            ax.scatter(placed["lon"], placed["lat"], s=np.sqrt(view.key.per_village["key_not_home"]) * 12,
                       color=theme.KEY_NOT_HOME, alpha=0.8, edgecolors=theme.POINT_OUTLINE)
        ax.set_xlabel("")
        ax.set_ylabel("")
        box = geometry.extent(villages)
        if box is not None:
            pad_x, pad_y = (box[2] - box[0]) * 0.03 + 1e-4, (box[3] - box[1]) * 0.03 + 1e-4
            box = (box[0] - pad_x, box[1] - pad_y, box[2] + pad_x, box[3] + pad_y)
            ax.set_xlim(box[0], box[2])
            ax.set_ylim(box[1], box[3])
            ax.set_aspect(1 / math.cos(math.radians((box[1] + box[3]) / 2)))
            _scale_bar(ax, box)
        _legend_panel(fig.add_axes((0.69, 0.07, 0.30, 0.83)), shown)
        fig.text(0.02, 0.025, t("risk_map.png_footer", footer=shown.footer, scope=scope), fontsize=10,
                 color=theme.LEGEND_NOTE)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, facecolor=theme.BACKGROUND)
    return out.getvalue()
