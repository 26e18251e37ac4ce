"""The spot-check sampling frame as of a date: one row per household in scope, with warning flags."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


# A record's distance from its household's location (screenings s, households hh): one spelling
# for the full query and for the derived table, so both compare the very same number.
_DISTANCE = (f"{EARTH_RADIUS_M} * sqrt(power(radians(s.lon - hh.lon) * cos(radians((s.lat + hh.lat) / 2)), 2)"
             " + power(radians(s.lat - hh.lat), 2))")


def frame_query(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                include_unscreened: bool = False) -> tuple[str, list]:
    """The full statement of the frame and its parameters: every record up to ``as_of`` aggregated.

    The reference :func:`fast_frame_query` must equal, and what :func:`build_frame` runs when
    the derived table cannot serve the settings' thresholds (benchmarks time it bare).
    """
    where_h, p_h = store.scope_sql(scope, "h")
    home = ScreeningMethod.home_visit.value
    sql = _FRAME_SQL.format(where_h=where_h, is_key=IS_KEY_SQL, home=home, distance=_DISTANCE,
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

    Read from the derived table ``spot_check_frame`` (:func:`fast_frame_query`) when it was built
    with the settings' thresholds, else aggregated from every record (:func:`frame_query`): the
    same rows either way, in ``household_id`` order byte by byte (:func:`_by_household`).
    """
    # Fetched as Arrow: the text columns stay Arrow-backed instead of millions of Python strings,
    # and the conversion is a copy of buffers, not a walk over cells. The screener too (missing
    # ones NA, not None): the draws and the frame hash read Arrow text as it is, where Python
    # strings cost them a walk over every cell and half a gigabyte at 5 million households.
    table = None
    fast = fast_frame_query(store, settings, scope, as_of, include_unscreened)
    if fast is not None:
        table = store.arrow(*fast)
        # Checked in the rows' own snapshot: a refresh with other limits, committed by another
        # process since fast_frame_query looked, must not lend its flags to these settings.
        same = pc.all(table.column(SAME_LIMITS), min_count=0).as_py()  # an empty frame has no flags
        table = table.drop_columns(SAME_LIMITS) if same else None
    if table is None:
        table = store.arrow(*frame_query(store, settings, scope, as_of, include_unscreened))
    # Column by column, each column's Arrow buffers released once converted: the frame is never
    # held twice.
    frame = _by_household(table).to_pandas(split_blocks=True, self_destruct=True)
    for column in sampling.BOOL_COLUMNS:
        frame[column] = frame[column].astype(bool)
    return frame[list(sampling.FRAME_COLUMNS)]


def _by_household(table: pa.Table) -> pa.Table:
    """The rows in ``household_id`` order, byte by byte: left as they are when they already are,
    which one vectorised comparison confirms.

    The order DuckDB's ORDER BY gives text (the full query's comes checked, not sorted again), and
    the one the draws and the frame hash sort by (they too only check it when it holds): so the
    frame is the same whichever statement it came from, also on a server whose collation orders
    text otherwise. The fast statement leaves the sort out: its table is written in this order, and
    a scan returns it so (DuckDB keeps insertion order); sorting millions of rows in the statement
    cost as much again as the scan, and most of its memory.
    """
    ids = table.column("household_id")
    if len(ids) < 2 or pc.all(pc.greater(ids[1:], ids[:-1])).as_py():
        return table
    return table.take(pc.sort_indices(table, sort_keys=[("household_id", "ascending")]))


# -- the derived table spot_check_frame ------------------------------------------------------------
#
# Every flag of the frame is a date threshold on one row per household, which is what lets a frame
# of millions be one scan instead of an aggregation of every record up to the date:
#
# - a household is screened by d iff its first record is on or before d, and its first record in
#   FIRST_RECORD_ORDER (ordered by day first) is then the first of those up to d: its screener is
#   the same for every d on which it is screened;
# - home visited by d iff its first home visit is on or before d;
# - overload by d iff one of its home visits on a day on or before d falls on a (screener, day)
#   with more home visits than the limit: that count holds only visits of that very day, so it is
#   the same for every d from that day on, and the flag holds from the first such day;
# - far visit by d iff one of its home visits on or before d lies farther than the limit: from the
#   first such day on;
# - key and hazard exposure depend on no date.
#
# The two limits are the thresholds' (max_home_visits_per_day, far_visit_metres), so the table
# holds the ones it was built with on every row (overload_above, far_above; one value per table,
# which DuckDB stores once per row group). A caller with other limits gets the full query.
# Households without any record are rows too, their dates NULL (never on or before any date),
# so that include_unscreened needs no second source. Rows are written in household_id order, the
# frame's (see _by_household).

_FRAME_FACTS_SQL = """
    INSERT INTO spot_check_frame
    WITH loads AS (
        -- As in the full query: every home visit of the day counts, whichever household it is.
        SELECT s.screener, s.screened_on, count(*) AS visits
        FROM screenings s WHERE s.method = '{home}' AND s.screener IS NOT NULL
        GROUP BY 1, 2),
    per AS (
        SELECT s.household_id, min(s.screened_on) AS first_on,
               {first_screener} AS screener,
               min(s.screened_on) FILTER (WHERE s.method = '{home}') AS first_home_on,
               min(s.screened_on) FILTER (WHERE s.method = '{home}' AND l.visits > $1) AS first_overload_on,
               min(s.screened_on) FILTER (WHERE s.method = '{home}' AND {distance} > $2) AS first_far_on
        FROM screenings s JOIN households hh USING (household_id)
        LEFT JOIN loads l ON l.screener = s.screener AND l.screened_on = s.screened_on
        GROUP BY s.household_id)
    SELECT h.household_id, h.town_code, h.village_code, {is_key}, per.first_on, per.screener,
           per.first_home_on, per.first_overload_on, per.first_far_on,
           h.household_id IN (SELECT household_id FROM household_hazards), $1, $2
    FROM households h LEFT JOIN per USING (household_id)
    ORDER BY h.household_id
"""

# The fast statement's one column beyond the frame's: whether the row was built with the caller's limits.
SAME_LIMITS = "same_limits"

_FAST_FRAME_SQL = """
    SELECT f.overload_above = ? AND f.far_above = ? AS same_limits, f.household_id, f.town_code, f.village_code,
           CASE WHEN f.first_on <= $as_of THEN f.screener END AS screener, f.is_key,
           coalesce(f.first_on <= $as_of, FALSE) AS screened,
           f.is_key AND NOT coalesce(f.first_home_on <= $as_of, FALSE) AS key_not_home_visited,
           coalesce(f.first_overload_on <= $as_of, FALSE) AS screener_overload,
           coalesce(f.first_far_on <= $as_of, FALSE) AS far_visit,
           f.hazard_exposed
    FROM spot_check_frame f
    WHERE {where_f} AND (f.first_on <= $as_of OR ?)
"""


def derived_thresholds() -> tuple[int, float]:
    """The limits ``spot_check_frame`` is built with: those of the configuration the process runs
    with (``load_settings()``: ``PAICHA_CONFIG`` or the embedded default).

    ``Store.refresh_derived`` runs inside every refreshing write and is handed no settings; the
    process's configuration is the one its pages and draws use, so they take the fast path. A
    caller with other limits (``paicha --config``, a test's replaced thresholds) is still exact,
    through the full query. The limits only decide which path a frame takes, never its rows, so
    a configuration that cannot be read falls back to the embedded defaults instead of failing the
    write that refreshes.
    """
    from paicha.config import DEFAULT_CONFIG, load_settings

    try:
        thresholds = load_settings().thresholds
    except (OSError, KeyError, TypeError, ValueError):  # tomllib's decode error is a ValueError
        thresholds = load_settings(DEFAULT_CONFIG).thresholds
    return int(thresholds.max_home_visits_per_day), float(thresholds.far_visit_metres)


def frame_facts_insert(store: Store) -> tuple[str, list]:
    """The statement that fills ``spot_check_frame`` (after its DELETE) and its parameters."""
    sql = _FRAME_FACTS_SQL.format(home=ScreeningMethod.home_visit.value, distance=_DISTANCE, is_key=IS_KEY_SQL,
                                  first_screener=store.engine.first("s.screener", FIRST_RECORD_ORDER))
    return sql, list(derived_thresholds())


def fast_frame_query(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                     include_unscreened: bool = False) -> tuple[str, list] | None:
    """The frame read from ``spot_check_frame`` and its parameters, or None when the table cannot
    give it: built with other thresholds, or missing (a store of an older program, opened read-only
    and so never upgraded). Equal to :func:`frame_query`'s rows and columns, with ``SAME_LIMITS``
    in front (true on every row unless the table was rebuilt with other limits since this looked);
    in the table's order, which :func:`build_frame` checks (:func:`_by_household`).
    """
    cur = store.cursor()
    present = cur.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'spot_check_frame' AND column_name = 'far_above'").fetchall()[0][0]
    if not present:
        return None
    where_f, p_f = store.scope_sql(scope, "f")
    # Any row in scope tells the table's limits (they are the same on every row); a scope without
    # households has none, and the full query is as cheap as this one there.
    built = cur.execute(f"SELECT f.overload_above, f.far_above FROM spot_check_frame f WHERE {where_f} LIMIT 1",
                        p_f).fetchall()
    t_ = settings.thresholds
    if not built or (built[0][0], built[0][1]) != (t_.max_home_visits_per_day, t_.far_visit_metres):
        return None
    sql = _FAST_FRAME_SQL.format(where_f=where_f)
    return Store._numbered(sql), [t_.max_home_visits_per_day, t_.far_visit_metres, *p_f, bool(include_unscreened),
                                  as_of]
