"""Risk display frames: every village's map figures worst first, and the hazard layers' sources."""

from __future__ import annotations

import pandas as pd

from paicha.vocab import HazardKind, HazardLevel, MapMeasure, Status
from ui.maps.measures import MEASURES, MeasureSpec, worst_first
from ui.text import t

TABLE_COLUMNS = ["town_name", "village_name", "households", "screened", "screened_pct", "lag", "status",
                 "key_households", "key_not_home", "exposed", "exposed_unscreened", "exposed_key_not_home", "should_monitor"]


def _hazard_cells(zones: pd.DataFrame) -> dict[str, str]:
    cells: dict[str, list[str]] = {}
    for zone in zones[zones["village_code"].notna()].sort_values(["kind", "zone_id"]).itertuples():
        text = HazardKind(zone.kind).label
        if isinstance(zone.indicator_name, str) and pd.notna(zone.indicator):
            text = t("risk_map.tip_indicator", kind=text, name=zone.indicator_name, value=f"{float(zone.indicator):g}")
        elif isinstance(zone.level, str) and zone.level:
            text += t("risk_map.tip_level", level=HazardLevel(zone.level).label)
        cells.setdefault(zone.village_code, [])
        if text not in cells[zone.village_code]:
            cells[zone.village_code].append(text)
    return {code: t("risk_map.join").join(texts) for code, texts in cells.items()}


def column_header(column: str) -> str:
    """A measure's own label where the column is a map measure, the catalogue's header otherwise."""
    try:
        return MapMeasure(column).label
    except ValueError:
        return t(f"risk_map.columns.{column}")


def village_table(villages: pd.DataFrame, zones: pd.DataFrame, spec: MeasureSpec | None) -> pd.DataFrame:
    """The map's figures per village, worst first by the chosen measure (by lag without one)."""
    ordered = worst_first(villages, spec or MEASURES[MapMeasure.lag])
    frame = pd.DataFrame({column_header(c): ordered[c].to_numpy() for c in TABLE_COLUMNS})
    status = column_header("status")
    frame[status] = [Status(s).label if isinstance(s, str) else "" for s in frame[status]]
    frame[t("risk_map.columns.hazards")] = ordered["village_code"].map(_hazard_cells(zones)).fillna("").to_numpy()
    return frame


def source_table(zones: pd.DataFrame) -> pd.DataFrame:
    """One row per hazard kind and indicator: zones, the indicator's range, sources and dates."""
    rows = []
    for (kind, name), group in zones.assign(indicator_name=zones["indicator_name"].fillna("")).groupby(
            ["kind", "indicator_name"], sort=False):
        values = group["indicator"].dropna()
        rows.append({
            t("risk_map.columns.kind"): HazardKind(kind).label,
            t("risk_map.columns.zones"): len(group),
            t("risk_map.columns.indicator"): (f"{name} {values.min():g}–{values.max():g}" if len(values) else name),
            t("risk_map.columns.source"): t("risk_map.join").join(sorted({str(s) for s in group["source"].dropna()})),
            t("risk_map.columns.observed_on"): t("risk_map.join").join(
                sorted({d.isoformat() for d in group["observed_on"].dropna()})),
        })
    return pd.DataFrame(rows)
