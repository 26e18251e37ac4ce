"""Progress display frames (town lights, village progress, the lagging, deadline cards): pure, no Streamlit."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pandas.io.formats.style import Styler

from paicha.calendar import covered_range
from paicha.progress import DeadlineState
from paicha.vocab import Light, Status
from ui import theme
from ui.safe import escape as safe_text
from ui.tables.formats import date_text
from ui.text import joined, t


def status_label(code: str) -> str:
    return Status(code).label


def finish_text(day: object, beyond_calendar: object) -> str:
    """A projected finish as shown: its date, "past the calendar", or "cannot be projected"."""
    if bool(beyond_calendar) and not pd.isna(beyond_calendar):
        return t("status.beyond_calendar", year=covered_range()[1].year)
    return date_text(day) or t("status.no_projection")


def finish_texts(frame: pd.DataFrame) -> list[str]:
    return [finish_text(d, b) for d, b in zip(frame["projected_finish"], frame["finish_beyond_calendar"], strict=True)]


def town_lights_table(lights: pd.DataFrame) -> Styler:
    """One row per town with its four lights (coloured cells) and the figures behind them."""
    light_cols = {
        t("columns.plan_training"): ("deadline", lights["plan_training"], [date_text(d) for d in lights["plan_training_on"]]),
        t("columns.screening"): ("pace", lights["screening"], [
            t("overview.pace_detail", done=f"{p:.1f}", expected=f"{e:.1f}")
            for p, e in zip(lights["screened_pct"], lights["expected_pct"], strict=True)]),
        t("columns.finish"): ("finish", lights["finish"], finish_texts(lights)),
        t("columns.report"): ("deadline", lights["report"], [date_text(d) for d in lights["report_on"]]),
    }
    shown = pd.DataFrame({t("columns.town"): lights["town_name"].to_numpy()})
    colours = pd.DataFrame({t("columns.town"): [""] * len(lights)})
    for header, (kind, codes, details) in light_cols.items():
        shown[header] = [f"{Light(c).word(kind)} {d}".strip() for c, d in zip(codes, details, strict=True)]
        colours[header] = [theme.background_css(c) for c in codes]
    return shown.style.apply(lambda _: colours, axis=None)


def villages_table(progress: pd.DataFrame, town_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Village progress rows with Chinese headers (the unit's town first when known)."""
    out = pd.DataFrame()
    if town_names is not None:
        out[t("columns.town")] = progress["parent_code"].map(town_names)
    out[t("columns.village")] = progress["name"].to_numpy()
    out[t("columns.households")] = progress["households"].to_numpy()
    out[t("columns.screened")] = progress["screened"].to_numpy()
    out[t("columns.screened_pct")] = progress["screened_pct"].to_numpy()
    out[t("columns.expected")] = progress["expected"].round(0).astype(int).to_numpy()
    out[t("columns.lag")] = progress["lag"].round(0).astype(int).to_numpy()
    out[t("columns.recent_rate")] = progress["recent_rate"].to_numpy()
    out[t("columns.projected_finish")] = finish_texts(progress)
    out[t("columns.status")] = progress["status"].map(status_label).to_numpy()
    return out


def behind_table(progress: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """The few columns a meeting needs about a lagging village."""
    return pd.DataFrame({
        t("columns.town"): progress["parent_code"].map(town_names).to_numpy(),
        t("columns.village"): progress["name"].to_numpy(),
        t("columns.screened_pct"): progress["screened_pct"].to_numpy(),
        t("columns.lag"): progress["lag"].round(0).astype(int).to_numpy(),
        t("columns.projected_finish"): finish_texts(progress),
    })


def short_span_names(short: pd.DataFrame) -> str:
    """The villages' names for a Markdown message, escaped: names can come from imported files."""
    return joined(safe_text(n) for n in short["name"].tolist())


def deadline_text(state: DeadlineState) -> tuple[str, str, str]:
    """(label, value, caption) for one deadline card."""
    label = t(f"overview.deadline_{state.key}")
    if state.overdue:
        value = t("overview.deadline_overdue")
    elif state.workdays_left == 0:
        value = t("overview.deadline_today")
    else:
        value = t("overview.deadline_left", n=state.workdays_left)
    return label, value, state.deadline.strftime("%Y-%m-%d")


def weekday(day: dt.date) -> str:
    return t(f"weekday.{day.weekday()}")


def status_colours(progress: pd.DataFrame) -> list[str]:
    """Row colours of a village table by status, same palette as the town lights."""
    return [theme.LIGHT_COLOURS[theme.STATUS_LIGHTS[s]] for s in progress["status"]]


def styled_villages(progress: pd.DataFrame, town_names: dict[str, str] | None = None) -> Styler:
    shown = villages_table(progress, town_names)
    colours = status_colours(progress)
    status_col = t("columns.status")
    return shown.style.apply(
        lambda col: [f"background-color: {c}" for c in colours] if col.name == status_col else [""] * len(col)
    ).format(precision=1)
