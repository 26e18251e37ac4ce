"""Spot-check figures: the error rate per checked village with its interval (plotly, pure)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import theme
from ui.text import t


def error_rate_figure(by_village: pd.DataFrame, overall: float | None) -> go.Figure:
    """Error rate per checked village (dot) with its Wilson 95 % interval (bar), worst on top.

    Villages are rows, not columns: sixty long village names cannot stand side by side on an
    axis, and a row per village lets the figure grow with the district instead of crowding.
    """
    shown = by_village.loc[by_village["checked"] > 0].sort_values(["error_rate", "village_code"],
                                                                   ascending=[True, False])
    # Codes on the axis and names as tick text: two villages of the same name must stay apart.
    codes = shown["village_code"].tolist()
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        y=codes, x=100 * shown["error_rate"], mode="markers", orientation="h",
        marker={"size": 9, "color": theme.ACTUAL},
        error_x={"type": "data", "symmetric": False, "array": 100 * (shown["high"] - shown["error_rate"]),
                 "arrayminus": 100 * (shown["error_rate"] - shown["low"]), "color": theme.EXPECTED, "thickness": 1.5},
        customdata=shown[["village_name", "errors", "checked"]].to_numpy(),
        hovertemplate=t("figures.error_rate_hover"),
        name=t("spot_checks.columns.error_rate")))
    if overall is not None:
        fig.add_vline(x=100 * overall, line_dash="dash", line_color=theme.REFERENCE,
                      annotation_text=t("spot_checks.chart_overall"), annotation_position="top right")
    fig.update_layout(
        height=max(260, 22 * len(codes) + 90), margin={"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=False,
        xaxis={"title": t("spot_checks.columns.error_rate"), "range": [-2, 102], "gridcolor": theme.GRID,
               "side": "top"},
        yaxis={"title": None, "tickmode": "array", "tickvals": codes,
               "ticktext": shown["village_name"].fillna("").tolist(), "categoryorder": "array",
               "categoryarray": codes, "type": "category"},
        font=theme.figure_font(13),
        plot_bgcolor=theme.BACKGROUND,
    )
    return fig
