"""Turns domain frames into display frames: Chinese headers, status labels, light symbols."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pandas.io.formats.style import Styler

from paicha.progress import DeadlineState
from paicha.scope import Scope
from paicha.vocab import Role
from ui.safe import text as safe_text
from ui.text import has, t


def _date(value: object) -> str:
    # pd.NaT passes isinstance(date) but cannot format: test for missing first.
    if value is None or pd.isna(value):
        return ""
    return value.strftime("%m-%d") if isinstance(value, dt.date) else ""


def status_label(code: str) -> str:
    return t(f"status.{code}")


# Cell colours of the traffic lights. Colour plus a word, never an emoji: intranet PCs often
# lack a colour-emoji font, and the word keeps the table readable when printed in grey.
LIGHT_COLOURS = {"green": "#d5f5e3", "amber": "#fdebd0", "red": "#f5b7b1", "grey": "#f2f3f4"}


def town_lights_table(lights: pd.DataFrame) -> Styler:
    """One row per town with its four lights (coloured cells) and the figures behind them."""
    light_cols = {
        t("columns.plan_training"): ("deadline", lights["plan_training"], [_date(d) for d in lights["plan_training_on"]]),
        t("columns.screening"): ("pace", lights["screening"], [
            t("overview.pace_detail", done=f"{p:.1f}", expected=f"{e:.1f}")
            for p, e in zip(lights["screened_pct"], lights["expected_pct"], strict=True)]),
        t("columns.finish"): ("finish", lights["finish"], [_date(d) or t("status.no_projection") for d in lights["projected_finish"]]),
        t("columns.report"): ("deadline", lights["report"], [_date(d) for d in lights["report_on"]]),
    }
    shown = pd.DataFrame({t("columns.town"): lights["town_name"].to_numpy()})
    colours = pd.DataFrame({t("columns.town"): [""] * len(lights)})
    for header, (kind, codes, details) in light_cols.items():
        shown[header] = [f"{t(f'light.{kind}.{c}')} {d}".strip() for c, d in zip(codes, details, strict=True)]
        colours[header] = [f"background-color: {LIGHT_COLOURS[c]}" for c in codes]
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
    out[t("columns.projected_finish")] = [_date(d) or t("status.no_projection") for d in progress["projected_finish"]]
    out[t("columns.status")] = progress["status"].map(status_label).to_numpy()
    return out


def behind_table(progress: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """The few columns a meeting needs about a lagging village."""
    return pd.DataFrame({
        t("columns.town"): progress["parent_code"].map(town_names).to_numpy(),
        t("columns.village"): progress["name"].to_numpy(),
        t("columns.screened_pct"): progress["screened_pct"].to_numpy(),
        t("columns.lag"): progress["lag"].round(0).astype(int).to_numpy(),
        t("columns.projected_finish"): [_date(d) or t("status.no_projection") for d in progress["projected_finish"]],
    })


def short_span_names(short: pd.DataFrame) -> str:
    """The villages' names for a Markdown message, escaped: names can come from imported files."""
    return "、".join(safe_text(n) for n in short["name"].tolist())


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


def household_list(frame: pd.DataFrame, village_names: dict[str, str]) -> pd.DataFrame:
    """A drill-down page of households with Chinese headers (identifiers already masked)."""
    return pd.DataFrame({
        t("household.household_id"): frame["household_id"].to_numpy(),
        t("household.village"): frame["village_code"].map(village_names).to_numpy(),
        t("household.head_name"): frame["head_name"].to_numpy(),
        t("household.head_id_number"): frame["head_id_number"].to_numpy(),
        t("household.phone"): frame["phone"].to_numpy(),
        t("household.members"): frame["members"].to_numpy(),
        t("household.key_groups"): frame["key_groups"].to_numpy(),
        t("household.first_on"): [_date(d) for d in frame["first_on"]],
        t("household.methods"): frame["methods"].to_numpy(),
    })


def status_colours(progress: pd.DataFrame) -> list[str]:
    """Row colours of a village table by status, same palette as the town lights."""
    colour = {"done": "green", "on_track": "green", "lagging": "amber", "severely_lagging": "red",
              "not_started": "red"}
    return [LIGHT_COLOURS[colour[s]] for s in progress["status"]]


def styled_villages(progress: pd.DataFrame, town_names: dict[str, str] | None = None) -> Styler:
    shown = villages_table(progress, town_names)
    colours = status_colours(progress)
    status_col = t("columns.status")
    return shown.style.apply(
        lambda col: [f"background-color: {c}" for c in colours] if col.name == status_col else [""] * len(col)
    ).format(precision=1)


def exposure_table(villages: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """Villages with exposed households, the most exposed-and-unscreened first."""
    exposed = villages[villages["exposed"] > 0].sort_values(["exposed_unscreened", "village_code"],
                                                           ascending=[False, True])
    return pd.DataFrame({
        t("columns.town"): exposed["town_code"].map(town_names).to_numpy(),
        t("columns.village"): exposed["village_name"].to_numpy(),
        t("columns.households"): exposed["households"].astype(int).to_numpy(),
        t("map.exposed"): exposed["exposed"].astype(int).to_numpy(),
        t("map.exposed_unscreened"): exposed["exposed_unscreened"].astype(int).to_numpy(),
        t("map.exposed_key_not_home"): exposed["exposed_key_not_home"].astype(int).to_numpy(),
    })


def audit_action_label(action: str) -> str:
    key = f"audit_action.{action}"
    return t(key) if has(key) else action


def users_table(users: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """Accounts with Chinese headers; the state says disabled or locked, never the password hash."""
    now = pd.Timestamp.now()

    def state(row: pd.Series) -> str:
        if row["disabled"]:
            return t("users.state_disabled")
        if pd.notna(row["locked_until"]) and row["locked_until"] > now:
            return t("users.state_locked", until=row["locked_until"].strftime("%m-%d %H:%M"))
        return t("users.state_active")

    return pd.DataFrame({
        t("users.username"): users["username"].to_numpy(),
        t("users.display_name"): users["display_name"].to_numpy(),
        t("users.role"): [Role(r).label for r in users["role"]],
        t("users.town"): [town_names.get(c, c) if isinstance(c, str) and c else t("users.town_none")
                          for c in users["town_code"]],
        t("users.state"): [state(r) for _, r in users.iterrows()] if len(users) else [],
        t("users.last_sign_in"): [_time(v) for v in users["last_sign_in_at"]],
        t("users.created_at"): [_time(v) for v in users["created_at"]],
    })


def _time(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def scope_name(key: str, town_names: dict[str, str]) -> str:
    """"全区", a town's name, or "-" for a stored scope key."""
    scope = Scope.from_key(key)
    if scope.town_code:
        return town_names.get(scope.town_code, scope.town_code)
    return t("users.town_none") if scope.is_district else "-"


def audit_table(entries: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """Audit lines with Chinese headers and action names; details stay the JSON that was written."""
    return pd.DataFrame({
        t("audit.when"): [pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S") for v in entries["logged_at"]],
        t("audit.user"): entries["user_name"].to_numpy(),
        t("audit.action"): [audit_action_label(a) for a in entries["action"]],
        t("audit.scope"): [scope_name(k, town_names) for k in entries["scope"]],
        t("audit.rows"): ["" if pd.isna(n) else f"{int(n):,}" for n in entries["row_count"]],
        t("audit.masked"): ["" if pd.isna(m) else t("audit.masked_yes" if m else "audit.masked_no")
                            for m in entries["masked"]],
        t("audit.sha256"): ["" if not isinstance(h, str) else h for h in entries["file_sha256"]],
        t("audit.detail"): ["" if not isinstance(d, str) else d for d in entries["detail"]],
    })
