"""What changed since a date: each figure as of the as-of date minus the same figure as of the
comparison date, both replayed (records after a date do not exist for it); statuses compared.

The 进展通报 of a progress meeting reads these: households newly screened, key households newly
visited at home, villages that finished, turned red or turned green, towns whose lights changed.
"""

from __future__ import annotations

import pandas as pd

from paicha.vocab import Light, Status, Transition

CHANGE_COLUMNS = ["code", "name", "level", "parent_code", "screened_delta", "key_home_delta",
                  "leaflet_delta", "confirmed_delta", "status_before", "status_after", "transition"]
LIGHT_CHANGE_COLUMNS = ["town_code", "town_name", "light", "before", "after"]
LIGHTS = ("plan_training", "screening", "finish", "report")

# The colour a status shows in every table and chart (the town lights use the same three).
STATUS_LIGHT = {
    Status.done: Light.green, Status.on_track: Light.green, Status.lagging: Light.amber,
    Status.severely_lagging: Light.red, Status.not_started: Light.red,
}


def transition(before: Status, after: Status) -> Transition:
    """Finished beats every colour change; otherwise the colour the unit turned, if it turned.

    >>> transition(Status.on_track, Status.done).value
    'finished'
    >>> transition(Status.lagging, Status.severely_lagging).value
    'turned_red'
    >>> transition(Status.not_started, Status.severely_lagging).value  # red before, red after
    'unchanged'
    """
    if after is Status.done and before is not Status.done:
        return Transition.finished
    was, now = STATUS_LIGHT[before], STATUS_LIGHT[after]
    if was is now:
        return Transition.unchanged
    return {Light.red: Transition.turned_red, Light.amber: Transition.turned_amber,
            Light.green: Transition.turned_green}[now]


def changes_since(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Per unit of ``now`` (a progress frame): the change of its counts since ``before`` (the same
    units' progress as of the comparison date) and its status then and now.

    A unit absent from ``before`` (no such village then) counts from zero and "not started".
    """
    then = before.set_index("code") if not before.empty else pd.DataFrame(
        columns=["screened", "key_home_visited", "leaflet", "confirmed_online", "status"])
    rows = []
    for unit in now.to_dict(orient="records"):
        old = then.loc[unit["code"]] if unit["code"] in then.index else None
        status_before = Status(old["status"]) if old is not None else Status.not_started
        status_after = Status(unit["status"])

        def delta(column: str, old=old, unit=unit) -> int:
            return int(unit[column] - (old[column] if old is not None else 0))

        rows.append({
            "code": unit["code"], "name": unit["name"], "level": unit["level"],
            "parent_code": unit["parent_code"],
            "screened_delta": delta("screened"), "key_home_delta": delta("key_home_visited"),
            "leaflet_delta": delta("leaflet"), "confirmed_delta": delta("confirmed_online"),
            "status_before": status_before.value, "status_after": status_after.value,
            "transition": transition(status_before, status_after).value,
        })
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def stacked(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Change frames of several levels one under the other (towns, then villages)."""
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=CHANGE_COLUMNS)


def with_changes(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """``now`` with the change columns beside its own (for tables and the CLI)."""
    changes = changes_since(now, before)
    return now.merge(changes[["code", "screened_delta", "key_home_delta", "leaflet_delta", "confirmed_delta",
                              "status_before", "transition"]], on="code", how="left")


def transitions(changes: pd.DataFrame, kind: Transition) -> pd.DataFrame:
    """The units whose status made one kind of transition, in code order."""
    return changes[changes["transition"] == kind.value].sort_values("code")


def light_changes(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Towns whose traffic lights changed: one row per town and light that differs.

    ``now`` and ``before`` are ``paicha.progress.town_lights`` frames for the two dates.
    """
    if now.empty:
        return pd.DataFrame(columns=LIGHT_CHANGE_COLUMNS)
    then = before.set_index("town_code")
    rows = []
    for town in now.to_dict(orient="records"):
        old = then.loc[town["town_code"]] if town["town_code"] in then.index else None
        for light in LIGHTS:
            was = old[light] if old is not None else Light.grey.value
            if was != town[light]:
                rows.append({"town_code": town["town_code"], "town_name": town["town_name"], "light": light,
                             "before": was, "after": town[light]})
    return pd.DataFrame(rows, columns=LIGHT_CHANGE_COLUMNS)
