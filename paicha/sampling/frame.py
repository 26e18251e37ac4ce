"""The sampling frame: its columns, its fingerprint, and its validation into sorted arrays."""

from __future__ import annotations

import hashlib
import json
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from paicha.text import joined, t
from paicha.vocab import SpotCheckReason

FLAG_COLUMNS: tuple[str, ...] = (
    SpotCheckReason.key_not_home_visited.value,
    SpotCheckReason.screener_overload.value,
    SpotCheckReason.far_visit.value,
    SpotCheckReason.hazard_exposed.value,
)
"""Back-check flags, in the priority used to name the reason a household was drawn."""

FRAME_COLUMNS: tuple[str, ...] = (
    "household_id",
    "town_code",
    "village_code",
    "screener",
    "is_key",
    "screened",
    *FLAG_COLUMNS,
)
"""Columns of a sampling frame, in the order used for hashing."""

BOOL_COLUMNS: frozenset[str] = frozenset({"is_key", "screened", *FLAG_COLUMNS})

SAMPLE_COLUMNS: tuple[str, ...] = (
    "household_id",
    "village_code",
    "stratum",
    "inclusion_probability",
    "reason",
)

REASON_RANDOM = SpotCheckReason.random.value
REASON_CERTAINTY = SpotCheckReason.certainty.value
ALL_STRATUM = "all"

# Versioned so that a future change of the serialisation cannot silently match an old hash.
_HASH_PREFIX = "paicha-frame-v1\n"


def _canonical_column(series: pd.Series, boolean: bool, name: str) -> list[object]:
    missing = series.isna().to_numpy()
    values = series.to_numpy(dtype=object)
    out: list[object] = []
    for value, is_missing in zip(values, missing, strict=True):
        if is_missing:
            out.append(None)
        elif boolean:
            if not isinstance(value, bool | np.bool_ | numbers.Number):
                raise ValueError(t("errors.sampling.boolean", name=name))
            out.append(bool(value))
        else:
            out.append(str(value))
    return out


def frame_hash(frame: pd.DataFrame) -> str:
    """SHA-256 fingerprint of a sampling frame's content, independent of row order.

    A drawn sample is only reproducible if one can show which frame it was drawn from; the
    hash is stored next to the seed. Rows are sorted by ``household_id``, only the known
    frame columns are used (in the fixed order of ``FRAME_COLUMNS``, so extra working columns
    do not change the fingerprint), missing values become ``null``, flags become ``true`` /
    ``false`` whatever their dtype, and everything else is compared as text.

    Parameters
    ----------
    frame
        One row per household; must contain ``household_id``.

    Returns
    -------
    str
        64 hexadecimal characters.
    """
    if "household_id" not in frame.columns:
        raise ValueError(t("errors.sampling.frame_columns", columns="household_id"))
    columns = [c for c in FRAME_COLUMNS if c in frame.columns]
    canonical = [_canonical_column(frame[c], c in BOOL_COLUMNS, c) for c in columns]
    rows = [
        json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        for row in zip(*canonical, strict=True)
    ]
    ids = canonical[0]
    keyed = sorted(zip(ids, rows, strict=True), key=lambda pair: (pair[0] or "", pair[1]))
    ordered = [row for _, row in keyed]
    payload = _HASH_PREFIX + json.dumps(columns) + "\n" + "\n".join(ordered)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _as_bool(series: pd.Series, name: str) -> pd.Series:
    # A missing flag or status is read as "not set": an unknown flag must not earn extra
    # weight, and an unknown screening status cannot be re-checked.
    if series.dtype == bool:
        return series
    try:
        return series.astype("boolean").fillna(False).astype(bool)
    except (TypeError, ValueError) as exc:
        raise ValueError(t("errors.sampling.boolean", name=name)) from exc


Units = dict[str, np.ndarray]
"""Columns of a prepared frame as aligned numpy arrays, rows sorted by household_id."""


def prepare(frame: pd.DataFrame, required: Iterable[str]) -> Units:
    """Validated columns as numpy arrays, rows sorted by household_id.

    Sorting before any random draw makes the sample a function of the frame's content only,
    not of the order in which a spreadsheet happened to list the households. Text becomes
    ``str`` (``None`` for a missing screener), flags and statuses become ``bool``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(t("errors.sampling.frame_type"))
    required = list(dict.fromkeys(["household_id", *required]))
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(t("errors.sampling.frame_columns", columns=joined(missing)))
    units: Units = {}
    for column in required:
        series = frame[column]
        if column in BOOL_COLUMNS:
            units[column] = _as_bool(series, column).to_numpy(dtype=bool)
        elif column == "screener":
            known = series.notna().to_numpy()
            values = series.to_numpy(dtype=object)
            units[column] = np.array(
                [str(v) if k else None for v, k in zip(values, known, strict=True)], dtype=object
            )
        else:
            if series.isna().any():
                raise ValueError(t("errors.sampling.missing_values", name=column))
            units[column] = np.array([str(v) for v in series.to_numpy(dtype=object)], dtype=object)
    order = np.argsort(units["household_id"], kind="stable")
    units = {column: values[order] for column, values in units.items()}
    ids = units["household_id"]
    if len(ids) > 1 and (ids[1:] == ids[:-1]).any():
        raise ValueError(t("errors.sampling.frame_duplicate_id"))
    return units


def take(units: Units, rows: np.ndarray) -> Units:
    return {column: values[rows] for column, values in units.items()}


def group_positions(keys: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(key, positions) for each distinct key in sorted order; positions stay in frame order."""
    if len(keys) == 0:
        return []
    distinct, inverse = np.unique(keys, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=len(distinct)))[:-1]
    return list(zip(distinct.tolist(), np.split(order, bounds), strict=True))
