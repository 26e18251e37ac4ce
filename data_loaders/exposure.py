"""The risk map's figures in SQL: village measures and exposure, hazard layers with indicators, at-risk households as compact point sets.

Everything is confined to a scope and read as of a date, like every other figure. Households
come out of here only as counts, grid cells or (for the key households drawn in clusters) masked
rows, never with ID numbers or phones.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from data_loaders import households
from data_loaders.reports import progress_table
from data_loaders.store import IS_KEY_SQL, Store
from paicha.config import MapOptions, Settings
from paicha.privacy import mask_name
from paicha.scope import Scope
from paicha.vocab import HazardKind, HeatSubject, KeyGroup

ALL_KINDS: tuple[str, ...] = tuple(k.value for k in HazardKind)
# Positions of single households are quantised to this many steps across the drawn area: about
# half a metre across a district, so two-byte integers carry them.
EXACT_STEPS = 65_535
METRES_PER_DEGREE = 111_320.0

# Per village, in this order, as the table, the CLI and the map read them.
VILLAGE_COLUMNS = [
    "town_code", "town_name", "village_code", "village_name", "households", "screened", "screened_pct",
    "expected", "lag", "status", "key_households", "key_home_visited", "key_not_home",
    "exposed", "exposed_unscreened", "exposed_key_not_home", "should_monitor",
]
EXPOSURE_COLUMNS = ["exposed", "exposed_unscreened", "exposed_key_not_home"]
ZONE_COLUMNS = ["zone_id", "kind", "level", "name", "village_code", "source", "crs", "geometry",
                "indicator", "indicator_name", "observed_on"]

# Predicates on household_facts (aliased h), the derived one-row-per-household table that already
# carries first dates, key groups and hazard kinds: at 5 million households a scan of it alone is
# ten times faster than households joined to household_status and searched in household_hazards.
_UNSCREENED = "(h.first_on IS NULL OR h.first_on > $as_of)"
_KEY_NOT_HOME = f"({IS_KEY_SQL} AND (h.first_home_on IS NULL OR h.first_home_on > $as_of))"


def _kinds_filter(kinds: Sequence[str]) -> tuple[str, list]:
    """Households exposed to any of the kinds (FALSE for none)."""
    if not kinds:
        return "FALSE", []
    marks = ", ".join("?" for _ in kinds)
    return f"coalesce(h.hazard_kinds && ARRAY[{marks}]::VARCHAR[], FALSE)", list(kinds)


def _village_exposure(store: Store, scope: Scope, as_of: dt.date, kinds: Sequence[str]) -> pd.DataFrame:
    """Per village: households exposed to any of the kinds, and how many of them are not yet
    screened, or (key households) not yet visited at home, by ``as_of``.
    """
    if not kinds:
        return pd.DataFrame(columns=["village_code", *EXPOSURE_COLUMNS])
    where_h, p_h = store.scope_sql(scope, "h")
    exposed, p_k = _kinds_filter(kinds)
    return store.query(Store._numbered(f"""
        SELECT h.village_code, count(*) AS exposed,
               count(*) FILTER (WHERE {_UNSCREENED}) AS exposed_unscreened,
               count(*) FILTER (WHERE {_KEY_NOT_HOME}) AS exposed_key_not_home
        FROM household_facts h
        WHERE {where_h} AND {exposed}
        GROUP BY 1 ORDER BY 1
    """), [*p_h, *p_k, as_of])


def village_measures(store: Store, settings: Settings, scope: Scope, as_of: dt.date,
                     kinds: Sequence[str] = ALL_KINDS) -> pd.DataFrame:
    """Every village of the scope with its progress and exposure figures (``VILLAGE_COLUMNS``).

    Progress is the domain's (``paicha.progress``), from the same per-village counts the other
    pages use, so the map, the village table and ``paicha progress`` always agree; the 应纳未纳
    candidates (``should_monitor``) are the households page's, by the same predicates.
    """
    progress = progress_table(store, settings, scope, as_of, "village")
    towns = store.towns(scope)
    frame = progress.rename(columns={"code": "village_code", "name": "village_name", "parent_code": "town_code"})
    frame["town_name"] = frame["town_code"].map(dict(zip(towns["town_code"], towns["town_name"], strict=True)))
    frame["key_not_home"] = frame["key_households"] - frame["key_home_visited"]
    frame = frame.merge(_village_exposure(store, scope, as_of, kinds), on="village_code", how="left")
    frame[EXPOSURE_COLUMNS] = frame[EXPOSURE_COLUMNS].fillna(0).astype(int)
    candidates = households.candidates_by_village(store, settings, scope, as_of)[["village_code", "candidates"]]
    frame = frame.merge(candidates.rename(columns={"candidates": "should_monitor"}), on="village_code", how="left")
    frame["should_monitor"] = frame["should_monitor"].fillna(0).astype(int)
    return frame[VILLAGE_COLUMNS].reset_index(drop=True)


def village_shapes(store: Store, scope: Scope) -> pd.DataFrame:
    """Per village: its stored area (GeoJSON, or None: a real store's divisions have none) and
    the mean position of its households, where a village without an area is drawn.
    """
    where_d, p_d = store.scope_sql(scope, "d")
    return store.query(f"""
        SELECT d.town_code, d.village_code, min(d.geometry) AS geometry,
               avg(h.lon) AS lon, avg(h.lat) AS lat
        FROM divisions d LEFT JOIN households h ON h.village_code = d.village_code AND h.lon IS NOT NULL
        WHERE {where_d} GROUP BY 1, 2 ORDER BY 2
    """, p_d)


def hazard_layers(store: Store, scope: Scope, kinds: Sequence[str] = ALL_KINDS) -> pd.DataFrame:
    """The scope's hazard zones of the given kinds, with indicator, its meaning, source and date."""
    zones = store.hazard_zones(scope)
    zones = zones[zones["kind"].isin(list(kinds))].reindex(columns=ZONE_COLUMNS)
    zones["observed_on"] = pd.to_datetime(zones["observed_on"]).dt.date
    return zones.reset_index(drop=True)


def village_hazards(zones: pd.DataFrame) -> dict[str, list[dict]]:
    """Per village code, the zones bound to it (village-level hazards, flood zones clipped to it)."""
    out: dict[str, list[dict]] = {}
    keep = ["kind", "zone_id", "name", "level", "indicator", "indicator_name", "source", "observed_on"]
    for zone in zones[zones["village_code"].notna()].sort_values(["village_code", "kind", "zone_id"]).itertuples():
        row = {k: getattr(zone, k) for k in keep}
        row = {k: None if not isinstance(v, str) and pd.isna(v) else v for k, v in row.items()}
        out.setdefault(zone.village_code, []).append(row)
    return out


# -- where the unreached live ----------------------------------------------------------------


@dataclass(frozen=True)
class PointSet:
    """Households as one compact array: positions quantised on a grid over ``bounds``, with a
    weight (households) per position.

    With ``aggregated`` False every household has its own position (``steps`` is
    ``EXACT_STEPS``, half a metre); otherwise the households are summed on ``steps`` × ``steps``
    cells, whose size ``cell_metres`` tells the page. ``households`` counts every household the
    set stands for; ``unlocated`` those without coordinates (counted, not drawn).
    """

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    bounds: tuple[float, float, float, float]
    steps: int
    households: int
    unlocated: int
    aggregated: bool

    @property
    def cell_metres(self) -> float:
        minx, miny, maxx, maxy = self.bounds
        wide = (maxx - minx) * METRES_PER_DEGREE * math.cos(math.radians((miny + maxy) / 2))
        return max(wide, (maxy - miny) * METRES_PER_DEGREE) / self.steps

    def lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Longitude and latitude of each position (cell centres)."""
        minx, miny, maxx, maxy = self.bounds
        return (minx + (self.x + 0.5) * (maxx - minx) / self.steps,
                miny + (self.y + 0.5) * (maxy - miny) / self.steps)

    @classmethod
    def empty(cls) -> PointSet:
        none = np.zeros(0, dtype=np.uint16)
        return cls(none, none, np.zeros(0, dtype=np.uint32), (0.0, 0.0, 0.0, 0.0), EXACT_STEPS, 0, 0, False)


def _at_risk(subjects: Sequence[str], kinds: Sequence[str], candidates: tuple[str, list] | None = None
             ) -> tuple[str, list]:
    """A household is at risk when any chosen subject applies to it (it then counts once).
    ``candidates`` is the 应纳未纳 sub-select (``households.candidates_subquery``), needed when
    that subject is chosen.
    """
    parts, params = [], []
    for subject in map(HeatSubject, subjects):
        if subject is HeatSubject.unscreened:
            parts.append(_UNSCREENED)
        elif subject is HeatSubject.key_not_home:
            parts.append(_KEY_NOT_HOME)
        elif subject is HeatSubject.should_monitor:
            if candidates is None:
                raise ValueError(subject)
            parts.append(f"h.household_id IN {candidates[0]}")
            params += candidates[1]
        else:
            sql, p = _kinds_filter(kinds)
            parts.append(sql)
            params += p
    return ("(" + " OR ".join(parts) + ")" if parts else "FALSE"), params


def heat_points(store: Store, scope: Scope, as_of: dt.date, subjects: Sequence[str], kinds: Sequence[str],
                cap: int, settings: Settings | None = None) -> PointSet:
    """The at-risk households for the heat layer: one position each while there are at most
    ``cap`` of them, else summed on a grid of at most ``cap`` cells. Two passes over the
    scope's households, both in the engine; pandas sees at most ``cap`` rows. The 应纳未纳
    subject needs ``settings`` (the rules' cut-offs).
    """
    if not subjects:  # no heat asked for: nothing to look for
        return PointSet.empty()
    where_h, p_h = store.scope_sql(scope, "h")
    candidates = (households.candidates_subquery(settings, scope, as_of)
                  if settings is not None and HeatSubject.should_monitor.value in subjects else None)
    risk, p_r = _at_risk(subjects, kinds, candidates)
    # Positions only for the households at risk: the roster is joined to what the facts selected.
    base = f"""FROM household_facts h JOIN households g USING (household_id)
               WHERE {where_h} AND {risk}"""
    # Exposure alone does not depend on the date: the date is a parameter only when it is used.
    day = [as_of] if "$as_of" in risk else []
    n, unlocated, minx, maxx, miny, maxy = store.cursor().execute(Store._numbered(f"""
        SELECT count(*) FILTER (WHERE g.lon IS NOT NULL AND g.lat IS NOT NULL),
               count(*) FILTER (WHERE g.lon IS NULL OR g.lat IS NULL),
               min(g.lon), max(g.lon), min(g.lat), max(g.lat) {base}
    """), [*p_h, *p_r, *day]).fetchall()[0]
    if not n:
        return replace(PointSet.empty(), unlocated=int(unlocated))
    aggregated = n > cap
    steps = max(1, math.isqrt(cap)) if aggregated else EXACT_STEPS
    # A single household (or one spot) still needs a non-empty box to be placed in.
    span_x, span_y = max(maxx - minx, 1e-6), max(maxy - miny, 1e-6)
    cells = store.query(Store._numbered(f"""
        SELECT least(CAST(floor((g.lon - ?) / ? * ?) AS INTEGER), ?) AS qx,
               least(CAST(floor((g.lat - ?) / ? * ?) AS INTEGER), ?) AS qy, count(*) AS w
        {base} AND g.lon IS NOT NULL AND g.lat IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
    """), [minx, span_x, steps, steps - 1, miny, span_y, steps, steps - 1, *p_h, *p_r, *day])
    return PointSet(cells["qx"].to_numpy(np.uint16), cells["qy"].to_numpy(np.uint16),
                    cells["w"].to_numpy(np.uint32), (minx, miny, minx + span_x, miny + span_y), steps,
                    int(n), int(unlocated), aggregated)


@dataclass(frozen=True)
class KeyPoints:
    """Key households not visited at home by the as-of date.

    ``points`` holds them one by one (household id, village, masked head name, key-group bits,
    position) when there are at most the cap; otherwise it is empty, ``aggregated`` is True and
    the map draws ``per_village`` counts instead. ``total`` counts all of them, located or not.
    """

    points: pd.DataFrame
    per_village: pd.DataFrame
    total: int
    aggregated: bool

    @property
    def located(self) -> int:
        return len(self.points)


KEY_GROUP_BITS = {group.column: 1 << i for i, group in enumerate(KeyGroup)}


def key_not_home(store: Store, scope: Scope, as_of: dt.date, cap: int, villages: pd.DataFrame) -> KeyPoints:
    """The key households nobody has visited at home yet: one query with ``LIMIT cap + 1``
    tells whether they fit; the per-village counts come from ``villages`` (village_measures).
    """
    per_village = villages.loc[villages["key_not_home"] > 0, ["village_code", "key_not_home"]].reset_index(drop=True)
    total = int(per_village["key_not_home"].sum())
    where_h, p_h = store.scope_sql(scope, "h")
    bits = " + ".join(f"CASE WHEN h.{column} THEN {bit} ELSE 0 END" for column, bit in KEY_GROUP_BITS.items())
    rows = store.query(Store._numbered(f"""
        SELECT h.household_id, h.village_code, g.head_name, g.lon, g.lat, {bits} AS groups
        FROM household_facts h JOIN households g USING (household_id)
        WHERE {where_h} AND {_KEY_NOT_HOME} AND g.lon IS NOT NULL AND g.lat IS NOT NULL
        ORDER BY h.household_id LIMIT ?
    """), [*p_h, cap + 1, as_of])
    if len(rows) > cap:
        return KeyPoints(rows.iloc[:0], per_village, total, True)
    rows["head_name"] = rows["head_name"].map(mask_name)
    return KeyPoints(rows, per_village, total, False)


@dataclass(frozen=True)
class RiskView:
    """What the risk map draws for a scope and date: villages (measures, area, position), hazard
    zones, the heat point set and the key households not visited at home.
    """

    as_of: dt.date
    kinds: tuple[str, ...]
    subjects: tuple[str, ...]
    villages: pd.DataFrame
    zones: pd.DataFrame
    heat: PointSet
    key: KeyPoints


def risk_view(store: Store, settings: Settings, scope: Scope, as_of: dt.date, kinds: Sequence[str],
              subjects: Sequence[str], options: MapOptions | None = None) -> RiskView:
    """Everything the map (and its PNG) needs, in a handful of queries."""
    options = options or settings.map_options
    kinds, subjects = tuple(kinds), tuple(subjects)
    measures = village_measures(store, settings, scope, as_of, kinds)
    villages = measures.merge(village_shapes(store, scope).drop(columns=["town_code"]), on="village_code", how="left")
    return RiskView(as_of, kinds, subjects, villages, hazard_layers(store, scope, kinds),
                    heat_points(store, scope, as_of, subjects, kinds, options.heat_cap, settings),
                    key_not_home(store, scope, as_of, options.cluster_cap, measures))
