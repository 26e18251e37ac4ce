"""Pictures for printed documents (matplotlib, rendered on the server): the cumulative curve."""

from __future__ import annotations

import datetime as dt
import io

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from paicha.text import t
from ui import theme
from ui.figures.progress import rest_day_spans


def _style() -> dict:
    return {"font.family": "sans-serif", "font.sans-serif": list(theme.PRINT_FONTS), "axes.unicode_minus": False}


def curve_png(curve: pd.DataFrame, start: dt.date, deadline: dt.date, width_cm: float = 16.0) -> bytes:
    """The cumulative screened households against the expected line, rest days shaded, as a PNG
    at print resolution (the same figures as the overview's chart).
    """
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(width_cm / 2.54, width_cm / 2.54 * 0.5), dpi=200)
        end = max(deadline, curve["day"].max()) if not curve.empty else deadline
        for lo, hi in rest_day_spans(start, end):
            ax.axvspan(pd.Timestamp(lo) - pd.Timedelta(hours=12), pd.Timestamp(hi) + pd.Timedelta(hours=12),
                       color=theme.PRINT_REST_DAY, lw=0)
        if not curve.empty:
            days = pd.to_datetime(curve["day"])
            ax.plot(days, curve["expected"], color=theme.EXPECTED, ls="--", lw=1.5, label=t("overview.curve_expected"))
            ax.plot(days, curve["screened"], color=theme.ACTUAL, lw=2.2, marker="o", ms=3,
                    label=t("overview.curve_actual"))
        ax.axvline(pd.Timestamp(deadline), color=theme.REFERENCE, ls=":", lw=1.2)
        ax.annotate(t("overview.curve_deadline"), (pd.Timestamp(deadline), 1), xycoords=("data", "axes fraction"),
                    xytext=(-4, -12), textcoords="offset points", ha="right", fontsize=8, color=theme.REFERENCE)
        ax.set_xlim(pd.Timestamp(start) - pd.Timedelta(days=1), pd.Timestamp(end) + pd.Timedelta(days=1))
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.tick_params(labelsize=8)
        ax.grid(axis="y", color=theme.GRID)
        ax.spines[["top", "right"]].set_visible(False)
        if ax.get_legend_handles_labels()[0]:  # before the first record there is no curve to name
            ax.legend(fontsize=8, frameon=False, loc="upper left")
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        plt.close(fig)
    return out.getvalue()
