"""Progress figures: the cumulative screening curve against the expected line (plotly, pure)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from paicha.calendar import is_workday
from ui import theme
from ui.text import t


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
                      fillcolor=theme.REST_DAY, line_width=0, layer="below")
    if not curve.empty:
        fig.add_trace(go.Scatter(x=curve["day"], y=curve["expected"], name=t("overview.curve_expected"),
                                 mode="lines", line={"color": theme.EXPECTED, "dash": "dash", "width": 2}))
        fig.add_trace(go.Scatter(x=curve["day"], y=curve["screened"], name=t("overview.curve_actual"),
                                 mode="lines+markers", line={"color": theme.ACTUAL, "width": 3}))
    fig.add_vline(x=pd.Timestamp(deadline).timestamp() * 1000, line_dash="dot", line_color=theme.REFERENCE,
                  annotation_text=t("overview.curve_deadline"), annotation_position="top left")
    fig.update_layout(
        height=360, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        xaxis={"range": [pd.Timestamp(start) - pd.Timedelta(days=1), pd.Timestamp(end) + pd.Timedelta(days=1)],
               "tickformat": "%m-%d", "title": None},
        yaxis={"title": t("columns.screened"), "rangemode": "tozero"},
        font=theme.figure_font(14),
        plot_bgcolor=theme.BACKGROUND,
    )
    fig.update_yaxes(gridcolor=theme.GRID)
    return fig
