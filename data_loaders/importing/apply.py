"""Counts what a validated batch would change and writes it, in SQL against the store.

Counting and writing share one staging query per kind, so a dry run reports exactly what the
write would do. The caller owns the transaction: nothing here commits.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import shapely

from data_loaders.importing.spec import ImportKind
from data_loaders.importing.sql import registered
from data_loaders.importing.validate import KEEP_PREFIX, Validated
from data_loaders.store import (
    GUARANTEE_COLUMNS,
    HAZARD_COLUMNS,
    KEY_COLUMNS,
    MILESTONE_COLUMNS,
    ROSTER_COLUMNS,
    SCREENING_COLUMNS,
)
from paicha.vocab import KeyGroup, MonitorType

SCREENING_KEY = ("household_id", "screened_on", "method", "screener")

# Upsert kinds: table, key and columns; a column a file lacked falls back to the stored value,
# or for a new row to the column's default.
_UPSERTS = {
    ImportKind.households: ("households", "household_id", ROSTER_COLUMNS),
    ImportKind.milestones: ("milestones", "town_code", MILESTONE_COLUMNS),
    ImportKind.hazards: ("hazard_zones", "zone_id", HAZARD_COLUMNS),
}
_DEFAULTS = dict.fromkeys([*KEY_COLUMNS, *GUARANTEE_COLUMNS, "disaster_affected"], "FALSE") | {
    "monitor_type": f"'{MonitorType.none.value}'"}


def _types(cur: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Each column's type as the engine spells it (what CAST takes)."""
    return {row[0]: row[1] for row in cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?", [table]).fetchall()}


def _staged_upsert(cur: duckdb.DuckDBPyConnection, kind: ImportKind, frame: pd.DataFrame) -> str:
    """SELECT producing the rows the table will hold for each incoming key."""
    table, key, columns = _UPSERTS[kind]
    types = _types(cur, table)
    select = []
    for col in columns:
        value = f"CAST(i.{col} AS {types[col]})"
        if KEEP_PREFIX + col in frame.columns:
            kept = f"coalesce(h.{col}, {_DEFAULTS[col]})" if col in _DEFAULTS else f"h.{col}"
            value = f"CASE WHEN i.{KEEP_PREFIX}{col} THEN {kept} ELSE {value} END"
        select.append(f"{value} AS {col}")
    return (f"SELECT {', '.join(select)} FROM _incoming i "
            f"LEFT JOIN {table} h ON h.{key} = CAST(i.{key} AS VARCHAR)")


def _same(columns: list[str], left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in columns)


def _screenings_incoming(cur: duckdb.DuckDBPyConnection) -> str:
    types = _types(cur, "screenings")
    return "SELECT " + ", ".join(f"CAST(i.{c} AS {types[c]}) AS {c}" for c in SCREENING_COLUMNS) + \
        " FROM _incoming i"


def _screening_exists(columns) -> str:
    return f"EXISTS (SELECT 1 FROM screenings s WHERE {_same(list(columns), 's', 'i')})"


def _key_group_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop_duplicates(["household_id", "key_group"]).reset_index(drop=True)


def count_changes(cur: duckdb.DuckDBPyConnection, batch: Validated) -> tuple[int, int, int]:
    """(new, changed, unchanged) rows of ``batch`` against what the store holds now.

    For screenings, "changed" counts records whose key (户编号, 日期, 方式, 人员) is already
    stored with other details: the append mode skips them like the unchanged ones.
    """
    kind, frame = batch.kind, batch.frame
    if kind in _UPSERTS:
        table, key, columns = _UPSERTS[kind]
        with registered(cur, "_incoming", frame):
            row = cur.execute(
                f"WITH s AS ({_staged_upsert(cur, kind, frame)}) "
                f"SELECT count(*) FILTER (WHERE h.{key} IS NULL), "
                f"count(*) FILTER (WHERE h.{key} IS NOT NULL AND NOT ({_same(columns, 's', 'h')})), "
                f"count(*) FILTER (WHERE h.{key} IS NOT NULL AND ({_same(columns, 's', 'h')})) "
                f"FROM s LEFT JOIN {table} h ON h.{key} = s.{key}"
            ).fetchall()[0]
        return int(row[0]), int(row[1]), int(row[2])
    if kind is ImportKind.screenings:
        unique = frame.drop_duplicates(list(SCREENING_KEY))
        with registered(cur, "_incoming", unique):
            new, changed, unchanged = cur.execute(
                f"WITH i AS ({_screenings_incoming(cur)}) "
                f"SELECT count(*) FILTER (WHERE NOT {_screening_exists(SCREENING_KEY)}), "
                f"count(*) FILTER (WHERE {_screening_exists(SCREENING_KEY)} "
                f"AND NOT {_screening_exists(SCREENING_COLUMNS)}), "
                f"count(*) FILTER (WHERE {_screening_exists(SCREENING_COLUMNS)}) FROM i"
            ).fetchall()[0]
        return int(new), int(changed), int(unchanged) + len(frame) - len(unique)
    pairs = _key_group_pairs(frame)
    flag = "CASE p.key_group " + " ".join(f"WHEN '{g.value}' THEN h.{g.column}" for g in KeyGroup) + " END"
    with registered(cur, "_pairs", pairs):
        changed, unchanged = cur.execute(
            f"SELECT count(*) FILTER (WHERE NOT coalesce({flag}, FALSE)), "
            f"count(*) FILTER (WHERE coalesce({flag}, FALSE)) "
            f"FROM _pairs p LEFT JOIN households h USING (household_id)"
        ).fetchall()[0]
    return 0, int(changed), int(unchanged) + len(frame) - len(pairs)


def household_changes(cur: duckdb.DuckDBPyConnection, batch: Validated) -> pd.DataFrame:
    """Roster rows whose 户编号 is stored with another town, village or head's ID number.

    One row per such household, in file order: ``idx`` (the batch frame's index), household_id,
    old/new town_code, village_code and head_id_number. A stored household without an ID
    number that gets one is not a change of ID number.
    """
    columns = ["household_id", "town_code", "village_code", "head_id_number"]
    incoming = batch.frame[columns].astype(object).assign(_idx=batch.frame.index.to_numpy())
    with registered(cur, "_incoming", incoming):
        return cur.execute(
            "SELECT i._idx AS idx, i.household_id, "
            "h.town_code AS old_town_code, i.town_code AS new_town_code, "
            "h.village_code AS old_village_code, i.village_code AS new_village_code, "
            "h.head_id_number AS old_id_number, i.head_id_number AS new_id_number "
            "FROM _incoming i JOIN households h ON h.household_id = CAST(i.household_id AS VARCHAR) "
            "WHERE h.town_code IS DISTINCT FROM i.town_code OR h.village_code IS DISTINCT FROM i.village_code "
            "OR (h.head_id_number IS NOT NULL AND h.head_id_number IS DISTINCT FROM i.head_id_number) "
            "ORDER BY i._idx"
        ).df()


def apply_batch(cur: duckdb.DuckDBPyConnection, batch: Validated) -> None:
    """Write one validated kind inside the caller's transaction."""
    kind, frame = batch.kind, batch.frame
    if kind in _UPSERTS:
        table, key, columns = _UPSERTS[kind]
        cols = ", ".join(columns)
        update = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
        with registered(cur, "_incoming", frame):
            cur.execute(f"INSERT INTO {table} ({cols}) "
                        f"SELECT {cols} FROM ({_staged_upsert(cur, kind, frame)}) AS staged "
                        f"ON CONFLICT ({key}) DO UPDATE SET {update}")
        if kind is ImportKind.households:
            _follow_moved_households(cur, frame)
            recompute_exposures(cur, household_ids=frame["household_id"].tolist())
        elif kind is ImportKind.hazards:
            recompute_exposures(cur, zone_ids=frame["zone_id"].tolist())
    elif kind is ImportKind.screenings:
        unique = frame.drop_duplicates(list(SCREENING_KEY))
        cols = ", ".join(SCREENING_COLUMNS)
        with registered(cur, "_incoming", unique):
            cur.execute(f"INSERT INTO screenings ({cols}) SELECT {cols} FROM "
                        f"({_screenings_incoming(cur)}) i WHERE NOT {_screening_exists(SCREENING_KEY)}")
    else:
        pairs = _key_group_pairs(frame)
        with registered(cur, "_pairs", pairs):
            for group in KeyGroup:
                if (pairs["key_group"] == group.value).any():
                    cur.execute(
                        f"UPDATE households SET {group.column} = TRUE WHERE NOT {group.column} "
                        f"AND household_id IN (SELECT household_id FROM _pairs WHERE key_group = ?)",
                        [group.value],
                    )


def _follow_moved_households(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Screenings carry their household's town and village for scoping; a roster that moves a
    household to another village must move its screenings too, or a town would lose them.
    """
    ids = pd.DataFrame({"household_id": frame["household_id"].astype(object)})
    with registered(cur, "_moved", ids):
        cur.execute(
            "UPDATE screenings SET town_code = h.town_code, village_code = h.village_code "
            "FROM households h WHERE screenings.household_id = h.household_id "
            "AND h.household_id IN (SELECT household_id FROM _moved) "
            "AND (screenings.village_code <> h.village_code OR screenings.town_code <> h.town_code)"
        )


def recompute_exposures(cur: duckdb.DuckDBPyConnection, *, zone_ids: list[str] | None = None,
                        household_ids: list[str] | None = None) -> None:
    """Rebuild household_hazards for the given zones (against all households) or the given
    households (against all zones): a household is exposed when its point lies inside a zone's
    polygon, or, for a zone without a polygon, when it lives in the zone's village. With neither
    list, every zone is matched against every household.
    """
    if zone_ids is None and household_ids is None:
        # Everything: used when a whole district is (re)built, as the demo generator does.
        cur.execute("DELETE FROM household_hazards")
        zones = cur.execute("SELECT zone_id, kind, village_code, geometry FROM hazard_zones").df()
        household_filter = "TRUE"
    elif zone_ids is not None:
        keys = pd.DataFrame({"zone_id": pd.Series(zone_ids, dtype=object)})
        with registered(cur, "_zones", keys):
            cur.execute("DELETE FROM household_hazards WHERE zone_id IN (SELECT zone_id FROM _zones)")
            zones = cur.execute("SELECT zone_id, kind, village_code, geometry FROM hazard_zones "
                                "WHERE zone_id IN (SELECT zone_id FROM _zones)").df()
        household_filter = "TRUE"
    else:
        zones = cur.execute("SELECT zone_id, kind, village_code, geometry FROM hazard_zones").df()
        household_filter = "household_id IN (SELECT household_id FROM _households)"
    keys = pd.DataFrame({"household_id": pd.Series(household_ids or [], dtype=object)})
    with registered(cur, "_households", keys):
        if household_ids is not None:
            cur.execute("DELETE FROM household_hazards WHERE household_id IN "
                        "(SELECT household_id FROM _households)")
        found = []
        for zone in zones.itertuples(index=False):
            if zone.geometry is None or pd.isna(zone.geometry):
                if zone.village_code is None or pd.isna(zone.village_code):
                    continue
                ids = cur.execute(f"SELECT household_id FROM households WHERE village_code = ? "
                                  f"AND {household_filter}", [zone.village_code]).df()["household_id"]
            else:
                geometry = shapely.from_geojson(zone.geometry)
                shapely.prepare(geometry)
                minx, miny, maxx, maxy = shapely.bounds(geometry)
                # The bounding box in SQL keeps the point-in-polygon test to nearby households.
                near = cur.execute(
                    f"SELECT household_id, lon, lat FROM households WHERE {household_filter} "
                    f"AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?", [minx, maxx, miny, maxy]
                ).df()
                inside = shapely.contains_xy(geometry, near["lon"].to_numpy(float), near["lat"].to_numpy(float))
                ids = near["household_id"][np.asarray(inside, dtype=bool)]
            found.append(pd.DataFrame({"household_id": ids.astype(object), "zone_id": zone.zone_id,
                                       "kind": zone.kind}))
    exposures = pd.concat(found, ignore_index=True) if found else pd.DataFrame()
    if not exposures.empty:
        with registered(cur, "_exposures", exposures):
            cur.execute("INSERT INTO household_hazards (household_id, zone_id, kind) "
                        "SELECT household_id, zone_id, kind FROM _exposures")
