"""Reference divisions: reads the shipped town/village list and the district outline."""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape

from data_loaders.store import DIVISION_COLUMNS, Store
from paicha.text import t
from paicha.vocab import DivisionKind

REFERENCE = resources.files("data_loaders").joinpath("reference")
"""The NBS divisions and the outline of the default district, shipped as package data."""


def division_kind(village_code: str) -> DivisionKind:
    """NBS rule on the last three digits: 001–199 居委会/社区, 200–399 村委会."""
    suffix = int(village_code[-3:])
    return DivisionKind.community if suffix < 200 else DivisionKind.village


def read_divisions(path: Path | None = None) -> pd.DataFrame:
    """The reference list as a frame: town_code, town_name, village_code, village_name, kind.

    ``path`` None reads the list shipped with the package. Codes are read as text: a 12-digit
    code read as a number would still round-trip, but a leading-zero code elsewhere in the
    country would not.
    """
    source: Path | Traversable = path or REFERENCE.joinpath("divisions.csv")
    with source.open("rb") as fh:
        frame = pd.read_csv(fh, dtype=str, encoding="utf-8").fillna("")
    bad = frame[~frame["village_code"].str.fullmatch(r"\d{12}") | ~frame["town_code"].str.fullmatch(r"\d{12}")]
    if not bad.empty:
        raise ValueError(t("errors.divisions.bad_code", file=source.name, row=bad.index[0] + 2))
    mismatch = frame[frame["village_code"].str[:9] != frame["town_code"].str[:9]]
    if not mismatch.empty:
        raise ValueError(t("errors.divisions.village_of_other_town", file=source.name, row=mismatch.index[0] + 2))
    frame["kind"] = frame["village_code"].map(lambda c: division_kind(c).value)
    return frame[["town_code", "town_name", "village_code", "village_name", "kind"]]


def read_outline(path: Path | None = None) -> shapely.Geometry:
    """The district outline (WGS-84) as one shapely geometry; None reads the shipped one."""
    source: Path | Traversable = path or REFERENCE.joinpath("district_outline.geojson")
    with source.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return shapely.union_all([shape(f["geometry"]) for f in data["features"]])


def ensure_divisions(store: Store, divisions_file: Path | None = None) -> bool:
    """Load the reference divisions into an empty store (no geometry: none is public).

    Returns True when it loaded them. Imports need them to resolve towns and villages.
    """
    if store.count("divisions"):
        return False
    frame = read_divisions(divisions_file).assign(geometry=None)
    with store.transaction(refresh=False) as cur:
        store.insert_frame(cur, "divisions", frame, DIVISION_COLUMNS)
    return True
