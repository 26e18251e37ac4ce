"""Progress figures: the cumulative screening curve against the expected line (plotly, pure)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from paicha.calendar import is_workday
from ui.text import t

PALETTE = {"actual": "#c0392b", "expected": "#7f8c8d", "holiday": "rgba(127,140,141,0.15)"}


def rest_day_spans(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive non-working days between two dates, for shading."""
    spans, run = [], None
    day = start
    while day <= end:
        if not is_workday(day):
            run = (run[0], day) if run else (day, day)
        elif run:
            spans.append(run)
            run = None
        day += dt.timedelta(days=1)
    if run:
        spans.append(run)
    return spans


def cumulative_figure(curve: pd.DataFrame, start: dt.date, deadline: dt.date) -> go.Figure:
    """Cumulative screened households against the expected line, rest days shaded."""
    fig = go.Figure()
    end = max(deadline, curve["day"].max()) if not curve.empty else deadline
    for lo, hi in rest_day_spans(start, end):
        fig.add_vrect(x0=pd.Timestamp(lo) - pd.Timedelta(hours=12), x1=pd.Timestamp(hi) + pd.Timedelta(hours=12),
                      fillcolor=PALETTE["holiday"], line_width=0, layer="below")
    if not curve.empty:
        fig.add_trace(go.Scatter(x=curve["day"], y=curve["expected"], name=t("overview.curve_expected"),
                                 mode="lines", line={"color": PALETTE["expected"], "dash": "dash", "width": 2}))
        fig.add_trace(go.Scatter(x=curve["day"], y=curve["screened"], name=t("overview.curve_actual"),
                                 mode="lines+markers", line={"color": PALETTE["actual"], "width": 3}))
    fig.add_vline(x=pd.Timestamp(deadline).timestamp() * 1000, line_dash="dot", line_color="#34495e",
                  annotation_text=t("overview.curve_deadline"), annotation_position="top left")
    fig.update_layout(
        height=360, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        xaxis={"range": [pd.Timestamp(start) - pd.Timedelta(days=1), pd.Timestamp(end) + pd.Timedelta(days=1)],
               "tickformat": "%m-%d", "title": None},
        yaxis={"title": t("columns.screened"), "rangemode": "tozero"},
        font={"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 14},
        plot_bgcolor="white",
    )
    fig.update_yaxes(gridcolor="#ecf0f1")
    return fig
