"""The spot-check sampling frame as of a date: one row per household in scope, with warning flags."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_loaders.store import IS_KEY_SQL, Store
from paicha import sampling
from paicha.config import Settings
from paicha.scope import Scope
from paicha.vocab import ScreeningMethod

# Mean Earth radius (IUGG). Over the few kilometres between a house and a recorded visit the
# equirectangular approximation used below differs from the haversine by far less than GPS error.
EARTH_RADIUS_M = 6_371_008.8

# The one reference record of a household: its first screening on or before the date, a home
# visit first among records of the same day. The frame's screener and the field list's
# "original" columns both come from it, so errors are charged to the screener the list shows.
FIRST_RECORD_ORDER = (f"s.screened_on, s.method <> '{ScreeningMethod.home_visit.value}', "
                      "s.screener NULLS LAST, s.result, s.leaflet_given")


_FRAME_SQL = """
    WITH hh AS (
        SELECT h.household_id, h.town_code, h.village_code, h.lon, h.lat, {is_key} AS is_key
        FROM households h WHERE {where_h}),
    rec AS (
        SELECT s.household_id, s.screened_on, s.method, s.screener, s.result, s.leaflet_given,
               s.lon, s.lat
        FROM screenings s
        WHERE s.household_id IN (SELECT household_id FROM hh) AND s.screened_on <= $as_of),
    -- A screener's load counts all their home visits of the day, in or out of this scope: one who
    -- visited 20 households in each of two towns on a day is as implausible as one with 40 in one.
    -- Only the flag leaves this query, never another town's household.
    loads AS (
        SELECT s.screener, s.screened_on, count(*) AS visits
        FROM screenings s
        WHERE s.method = '{home}' AND s.screened_on <= $as_of
          AND s.screener IN (SELECT screener FROM rec WHERE method = '{home}')
        GROUP BY 1, 2),
    per AS (
        SELECT s.household_id, TRUE AS screened,
               {first_screener} AS screener,
               bool_or(s.method = '{home}') AS home_visited,
               bool_or(s.method = '{home}' AND l.visits > ?) AS overload,
               bool_or(s.method = '{home}' AND {distance} > ?) AS far
        FROM rec s JOIN hh USING (household_id)
        LEFT JOIN loads l ON l.screener = s.screener AND l.screened_on = s.screened_on
        GROUP BY s.household_id)
    SELECT hh.household_id, hh.town_code, hh.village_code, per.screener, hh.is_key,
           coalesce(per.screened, FALSE) AS screened,
           hh.is_key AND NOT coalesce(per.home_visited, FALSE) AS key_not_home_visited,
           coalesce(per.overload, FALSE) AS screener_overload,
           coalesce(per.far, FALSE) AS far_visit,
           hh.household_id IN (SELECT household_id FROM household_hazards) AS hazard_exposed
    FROM hh LEFT JOIN per USING (household_id)
    WHERE per.screened OR ?
    ORDER BY hh.household_id
"""


def frame_query(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                include_unscreened: bool = False) -> tuple[str, list]:
    """The statement of :func:`build_frame` and its parameters (benchmarks time it bare)."""
    where_h, p_h = store.scope_sql(scope, "h")
    home = ScreeningMethod.home_visit.value
    distance = (f"{EARTH_RADIUS_M} * sqrt(power(radians(s.lon - hh.lon) * cos(radians((s.lat + hh.lat) / 2)), 2)"
                " + power(radians(s.lat - hh.lat), 2))")
    sql = _FRAME_SQL.format(where_h=where_h, is_key=IS_KEY_SQL, home=home, distance=distance,
                            first_screener=store.engine.first("s.screener", FIRST_RECORD_ORDER))
    t = settings.thresholds
    return Store._numbered(sql), [*p_h, t.max_home_visits_per_day, t.far_visit_metres, bool(include_unscreened),
                                  as_of]


def build_frame(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                include_unscreened: bool = False) -> pd.DataFrame:
    """The sampling frame as of a date: one row per household in scope, in ``FRAME_COLUMNS``.

    Screened households (a record on or before ``as_of``) always; unscreened ones too with
    ``include_unscreened``, so that a check can also verify that nobody was left out (不落一户).
    The warning flags used by the back-check:

    - ``key_not_home_visited``: a key household without a home visit by ``as_of``;
    - ``screener_overload``: one of its home visits falls on a (screener, day) with more than
      ``thresholds.max_home_visits_per_day`` home visits;
    - ``far_visit``: a home visit recorded farther than ``thresholds.far_visit_metres`` from the
      household's location;
    - ``hazard_exposed``: the household lies in a hazard zone.
    """
    sql, params = frame_query(store, settings, scope, as_of, include_unscreened)
    # Fetched as Arrow: the text columns stay Arrow-backed instead of millions of Python strings,
    # and the conversion is a copy of buffers, not a walk over cells.
    frame = store.arrow(sql, params).to_pandas()
    for column in sampling.BOOL_COLUMNS:
        frame[column] = frame[column].astype(bool)
    frame["screener"] = frame["screener"].astype(object).where(frame["screener"].notna(), None)
    return frame[list(sampling.FRAME_COLUMNS)]
