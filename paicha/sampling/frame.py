"""The sampling frame: its columns, its fingerprint, and its validation into sorted arrays."""

from __future__ import annotations

import hashlib
import json
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
_HASH_PREFIX_V2 = "paicha-frame-v2\n"
FRAME_HASH_VERSION = 2
"""The serialisation :func:`frame_hash` uses unless told otherwise; stored with every draw."""
# A flag cell of the v2 serialisation: false, true, missing.
_FLAG_FALSE, _FLAG_TRUE, _FLAG_MISSING = 0, 1, 2


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


def _hashed_columns(frame: pd.DataFrame) -> list[str]:
    """The frame columns a fingerprint covers, in ``FRAME_COLUMNS`` order (every version alike)."""
    if "household_id" not in frame.columns:
        raise ValueError(t("errors.sampling.frame_columns", columns="household_id"))
    return [c for c in FRAME_COLUMNS if c in frame.columns]


def frame_hash_v1(frame: pd.DataFrame) -> str:
    """SHA-256 fingerprint of a sampling frame's content, independent of row order (version 1).

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
    columns = _hashed_columns(frame)
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


def _text_cells(series: pd.Series) -> pa.Array:
    """A text column as an Arrow string array, missing values null, anything else ``str(value)``."""
    missing = series.isna().to_numpy(dtype=bool)
    if isinstance(series.dtype, pd.StringDtype | pd.ArrowDtype):
        return pa.array(series, type=pa.large_string(), from_pandas=True)
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) == "string":
        # Text already: no per-cell conversion, only the missing ones (NaN, NA) made None.
        if missing.any():
            values = values.copy()
            values[missing] = None
        return pa.array(values, type=pa.large_string())
    return pa.array([None if m else str(v) for v, m in zip(values, missing, strict=True)],
                    type=pa.large_string())


def _flag_cells(series: pd.Series, name: str) -> np.ndarray:
    """A flag column as int8 codes (false, true, missing), whatever its dtype."""
    missing = series.isna().to_numpy(dtype=bool)
    if series.dtype == bool:
        return series.to_numpy(dtype=np.int8)
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        truth = series.to_numpy(dtype=float, na_value=0.0) != 0
    else:
        values = series.to_numpy(dtype=object)
        for value, is_missing in zip(values, missing, strict=True):
            if not is_missing and not isinstance(value, bool | np.bool_ | numbers.Number):
                raise ValueError(t("errors.sampling.boolean", name=name))
        truth = np.array([False if m else bool(v) for v, m in zip(values, missing, strict=True)], dtype=bool)
    return np.where(missing, _FLAG_MISSING, np.where(truth, _FLAG_TRUE, _FLAG_FALSE)).astype(np.int8)


def _row_order(table: pa.Table) -> np.ndarray | None:
    """Positions that sort the rows by every column in turn; None when they already are in order.

    Ties of ``household_id`` (which a valid frame has none of) are broken by the other cells, so
    the order depends on the content only. A frame straight from the store is sorted by id
    already, which one vectorised comparison confirms.
    """
    ids = table.column(0)
    if len(ids) < 2:
        return None
    if ids.null_count == 0 and pc.all(pc.greater(ids[1:], ids[:-1])).as_py():
        return None
    keys = [(name, "ascending", "at_start") for name in table.column_names]
    return pc.sort_indices(table, sort_keys=keys).to_numpy()


def frame_hash_v2(frame: pd.DataFrame) -> str:
    r"""SHA-256 fingerprint of a sampling frame's content, independent of row order (version 2).

    The same content as version 1 (the known frame columns in ``FRAME_COLUMNS`` order, text as
    text, flags as true/false whatever their dtype, missing values as such), serialised column by
    column so that it is computed with array operations instead of one JSON line per household:

    - ``paicha-frame-v2\n``, the JSON list of the columns used, ``\n``, the row count and ``\n``;
    - the rows sorted by every column in turn (text bytewise, missing first);
    - per text column: one byte per row (1 present, 0 missing), the UTF-8 lengths as
      little-endian int64, then the UTF-8 bytes of the present cells one after another;
    - per flag column: one byte per row, 0 false, 1 true, 2 missing.

    Parameters
    ----------
    frame
        One row per household; must contain ``household_id``.

    Returns
    -------
    str
        64 hexadecimal characters.
    """
    columns = _hashed_columns(frame)
    cells = {c: (_flag_cells(frame[c], c) if c in BOOL_COLUMNS else _text_cells(frame[c])) for c in columns}
    texts = [c for c in columns if c not in BOOL_COLUMNS]
    order = _row_order(pa.table({c: cells[c] for c in columns}))
    digest = hashlib.sha256(f"{_HASH_PREFIX_V2}{json.dumps(columns)}\n{len(frame)}\n".encode())
    for column in columns:
        values = cells[column]
        if column not in texts:
            digest.update((values if order is None else values[order]).tobytes())
            continue
        if order is not None:
            values = values.take(pa.array(order))
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        digest.update(values.is_valid().to_numpy(zero_copy_only=False).astype(np.uint8).tobytes())
        filled = pc.fill_null(values, "")
        offsets = np.frombuffer(filled.buffers()[1], dtype="<i8")[filled.offset:filled.offset + len(filled) + 1]
        digest.update(np.diff(offsets).astype("<i8").tobytes())
        data = filled.buffers()[2]
        if data is not None:
            digest.update(memoryview(data)[int(offsets[0]):int(offsets[-1])])
    return digest.hexdigest()


FRAME_HASHES = {1: frame_hash_v1, 2: frame_hash_v2}
"""Each serialisation version and its function: a stored draw is checked with its own version."""


def frame_hash(frame: pd.DataFrame, version: int = FRAME_HASH_VERSION) -> str:
    """SHA-256 fingerprint of a sampling frame's content, independent of row order.

    A drawn sample is only reproducible if one can show which frame it was drawn from; the
    hash is stored next to the seed, with its ``version`` (see :func:`frame_hash_v1`,
    :func:`frame_hash_v2`). Only the known frame columns count, so extra working columns do not
    change the fingerprint.

    Parameters
    ----------
    frame
        One row per household; must contain ``household_id``.
    version
        Serialisation version; 1 is the per-row JSON of draws stored before version 2 existed.

    Returns
    -------
    str
        64 hexadecimal characters.
    """
    return FRAME_HASHES[version](frame)


def _as_bool(series: pd.Series, name: str) -> pd.Series:
    # A missing flag or status is read as "not set": an unknown flag must not earn extra
    # weight, and an unknown screening status cannot be re-checked.
    if series.dtype == bool:
        return series
    try:
        return series.astype("boolean").fillna(False).astype(bool)
    except (TypeError, ValueError) as exc:
        raise ValueError(t("errors.sampling.boolean", name=name)) from exc


Units = dict[str, np.ndarray | pd.api.extensions.ExtensionArray]
"""Columns of a prepared frame as aligned numpy arrays, rows sorted by household_id."""

ROW = "_row"
"""The units' key of each unit's position in the frame it was prepared from."""


def prepare(frame: pd.DataFrame, required: Iterable[str]) -> Units:
    """Validated columns as numpy arrays, rows sorted by household_id, with their frame positions (``ROW``).

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
            units[column] = _as_text(series, known)
        else:
            if series.isna().any():
                raise ValueError(t("errors.sampling.missing_values", name=column))
            units[column] = _as_text(series, None)
    # Carried along so that a sample can say where in the frame each household is: finding
    # 650,000 drawn ids among millions again cost a second.
    units[ROW] = np.arange(len(frame), dtype=np.intp)
    ids = units["household_id"]
    if not _strictly_increasing(ids):
        order = np.argsort(ids, kind="stable")
        units = {column: values[order] for column, values in units.items()}
        ids = units["household_id"]
        if len(ids) > 1 and (ids[1:] == ids[:-1]).any():
            raise ValueError(t("errors.sampling.frame_duplicate_id"))
    return units


def _as_text(series: pd.Series, known: np.ndarray | None) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """``str`` of every cell (missing where not ``known``) as an array indexable like numpy's.

    Arrow-backed text (what the store's frame holds) is kept as it is: turning millions of ids
    into Python strings costs seconds and a gigabyte, and only the drawn few are ever read out.
    Other cells that are text already are kept too (``str`` of a ``str`` is itself).
    """
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        return series.array
    values = series.to_numpy(dtype=object)
    missing = None if known is None else ~known
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "string":
        if missing is not None and missing.any():
            values = values.copy()
            values[missing] = None
        return values
    if missing is None:
        return np.array([str(v) for v in values], dtype=object)
    return np.array([None if m else str(v) for v, m in zip(values, missing, strict=True)], dtype=object)


def _strictly_increasing(ids: np.ndarray) -> bool:
    """Whether the ids are already sorted without repeats (a frame from the store is)."""
    if len(ids) < 2:
        return True
    try:
        text = pa.array(ids, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    if text.null_count:
        return False
    # Arrow compares UTF-8 bytes, which orders like Python compares code points.
    return bool(pc.all(pc.greater(text[1:], text[:-1])).as_py())


def take(units: Units, rows: np.ndarray) -> Units:
    return {column: values[rows] for column, values in units.items()}


def group_positions(keys: np.ndarray, rows: np.ndarray | None = None) -> list[tuple[str, np.ndarray]]:
    """(key, positions) for each distinct key in sorted order; positions stay in frame order.

    With ``rows``, the groups of ``keys[rows]`` (positions into ``rows``) without taking the keys
    first: taking millions of Arrow strings to group them costs more than the grouping.
    """
    if rows is not None:
        return _groups_of_rows(keys, rows)
    if len(keys) == 0:
        return []
    distinct, inverse = _unique(keys)
    order = _stable_order(inverse, len(distinct))
    bounds = np.cumsum(np.bincount(inverse, minlength=len(distinct)))[:-1]
    return list(zip(distinct.tolist(), np.split(order, bounds), strict=True))


def _groups_of_rows(keys: np.ndarray, rows: np.ndarray) -> list[tuple[str, np.ndarray]]:
    if len(rows) == 0:
        return []
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    codes = codes[rows]
    if (codes < 0).any():  # a missing key among the rows: the plain way says what to do with it
        return group_positions(keys[rows])
    counts = np.bincount(codes, minlength=len(uniques))
    # Only keys present among the rows form a group (as if keys[rows] had been factorised).
    present = np.nonzero(counts)[0]
    keys_present = np.asarray(uniques, dtype=object)[present]
    ranked = present[np.argsort(keys_present, kind="stable")]  # codes in the keys' sorted order
    group_of = np.full(len(uniques), -1, dtype=np.intp)
    group_of[ranked] = np.arange(len(ranked))
    order = _stable_order(group_of[codes], len(ranked))
    bounds = np.cumsum(counts[ranked])[:-1]
    distinct = np.asarray(uniques, dtype=object)[ranked]
    return list(zip(distinct.tolist(), np.split(order, bounds), strict=True))


def _stable_order(codes: np.ndarray, count: int) -> np.ndarray:
    """``argsort(codes, kind="stable")`` of group codes in ``range(count)``.

    NumPy sorts 16-bit integers by radix, several times faster than the merge sort of wider ones:
    a back-check groups millions of screenings by a few thousand screeners.
    """
    if count <= np.iinfo(np.int16).max:
        codes = codes.astype(np.int16)
    return np.argsort(codes, kind="stable")


def _unique(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``numpy.unique(keys, return_inverse=True)`` by hashing: sorting millions of Python strings
    to find a few thousand villages is what made a draw slow; only the distinct keys are sorted.
    """
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    if (codes < 0).any():
        return np.unique(keys, return_inverse=True)
    uniques = np.asarray(uniques, dtype=object)
    rank = np.argsort(uniques, kind="stable")
    position = np.empty(len(rank), dtype=np.intp)
    position[rank] = np.arange(len(rank))
    return uniques[rank], position[codes]
