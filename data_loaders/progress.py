"""Progress queries beyond the per-village facts: daily activity, key households' methods, screeners.

Each answers one figure of the 村级进度 page with a small frame (per village, per village and
day, per screener and day), counted in SQL from the derived tables ``household_status``,
``screening_days``, ``screener_days`` and ``key_assessments``; the domain turns them into policy
figures.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_loaders.store import Store
from paicha.scope import Scope

ACTIVITY_COLUMNS = ["village_code", "day", "records"]
KEY_METHOD_COLUMNS = ["village_code", "key_phone_only", "key_assessed"]
SCREENER_DAY_COLUMNS = ["village_code", "screener", "day", "records", "home_visits", "over_limit"]


def _dates(frame: pd.DataFrame, column: str = "day") -> pd.DataFrame:
    frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def village_activity(store: Store, scope: Scope, until: dt.date) -> pd.DataFrame:
    """Per village and day: screening records (any method, repeat visits included) up to ``until``.

    What the daily heatmap draws and where pauses are found: a day without a record is a day
    nobody screened in the village.
    """
    where, params = store.scope_sql(scope, "s")
    frame = store.query(
        f"SELECT s.village_code, s.day, s.records FROM screening_days s "
        f"WHERE {where} AND s.day <= ? ORDER BY 1, 2", [*params, until])
    return _dates(frame) if not frame.empty else pd.DataFrame(columns=ACTIVITY_COLUMNS)


def key_methods(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Per village: key households screened by ``as_of`` but never visited at home, split into
    those reached only by phone (线上问询) and those assessed by the village (村级研判).

    Reads the derived ``key_assessments`` (key households' first village assessment), so no
    screening record is scanned however many the store holds.
    """
    where_s, p_s = store.scope_sql(scope, "s")
    sql = f"""
        WITH missing AS (
            SELECT s.household_id, s.village_code FROM household_status s
            WHERE {where_s} AND s.is_key AND s.first_on <= $as_of
              AND (s.first_home_on IS NULL OR s.first_home_on > $as_of))
        SELECT m.village_code,
               count(*) FILTER (WHERE a.first_assessment_on IS NULL OR a.first_assessment_on > $as_of)
                   AS key_phone_only,
               count(*) FILTER (WHERE a.first_assessment_on <= $as_of) AS key_assessed
        FROM missing m LEFT JOIN key_assessments a USING (household_id)
        GROUP BY 1 ORDER BY 1
    """
    frame = store.query(Store._numbered(sql), [*p_s, as_of])
    return frame if not frame.empty else pd.DataFrame(columns=KEY_METHOD_COLUMNS)


def screener_days(store: Store, scope: Scope, until: dt.date, limit: int) -> pd.DataFrame:
    """Per screener, village and day up to ``until``: records, home visits, and whether the
    screener's home visits that day, counted in every town, exceed ``limit``.

    The flag counts across the scope (as the spot-check frame does): 20 home visits in each of
    two towns are as implausible as 40 in one. Only the flag leaves the query, never another
    town's figures.
    """
    where, params = store.scope_sql(scope, "d")
    sql = f"""
        WITH loads AS (
            SELECT a.screener, a.day, sum(a.home_visits) AS home_visits
            FROM screener_days a WHERE a.day <= $as_of GROUP BY 1, 2)
        SELECT d.village_code, d.screener, d.day, d.records, d.home_visits,
               coalesce(l.home_visits > ?, FALSE) AS over_limit
        FROM screener_days d LEFT JOIN loads l ON l.screener = d.screener AND l.day = d.day
        WHERE {where} AND d.day <= $as_of
        ORDER BY 2, 1, 3
    """
    frame = store.query(Store._numbered(sql), [limit, *params, until])
    return _dates(frame) if not frame.empty else pd.DataFrame(columns=SCREENER_DAY_COLUMNS)
