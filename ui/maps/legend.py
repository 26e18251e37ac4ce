"""One legend for the map and its PNG: the measure's classes and how they were made, every hazard shown with its indicator, source and date, what the heat and markers stand for."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_loaders.exposure import KeyPoints, PointSet
from paicha.vocab import HazardKind, HazardLevel, HeatSubject
from ui import safe, theme
from ui.maps.measures import Classes, MeasureSpec
from ui.text import t


@dataclass(frozen=True)
class Swatch:
    """One legend line: ``shape`` is fill (an area), line (an outline, with ``dash``), dot or ramp."""

    colour: str
    label: str
    shape: str = "fill"
    dash: str | None = None
    ramp: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    swatches: list[Swatch]
    note: str = ""


@dataclass(frozen=True)
class Legend:
    sections: list[Section] = field(default_factory=list)
    footer: str = ""


def _range(values: pd.Series) -> str:
    values = values.dropna()
    if values.empty:
        return ""
    low, high = values.min(), values.max()
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def hazard_section(zones: pd.DataFrame, kinds: tuple[str, ...]) -> Section | None:
    """Every kind shown, with what its indicator is and where it comes from (values from files)."""
    swatches = []
    for kind in HazardKind:
        if kind.value not in kinds:
            continue
        of_kind = zones[zones["kind"] == kind.value]
        if of_kind.empty:
            continue
        sources = t("risk_map.join").join(sorted({str(s) for s in of_kind["source"].dropna()}))
        dates = t("risk_map.join").join(sorted({d.isoformat() for d in of_kind["observed_on"].dropna()}))
        detail = t("risk_map.legend_source", source=sources or "—", date=dates or "—")
        if kind is HazardKind.flood:
            for level, style in theme.HAZARD_STYLE.items():
                if isinstance(level, tuple) and (of_kind["level"] == level[1]).any():
                    swatches.append(Swatch(style["fillColor"], t("risk_map.legend_flood", level=HazardLevel(level[1]).label,
                                                                  detail=detail)))
            continue
        style = theme.HAZARD_KIND_STYLE[kind.value]
        indicators = [t("risk_map.legend_indicator", name=name, range=_range(group["indicator"]))
                      for name, group in of_kind.groupby("indicator_name", sort=True)]
        label = t("risk_map.legend_hazard", kind=kind.label, villages=len(of_kind),
                  indicator=t("risk_map.join_clauses").join(indicators) or t("risk_map.no_indicator"), detail=detail)
        swatches.append(Swatch(style["color"], label, "line", style["dashArray"]))
    return Section(t("risk_map.legend_hazards"), swatches) if swatches else None


def heat_section(heat: PointSet, subjects: tuple[str, ...]) -> Section:
    what = t("risk_map.join").join(HeatSubject(s).label for s in subjects)
    if heat.aggregated:
        drawn = t("risk_map.heat_grid", n=f"{heat.households:,}", metres=f"{heat.cell_metres:,.0f}")
    else:
        drawn = t("risk_map.heat_points", n=f"{heat.households:,}")
    note = t("risk_map.unlocated", n=f"{heat.unlocated:,}") if heat.unlocated else ""
    ramp = tuple(theme.HEAT_GRADIENT.values())
    return Section(t("risk_map.legend_heat", what=what), [Swatch(ramp[-1], drawn, "ramp", ramp=ramp)], note)


def key_section(key: KeyPoints) -> Section:
    if key.aggregated:
        drawn = t("risk_map.key_by_village", n=f"{key.total:,}")
    else:
        drawn = t("risk_map.key_points", n=f"{key.located:,}")
    unlocated = key.total - key.located if not key.aggregated else 0
    note = t("risk_map.unlocated", n=f"{unlocated:,}") if unlocated > 0 else ""
    return Section(t("risk_map.legend_key"), [Swatch(theme.KEY_NOT_HOME, drawn, "dot")], note)


def build(spec: MeasureSpec | None, classes: Classes | None, zones: pd.DataFrame, kinds: tuple[str, ...],
          heat: PointSet | None, subjects: tuple[str, ...], key: KeyPoints | None, footer: str) -> Legend:
    sections = []
    if spec is not None and classes is not None:
        sections.append(Section(spec.label, [Swatch(e.colour, e.label) for e in classes.entries], classes.method))
    hazards = hazard_section(zones, kinds)
    if hazards:
        sections.append(hazards)
    if heat is not None:
        sections.append(heat_section(heat, subjects))
    if key is not None:
        sections.append(key_section(key))
    return Legend(sections, footer)


def _swatch_html(s: Swatch) -> str:
    box = "display:inline-block;width:14px;height:12px;margin-right:6px;vertical-align:middle;"
    if s.shape == "line":
        style = f"{box}border:2px dashed {s.colour};background:transparent"
    elif s.shape == "dot":
        style = f"{box}width:10px;height:10px;border-radius:50%;background:{s.colour}"
    elif s.shape == "ramp":
        style = f"{box}width:40px;background:linear-gradient(to right,{','.join(s.ramp)})"
    else:
        style = f"{box}background:{s.colour};border:1px solid {theme.VILLAGE_LINE}"
    return f'<div><span style="{style}"></span>{safe.html_text(s.label)}</div>'


def html(legend: Legend) -> str:
    """The legend as a Leaflet control's HTML; every label escaped (sources and names come from files)."""
    parts = []
    for section in legend.sections:
        note = (f'<div style="color:{theme.LEGEND_NOTE};font-size:11px">{safe.html_text(section.note)}</div>'
                if section.note else "")
        parts.append(f'<div style="margin-top:4px"><b>{safe.html_text(section.title)}</b>{note}'
                     f'{"".join(_swatch_html(s) for s in section.swatches)}</div>')
    footer = f'<div style="color:{theme.LEGEND_NOTE};margin-top:4px">{safe.html_text(legend.footer)}</div>'
    return (f'<div style="background:{theme.LEGEND_BACKGROUND};color:{theme.LEGEND_TEXT};padding:6px 10px;'
            f'border:1px solid {theme.LEGEND_BORDER};border-radius:6px;font:11px sans-serif;line-height:1.45;'
            f'max-width:340px;max-height:300px;overflow:auto">{"".join(parts)}{footer}</div>')
