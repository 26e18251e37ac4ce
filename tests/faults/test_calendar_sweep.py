"""Every as-of date the sidebar offers renders 总览 and 村级进度, with their figures, on the demo
district and on a store whose only screenings fall on the campaign's first days.

One AppTest per page and store, moved from date to date: about 75 dates each.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tests.app.walk import go_to, open_app, set_as_of, sign_in
from ui import keys
from ui.text import t

pytestmark = pytest.mark.faults

STORES = {"demo": ("demo_copy", "2,000"), "first_day": ("first_day_db_path", "410")}
BEYOND = t("status.beyond_calendar", year=2026)


def table(at, column: str):
    return next(d.value for d in at.dataframe if column in getattr(d.value, "columns", []))


def overview_figures(at) -> str:
    """The households metric; the page's other parts are checked to be there."""
    metrics = {m.label: m.value for m in at.metric}
    # seven figures (明白纸 and online confirmation are one card each, over the register) and three deadlines
    assert len(metrics) == 10, metrics
    lights = table(at, t("columns.finish"))
    assert len(lights) == 5  # one row per town
    assert len(at.get("plotly_chart")) == 1  # the cumulative curve
    return metrics[t("overview.households")], lights[t("columns.finish")].tolist()


def village_figures(at) -> list[str]:
    villages = table(at, t("columns.projected_finish"))
    assert len(villages) == 64
    return villages[t("columns.projected_finish")].tolist()


# Seventy-four days of one page per store: on DuckDB alone (the pages run on both engines in the
# app suite). `engine` is named so that the store fixtures looked up by name agree with it.
@pytest.mark.duckdb_only
@pytest.mark.parametrize("store", list(STORES))
def test_every_offered_date_renders_the_overview_with_its_figures(request, app_env, store, engine):
    fixture, households = STORES[store]
    app_env(request.getfixturevalue(fixture))
    at = go_to(sign_in(open_app(), "leader"), "pages/overview.py")
    offered = at.date_input(key=keys.SIDEBAR_AS_OF)
    day, beyond_seen = offered.min, []
    while day <= offered.max:
        at = set_as_of(at, day)
        assert not at.exception, (day, at.exception)
        shown, finish = overview_figures(at)
        assert shown == households, day
        beyond_seen += [day for text in finish if BEYOND in text]
        day += dt.timedelta(days=1)
    assert (offered.min, offered.max) == (dt.date(2024, 8, 10), dt.date(2024, 10, 22))
    # On the first working day two of the demo's towns (and 甘泉镇 of the other store) project
    # past 2026: the lights say so instead of crashing.
    assert dt.date(2024, 8, 26) in beyond_seen


@pytest.mark.duckdb_only
@pytest.mark.parametrize("store", list(STORES))
def test_every_offered_date_renders_the_villages_with_their_figures(request, app_env, store, engine):
    fixture, _ = STORES[store]
    app_env(request.getfixturevalue(fixture))
    at = go_to(sign_in(open_app(), "leader"), "pages/villages.py")
    offered = at.date_input(key=keys.SIDEBAR_AS_OF)
    day, beyond_seen = offered.min, set()
    # Only the open tab is built: each date opens the next one, so every tab meets a third of them.
    tabs = itertools.cycle([t("villages.tab_timeline"), t("villages.tab_heatmap"), t("villages.tab_screeners")])
    while day <= offered.max:
        at.session_state[keys.VILLAGES_TABS] = next(tabs)
        at = set_as_of(at, day)
        assert not at.exception, (day, at.exception)
        if any(BEYOND in text for text in village_figures(at)):
            beyond_seen.add(day)
        day += dt.timedelta(days=1)
    if store == "first_day":
        # Village B: one of 400 households on 8-26, so 0.2 a day for the five working days after.
        assert {dt.date(2024, 8, 26), dt.date(2024, 8, 30)} <= beyond_seen
