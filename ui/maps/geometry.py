"""Shapes for drawing: stored GeoJSON read safely, made compact, shifted onto GCJ-02, town outlines dissolved from villages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from paicha.geo import wgs84_to_gcj02

# About 5 m at 41°N: finer than any schematic or surveyed boundary shown at district scale,
# and it keeps the village areas a few kilobytes each.
SIMPLIFY_DEGREES = 0.00005
DECIMALS = 5


def shape(geometry_json: object) -> shapely.Geometry | None:
    """A stored geometry, or None when it is missing, empty or unreadable (never drawable)."""
    if not isinstance(geometry_json, str) or not geometry_json.strip():
        return None
    try:
        geom = shapely.from_geojson(geometry_json)
    except shapely.errors.GEOSException:
        return None
    return None if geom is None or geom.is_empty else geom


def shift(geometry: shapely.Geometry, gcj: bool) -> shapely.Geometry:
    """The geometry on the GCJ-02 grid of AMap tiles, or unchanged."""
    if not gcj:
        return geometry
    return shapely.transform(geometry, lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))


def compact(geometry: shapely.Geometry, gcj: bool = False) -> dict:
    """GeoJSON of a geometry, simplified and rounded for sending to a browser."""
    simple = shapely.simplify(geometry, SIMPLIFY_DEGREES, preserve_topology=True)
    rounded = shapely.transform(shift(simple, gcj), lambda xy: np.round(xy, DECIMALS))
    return mapping(rounded)


def drawable_zones(zones: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The zones that have a polygon to draw, and how many were left out for lacking one.

    Imports refuse zones without a polygon; a store written before that may still hold some,
    and one bad row must not take the whole map down.
    """
    if zones.empty:
        return zones, 0
    keep = zones["geometry"].map(lambda g: shape(g) is not None)
    return zones[keep], int((~keep).sum())


def town_outlines(villages: pd.DataFrame) -> list[tuple[str, str, shapely.Geometry]]:
    """(town code, town name, outline) per town, dissolved from its villages' areas.

    The schematic village cells share their edges, so the union is the town's outer boundary;
    a town none of whose villages has an area gets no outline.
    """
    out = []
    for (code, name), group in villages.groupby(["town_code", "town_name"], sort=True):
        shapes = [g for g in map(shape, group["geometry"]) if g is not None]
        if shapes:
            # A hair of buffer closes the slivers left between cells clipped one by one.
            out.append((code, name, shapely.union_all([s.buffer(1e-7) for s in shapes]).buffer(-1e-7)))
    return out


def extent(villages: pd.DataFrame, zones: pd.DataFrame | None = None) -> tuple[float, float, float, float] | None:
    """The box around the villages' areas (or positions), and the zones bound to them."""
    boxes = [shapely.bounds(g) for g in map(shape, villages.get("geometry", [])) if g is not None]
    if "lon" in villages:
        located = villages.dropna(subset=["lon", "lat"])
        boxes += [(x, y, x, y) for x, y in zip(located["lon"], located["lat"], strict=True)]
    if zones is not None and len(zones):
        boxes += [shapely.bounds(g) for g in map(shape, zones["geometry"]) if g is not None]
    if not boxes:
        return None
    arr = np.asarray(boxes, dtype=float)
    return float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max())
