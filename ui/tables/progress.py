"""Progress display frames (town lights, villages with reasons and changes, screeners, deadline cards): pure, no Streamlit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
from pandas.io.formats.style import Styler

from paicha.calendar import covered_range, holiday_of, makeup_workday_of
from paicha.privacy import mask_name
from paicha.progress import DeadlineState
from paicha.vocab import HouseholdList, Light, Status, Transition
from ui import theme
from ui.safe import escape as safe_text
from ui.tables.formats import MISSING, date_text
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


# -- 村级进度: the villages of a scope with reasons and changes, screeners, changes since a date

HOUSEHOLDS_PAGE = "households"


def households_link(town_code: str, village_code: str, which: HouseholdList = HouseholdList.unscreened) -> str:
    """The 农户清单 page's address for one village's list (a relative link: it works under any
    base path, and the query parameters are the filter that page reads).
    """
    return f"{HOUSEHOLDS_PAGE}?{urlencode({'town': town_code, 'village': village_code, 'list': which.value})}"


def day_caption(day: dt.date) -> str:
    """2024-09-16（星期一，中秋节）: the weekday, and the holiday or 调休 where there is one."""
    text, weekday_name = day.isoformat(), weekday(day)
    if (holiday := holiday_of(day)) is not None:
        return t("villages.day_holiday", day=text, weekday=weekday_name, holiday=holiday.label)
    if (made_up := makeup_workday_of(day)) is not None:
        return t("villages.day_makeup", day=text, weekday=weekday_name, holiday=made_up.label)
    return t("villages.day_plain", day=text, weekday=weekday_name)


def signed(value: object) -> str:
    """A change as people read it: +12, −3, 0."""
    number = int(value) if value is not None and not pd.isna(value) else 0
    return f"{number:+,}" if number else "0"


def share_text(pct: float, screened_pct: float) -> str:
    """68.2%（93.0%）: over the register, and over the screened households in brackets."""
    return t("villages.share_pair", pct=f"{pct:.1f}", screened_pct=f"{screened_pct:.1f}")


def rate_text(value: object) -> str:
    """A daily rate with one decimal; a dash when there is none (after the deadline)."""
    return MISSING if value is None or pd.isna(value) else f"{value:.1f}"


def reason_labels(reasons: list) -> str:
    """The rules that fired, by their labels: 开工晚、速度不够."""
    return joined(r.rule.label for r in reasons) if isinstance(reasons, list) else ""


def village_progress_table(villages: pd.DataFrame, since: dt.date, with_links: bool = True,
                           town_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Every figure of a village row as the supervisor reads it, worst first as given; with
    ``town_names`` (several towns shown) the village's town first.
    """
    out = pd.DataFrame({
        **({t("columns.town"): villages["parent_code"].map(town_names).to_numpy()} if town_names else {}),
        t("columns.village"): villages["name"].to_numpy(),
        t("columns.status"): villages["status"].map(status_label).to_numpy(),
        t("columns.households"): villages["households"].to_numpy(),
        t("columns.screened"): villages["screened"].to_numpy(),
        t("columns.screened_pct"): villages["screened_pct"].to_numpy(),
        t("villages.col_delta", since=date_text(since)): [signed(v) for v in villages["screened_delta"]],
        t("columns.expected"): villages["expected"].round(0).astype(int).to_numpy(),
        t("columns.lag"): villages["lag"].round(0).astype(int).to_numpy(),
        t("villages.col_key"): [f"{v} / {k}" for v, k in zip(villages["key_home_visited"], villages["key_households"], strict=True)],
        t("villages.col_leaflet"): [share_text(p, s) for p, s in zip(villages["leaflet_pct"], villages["leaflet_screened_pct"], strict=True)],
        t("villages.col_confirmed"): [share_text(p, s) for p, s in zip(villages["confirmed_pct"], villages["confirmed_screened_pct"], strict=True)],
        t("columns.first_screened_on"): [date_text(d) or MISSING for d in villages["first_screened_on"]],
        t("columns.span_workdays"): villages["span_workdays"].to_numpy(),
        t("columns.recent_rate"): [rate_text(v) for v in villages["recent_rate"]],
        t("villages.col_required"): [rate_text(v) for v in villages["required_rate"]],
        t("columns.projected_finish"): finish_texts(villages),
        t("villages.col_reasons"): [reason_labels(r) for r in villages["reasons"]],
    })
    if with_links:
        out[t("villages.col_households")] = [
            households_link(town, code) if screened < households else None
            for town, code, screened, households in zip(villages["parent_code"], villages["code"], villages["screened"],
                                                        villages["households"], strict=True)]
        out[t("villages.col_key_households")] = [
            households_link(town, code, HouseholdList.key_not_home) if visited < key else None
            for town, code, visited, key in zip(villages["parent_code"], villages["code"], villages["key_home_visited"],
                                                villages["key_households"], strict=True)]
    return out


def status_options() -> tuple[list[str], list[str]]:
    """Every status word and its cell colour (the town lights' palette), in the same order."""
    return ([s.label for s in Status], [theme.LIGHT_COLOURS[theme.STATUS_LIGHTS[s.value]] for s in Status])


@dataclass(frozen=True)
class VillageTable:
    """村级进度's village table, made once per report and filter and then only read: the screen's
    cells (with the list links, and each status as a one-word list that the page's column shows
    as a coloured label) and the same rows without links, status as plain text (what is printed
    and exported).
    """

    shown: pd.DataFrame
    plain: pd.DataFrame

    @classmethod
    def of(cls, villages: pd.DataFrame, since: dt.date, town_names: dict[str, str] | None = None) -> VillageTable:
        plain = village_progress_table(villages, since, town_names=town_names)
        links = [t("villages.col_households"), t("villages.col_key_households")]
        status = t("columns.status")
        shown = plain.assign(**{status: [[label] for label in plain[status]]})
        return cls(shown, plain.drop(columns=links))


def why_lines(behind: pd.DataFrame) -> list[str]:
    """One Markdown line per village with reasons: name (escaped: names come from files), status,
    the sentence.
    """
    return [t("villages.why_line", name=safe_text(n), status=status_label(s), why=safe_text(w))
            for n, s, w in zip(behind["name"], behind["status"], behind["why"], strict=True)]


def start_due_lines(due: pd.DataFrame, latest: dt.date) -> list[str]:
    """Villages not yet started while they still can: the working days left to start."""
    return [t("villages.start_due_line", name=safe_text(n), latest=date_text(latest), left=int(left))
            for n, left in zip(due["name"], due["start_by"], strict=True)]


def transition_lines(changes: pd.DataFrame) -> list[str]:
    """One Markdown line per kind of transition that happened (finished, turned red, amber,
    green), naming the units (escaped: names come from files).
    """
    lines = []
    for kind in (Transition.finished, Transition.turned_red, Transition.turned_amber, Transition.turned_green):
        chosen = changes[changes["transition"] == kind.value]
        if not chosen.empty:
            lines.append(t("villages.changes_kind", kind=kind.label, names=joined(safe_text(n) for n in chosen["name"])))
    return lines


def status_changes_table(villages: pd.DataFrame, since: dt.date) -> pd.DataFrame:
    """Villages whose status changed since the comparison date: before → after, and what moved."""
    changed = villages[villages["status_before"] != villages["status"]]
    return pd.DataFrame({
        t("columns.village"): changed["name"].to_numpy(),
        t("villages.col_transition"): [Transition(k).label for k in changed["transition"]],
        t("villages.col_status_before", since=date_text(since)): changed["status_before"].map(status_label).to_numpy(),
        t("villages.col_status_after"): changed["status"].map(status_label).to_numpy(),
        t("villages.col_delta", since=date_text(since)): [signed(v) for v in changed["screened_delta"]],
        t("villages.col_key_delta"): [signed(v) for v in changed["key_home_delta"]],
    })


def light_changes_table(changes: pd.DataFrame, since: dt.date) -> pd.DataFrame:
    """Towns whose lights changed: which light, what it read then and now."""
    kinds = {"plan_training": "deadline", "screening": "pace", "finish": "finish", "report": "deadline"}
    return pd.DataFrame({
        t("columns.town"): changes["town_name"].to_numpy(),
        t("overview.light"): [t(f"overview.light_{k}") for k in changes["light"]],
        t("overview.light_before", since=date_text(since)): [
            _light_word(v, kinds[k]) for k, v in zip(changes["light"], changes["before"], strict=True)],
        t("overview.light_after"): [
            _light_word(v, kinds[k]) for k, v in zip(changes["light"], changes["after"], strict=True)],
    })


def _light_word(code: str, kind: str) -> str:
    """A light as its column says it; a colour the column never shows reads as a deadline would."""
    light = Light(code)
    return light.word(kind) or light.label


def screener_name(name: object, masked: bool = False) -> str:
    """A screener as shown: the name (masked in exports), or 未填写 for records without one."""
    if name is None or name == "" or (isinstance(name, float) and pd.isna(name)):
        return t("villages.screener_unnamed")
    return mask_name(str(name)) if masked else str(name)


def screeners_table(summary: pd.DataFrame, village_names: dict[str, str], limit: int,
                    masked: bool = False) -> pd.DataFrame:
    """One row per screener; days over the implausible limit listed by date."""
    return pd.DataFrame({
        t("villages.col_screener"): [screener_name(s, masked) for s in summary["screener"]],
        t("villages.col_days_active"): summary["days_active"].to_numpy(),
        t("villages.col_records"): summary["records"].to_numpy(),
        t("villages.col_home_visits"): summary["home_visits"].to_numpy(),
        t("villages.col_records_per_day"): summary["records_per_day"].to_numpy(),
        t("villages.col_home_per_day"): summary["home_per_day"].to_numpy(),
        t("villages.col_max_home"): summary["max_home_visits"].to_numpy(),
        t("villages.col_over_limit", limit=limit): summary["days_over_limit"].to_numpy(),
        t("villages.col_over_limit_days"): [joined(date_text(d) for d in days) for days in summary["over_limit_days"]],
        t("villages.col_villages"): [joined(village_names.get(c, c) for c in codes) for codes in summary["village_codes"]],
    })


def dependent_villages(dependence: pd.DataFrame, village_names: dict[str, str]) -> list[str]:
    """Villages where one screener made most records, for a Markdown line (names escaped)."""
    chosen = dependence[dependence["depends_on_one"]]
    return [t("villages.depends_line", village=safe_text(village_names.get(v, v)), screener=safe_text(screener_name(s)),
              share=f"{100 * share:.0f}") for v, s, share in zip(chosen["village_code"], chosen["top_screener"],
                                                                 chosen["top_share"], strict=True)]


def _change(now: object, before: object, since: dt.date) -> dict[str, object]:
    """A metric's change: the signed number as the delta (so zero is grey, a loss red) and the
    comparison date beside it.
    """
    return {"delta": signed(now - before), "delta_description": t("overview.since_short", since=date_text(since))}


def _note(text: str) -> dict[str, object]:
    """A metric's note under the value: grey, without an arrow (it is not a change)."""
    return {"delta": text, "delta_color": "off", "delta_arrow": "off"}


def total_metrics(total: pd.Series, before: pd.Series, since: dt.date, deadline: dt.date) -> list[dict[str, object]]:
    """The scope's big numbers for ``ui.layout.metric_row``, with changes since the comparison date."""
    return [
        {"label": t("overview.households"), "value": f"{total['households']:,}"},
        {"label": t("overview.screened"), "value": f"{total['screened']:,}",
         **_change(total["screened"], before["screened"], since)},
        {"label": t("overview.screened_pct"), "value": f"{total['screened_pct']:.1f}%",
         **_note(t("overview.expected", pct=f"{100 * total['expected'] / max(total['households'], 1):.1f}"))},
        {"label": t("villages.required_rate"), "value": rate_text(total["required_rate"]),
         "help": t("villages.required_help", deadline=date_text(deadline)),
         **_note(t("villages.recent_value", rate=rate_text(total["recent_rate"])))},
        {"label": t("overview.key"), "value": f"{total['key_pct']:.1f}%", "help": t("overview.key_help"),
         **_note(t("overview.key_value", visited=total["key_home_visited"], total=total["key_households"]))},
        {"label": t("overview.leaflet"), "value": f"{total['leaflet_pct']:.1f}%", "help": t("overview.leaflet_help"),
         **_note(t("overview.of_screened", pct=f"{total['leaflet_screened_pct']:.1f}"))},
        {"label": t("overview.confirmed"), "value": f"{total['confirmed_pct']:.1f}%", "help": t("overview.confirmed_help"),
         **_note(t("overview.of_screened", pct=f"{total['confirmed_screened_pct']:.1f}"))},
    ]


def overview_metrics(district: pd.Series, previous: pd.Series | None, since: dt.date) -> list[dict[str, object]]:
    """The overview's big numbers for ``ui.layout.metric_row``: changes against the comparison
    date; 明白纸 and online confirmation over the register, the screened share beneath.
    """

    def change(column: str) -> dict[str, object]:
        return _change(district[column], previous[column], since) if previous is not None else {}

    households = max(int(district["households"]), 1)
    return [
        {"label": t("overview.households"), "value": f"{district['households']:,}"},
        {"label": t("overview.screened"), "value": f"{district['screened']:,}", **change("screened")},
        {"label": t("overview.screened_pct"), "value": f"{district['screened_pct']:.1f}%",
         **_note(t("overview.expected", pct=f"{100 * district['expected'] / households:.1f}"))},
        {"label": t("overview.key"), "value": f"{district['key_pct']:.1f}%", "help": t("overview.key_help"),
         **_note(t("overview.key_value", visited=district["key_home_visited"], total=district["key_households"]))},
        {"label": t("overview.proposed"), "value": f"{district['proposed']:,}", **change("proposed"),
         "delta_color": "off"},
        {"label": t("overview.leaflet"), "value": f"{district['leaflet_pct']:.1f}%", "help": t("overview.leaflet_help"),
         **_note(t("overview.of_screened", pct=f"{district['leaflet_screened_pct']:.1f}"))},
        {"label": t("overview.confirmed"), "value": f"{district['confirmed_pct']:.1f}%",
         "help": t("overview.confirmed_help"),
         **_note(t("overview.of_screened", pct=f"{district['confirmed_screened_pct']:.1f}"))},
    ]


def table_height(rows: int, most: int = 30) -> int:
    """Pixels for st.dataframe to show ``rows`` rows without a scroll bar, up to ``most`` rows."""
    return 35 * (min(rows, most) + 1) + 3
