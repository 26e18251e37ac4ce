"""Progress figures (plotly, pure): the cumulative curve, the villages' timeline, the village ×
working-day heatmap and the screener × village matrix; rest days shaded, holidays named.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from paicha.calendar import holiday_of, is_workday, makeup_workday_of, rest_runs
from paicha.vocab import Status
from ui import theme
from ui.safe import html_text
from ui.tables.formats import date_text
from ui.text import t

HALF_DAY = pd.Timedelta(hours=12)


def _labels(values) -> list[str]:
    """Names from files as plotly text: plotly reads a few HTML tags in labels, so every value is
    escaped (it shows the characters, never markup).
    """
    return [html_text(v) for v in values]


def rest_day_spans(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive non-working days between two dates, for shading."""
    return [(run.first, run.last) for run in rest_runs(start, end)]


# Shapes and their labels are collected as plain dicts and set in one layout update: plotly's
# add_vrect/add_vline validate and copy every shape already on the figure at each call, which
# made the decorations of one timeline cost more than its bars (19 of 37 ms per rerun).
Decorations = tuple[list[dict], list[dict]]


def rest_day_decorations(start: dt.date, end: dt.date) -> Decorations:
    """Shading for weekends and holidays on a date axis, and each holiday's name just above it."""
    shapes, notes = [], []
    for run in rest_runs(start, end):
        shapes.append({"type": "rect", "xref": "x", "yref": "y domain", "y0": 0, "y1": 1,
                       "x0": pd.Timestamp(run.first) - HALF_DAY, "x1": pd.Timestamp(run.last) + HALF_DAY,
                       "fillcolor": theme.HOLIDAY if run.holiday else theme.REST_DAY, "line": {"width": 0},
                       "layer": "below"})
        if run.holiday:
            middle = pd.Timestamp(run.first) + (pd.Timestamp(run.last) - pd.Timestamp(run.first)) / 2
            notes.append({"x": middle, "y": 1, "yref": "paper", "yanchor": "bottom", "yshift": 2,
                          "text": run.holiday.label, "showarrow": False,
                          "font": theme.figure_font(12) | {"color": theme.HOLIDAY_TEXT}})
    return shapes, notes


def day_mark(day: dt.date, text: str, colour: str, above: bool = True) -> Decorations:
    """A dotted line on a day, labelled above the plot (a row over the holiday names) or, with
    ``above`` False, inside it at the bottom (the as-of date, which may fall on a holiday).
    """
    x = pd.Timestamp(day)
    place = ({"y": 1, "yanchor": "bottom", "yshift": 20} if above
             else {"y": 0, "yanchor": "bottom", "xanchor": "left", "xshift": 3})
    line = {"type": "line", "xref": "x", "yref": "y domain", "x0": x.timestamp() * 1000,
            "x1": x.timestamp() * 1000, "y0": 0, "y1": 1, "line": {"dash": "dot", "color": colour}}
    note = {"x": x, "yref": "paper", "text": text, "showarrow": False,
            "font": theme.figure_font(12) | {"color": colour}, **place}
    return [line], [note]


def decorate(fig: go.Figure, *parts: Decorations) -> None:
    """Put the collected shapes and labels on the figure in one update (after any already there)."""
    shapes = [*fig.layout.shapes, *(shape for part in parts for shape in part[0])]
    notes = [*fig.layout.annotations, *(note for part in parts for note in part[1])]
    fig.update_layout(shapes=shapes, annotations=notes)


def cumulative_figure(curve: pd.DataFrame, start: dt.date, deadline: dt.date) -> go.Figure:
    """Cumulative screened households against the expected line, rest days shaded and named."""
    fig = go.Figure()
    end = max(deadline, curve["day"].max()) if not curve.empty else deadline
    if not curve.empty:
        fig.add_trace(go.Scatter(x=curve["day"], y=curve["expected"], name=t("overview.curve_expected"),
                                 mode="lines", line={"color": theme.EXPECTED, "dash": "dash", "width": 2}))
        fig.add_trace(go.Scatter(x=curve["day"], y=curve["screened"], name=t("overview.curve_actual"),
                                 mode="lines+markers", line={"color": theme.ACTUAL, "width": 3}))
    decorate(fig, rest_day_decorations(start, end), day_mark(deadline, t("overview.curve_deadline"), theme.REFERENCE))
    fig.update_layout(
        height=400, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
        xaxis={"range": [pd.Timestamp(start) - pd.Timedelta(days=1), pd.Timestamp(end) + pd.Timedelta(days=1)],
               "tickformat": "%m-%d", "title": None},
        yaxis={"title": t("columns.screened"), "rangemode": "tozero"},
        font=theme.figure_font(14),
        plot_bgcolor=theme.BACKGROUND,
    )
    fig.update_yaxes(gridcolor=theme.GRID)
    return fig


def timeline_figure(villages: pd.DataFrame, start: dt.date, latest_start: dt.date, deadline: dt.date,
                    as_of: dt.date) -> go.Figure:
    """A bar per village from its first to its last screening record as of the date (worst
    first, top down), coloured by status; the latest start date and the deadline marked.
    """
    fig = go.Figure()
    end = max(deadline, as_of)
    villages = villages.assign(label=_labels(villages["name"]))
    started = villages[villages["first_screened_on"].notna()]
    names = villages["label"].tolist()
    for status, group in started.groupby("status", sort=False):
        first = pd.to_datetime(group["first_screened_on"])
        last = pd.to_datetime(group["last_screened_on"])
        fig.add_trace(go.Bar(
            y=group["label"], base=first - HALF_DAY, x=(last - first + 2 * HALF_DAY).dt.total_seconds() * 1000,
            orientation="h", name=Status(status).label, marker_color=theme.STATUS_BARS[status],
            customdata=list(zip([date_text(d) for d in group["first_screened_on"]],
                                [date_text(d) for d in group["last_screened_on"]],
                                group["span_workdays"], group["screened_pct"], strict=True)),
            hovertemplate=t("villages.timeline_hover") + "<extra></extra>",
        ))
    waiting = villages[villages["first_screened_on"].isna()]
    if not waiting.empty:
        fig.add_trace(go.Scatter(
            y=waiting["label"], x=[pd.Timestamp(as_of)] * len(waiting), mode="markers+text",
            marker={"symbol": "x", "color": theme.STATUS_BARS["not_started"], "size": 10},
            text=[t("villages.timeline_not_started")] * len(waiting), textposition="middle right",
            name=Status.not_started.label, hoverinfo="skip"))
    decorate(fig, rest_day_decorations(start, end),
             day_mark(latest_start, t("villages.timeline_latest", day=date_text(latest_start)), theme.ACTUAL),
             day_mark(deadline, t("villages.timeline_deadline", day=date_text(deadline)), theme.REFERENCE),
             day_mark(as_of, t("villages.timeline_as_of", day=date_text(as_of)), theme.EXPECTED, above=False))
    fig.update_layout(
        barmode="overlay", height=max(300, 32 * len(names) + 160),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.06, "x": 0, "yanchor": "top"},
        xaxis={"type": "date", "range": [pd.Timestamp(start) - pd.Timedelta(days=1), pd.Timestamp(end) + pd.Timedelta(days=2)],
               "tickformat": "%m-%d", "dtick": 86_400_000 * 2, "title": None},
        yaxis={"categoryorder": "array", "categoryarray": names[::-1], "title": None, "automargin": True},
        font=theme.figure_font(13), plot_bgcolor=theme.BACKGROUND,
    )
    fig.update_xaxes(gridcolor=theme.GRID)
    return fig


def day_label(day: dt.date) -> str:
    """An axis label for a day: 09-14, with 调休 or the holiday's name where there is one."""
    if (holiday := holiday_of(day)) is not None:
        return f"{date_text(day)}<br>{holiday.label}"
    if makeup_workday_of(day) is not None:
        return f"{date_text(day)}<br>{t('villages.makeup_workday')}"
    return date_text(day) if is_workday(day) else f"{date_text(day)}<br>{t('villages.rest_day')}"


def activity_heatmap(activity: pd.DataFrame, villages: pd.DataFrame, start: dt.date, as_of: dt.date) -> go.Figure:
    """Screening records per village (rows, worst first) and day (columns): every working day of
    the campaign up to the date, and rest days only where somebody worked. Empty cells are days
    nobody screened: late starts, pauses and rushes show as gaps and dark cells.
    """
    days = [start + dt.timedelta(days=i) for i in range((as_of - start).days + 1)]
    worked = set(activity["day"]) if not activity.empty else set()
    columns = [d for d in days if is_workday(d) or d in worked]
    names = dict(zip(villages["code"], _labels(villages["name"]), strict=True))
    order = list(villages["code"])
    grid = (activity.pivot_table(index="village_code", columns="day", values="records", aggfunc="sum")
            if not activity.empty else pd.DataFrame())
    grid = grid.reindex(index=order, columns=columns)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(dtype=float), x=[day_label(d) for d in columns], y=[names[c] for c in order],
        colorscale=theme.HEATMAP_SCALE, hoverongaps=False, xgap=1, ygap=1,
        colorbar={"title": {"text": t("villages.heatmap_records")}, "thickness": 12},
        hovertemplate=t("villages.heatmap_hover") + "<extra></extra>",
    ))
    for i, day in enumerate(columns[:-1]):
        following = columns[i + 1]
        gap = {holiday_of(day + dt.timedelta(days=k)) for k in range(1, (following - day).days)} - {None}
        for holiday in gap:
            fig.add_vline(x=i + 0.5, line_color=theme.HOLIDAY_TEXT, line_dash="dash")
            fig.add_annotation(x=i + 0.5, y=1, yref="paper", yanchor="bottom", showarrow=False,
                               text=t("villages.heatmap_holiday", holiday=holiday.label),
                               font=theme.figure_font(12) | {"color": theme.HOLIDAY_TEXT})
    fig.update_layout(
        height=max(260, 30 * len(order) + 150), margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"type": "category", "tickangle": 0, "title": None},
        yaxis={"autorange": "reversed", "title": None, "automargin": True},
        font=theme.figure_font(12), plot_bgcolor=theme.BACKGROUND,
    )
    return fig


def screener_matrix_figure(matrix: pd.DataFrame, village_names: dict[str, str], screener_label) -> go.Figure:
    """Records per screener (rows) and village (columns), the count written in each cell: a
    village column with a single filled cell depends on one person.
    """
    if matrix.empty:
        return go.Figure()
    # Villages in the page's order (worst first), each screener under the village they work most
    # in: the matrix reads as blocks, and a block of one row is a village depending on one person.
    columns = [c for c in village_names if c in matrix.columns] + [c for c in matrix.columns if c not in village_names]
    matrix = matrix[columns]
    main = matrix.to_numpy().argmax(axis=1)
    matrix = matrix.iloc[sorted(range(len(matrix)), key=lambda i: (main[i], -int(matrix.iloc[i].sum())))]
    z = matrix.to_numpy(dtype=float, copy=True)
    z[z == 0] = float("nan")
    fig = go.Figure(go.Heatmap(
        z=z, x=_labels(village_names.get(c, c) for c in matrix.columns),
        y=_labels(screener_label(s) for s in matrix.index),
        colorscale=theme.HEATMAP_SCALE, hoverongaps=False, xgap=1, ygap=1, showscale=False,
        text=[[str(int(v)) if v else "" for v in row] for row in matrix.to_numpy()], texttemplate="%{text}",
        hovertemplate=t("villages.matrix_hover") + "<extra></extra>",
    ))
    fig.update_layout(
        height=max(240, 26 * len(matrix) + 140), margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"side": "top", "tickangle": -30, "title": None},
        yaxis={"autorange": "reversed", "title": None, "automargin": True},
        font=theme.figure_font(12), plot_bgcolor=theme.BACKGROUND,
    )
    return fig
