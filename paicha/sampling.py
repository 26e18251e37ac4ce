"""Reproducible selection of households for spot checks, with exact inclusion probabilities."""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

FLAG_COLUMNS: tuple[str, ...] = (
    "key_not_home_visited",
    "screener_overload",
    "far_visit",
    "hazard_exposed",
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

REASON_RANDOM = "random"
REASON_CERTAINTY = "certainty"
ALL_STRATUM = "all"

# Versioned so that a future change of the serialisation cannot silently match an old hash.
_HASH_PREFIX = "paicha-frame-v1\n"
# A probability this close to 1 is a certainty; without the slack, 0.9999999999999999 from
# float division would send a must-take household into the random draw.
_CERTAIN = 1.0 - 1e-12
_CEIL_SLACK = 1e-9


# --------------------------------------------------------------------------- frame handling


def _canonical_column(series: pd.Series, boolean: bool, name: str) -> list[object]:
    missing = series.isna().to_numpy()
    values = series.to_numpy(dtype=object)
    out: list[object] = []
    for value, is_missing in zip(values, missing, strict=True):
        if is_missing:
            out.append(None)
        elif boolean:
            if not isinstance(value, bool | np.bool_ | numbers.Number):
                raise ValueError(f"列{name}应为布尔值")
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
        raise ValueError("抽样框缺少列：household_id")
    columns = [c for c in FRAME_COLUMNS if c in frame.columns]
    canonical = [_canonical_column(frame[c], c in BOOL_COLUMNS, c) for c in columns]
    rows = [
        json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        for row in zip(*canonical, strict=True)
    ]
    ids = canonical[0]
    keyed = sorted(zip(ids, rows, strict=True), key=lambda t: (t[0] or "", t[1]))
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
        raise ValueError(f"列{name}应为布尔值") from exc


Units = dict[str, np.ndarray]
"""Columns of a prepared frame as aligned numpy arrays, rows sorted by household_id."""


def _prepare(frame: pd.DataFrame, required: Iterable[str]) -> Units:
    """Validated columns as numpy arrays, rows sorted by household_id.

    Sorting before any random draw makes the sample a function of the frame's content only,
    not of the order in which a spreadsheet happened to list the households. Text becomes
    ``str`` (``None`` for a missing screener), flags and statuses become ``bool``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError("抽样框必须是DataFrame")
    required = list(dict.fromkeys(["household_id", *required]))
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError("抽样框缺少列：" + "、".join(missing))
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
                raise ValueError(f"列{column}存在空值")
            units[column] = np.array([str(v) for v in series.to_numpy(dtype=object)], dtype=object)
    order = np.argsort(units["household_id"], kind="stable")
    units = {column: values[order] for column, values in units.items()}
    ids = units["household_id"]
    if len(ids) > 1 and (ids[1:] == ids[:-1]).any():
        raise ValueError("户编号household_id有重复")
    return units


def _take(units: Units, rows: np.ndarray) -> Units:
    return {column: values[rows] for column, values in units.items()}


def _groups(keys: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(key, positions) for each distinct key in sorted order; positions stay in frame order."""
    if len(keys) == 0:
        return []
    distinct, inverse = np.unique(keys, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=len(distinct)))[:-1]
    return list(zip(distinct.tolist(), np.split(order, bounds), strict=True))


def _result(
    household_id: Sequence[str] | pd.Series,
    village_code: Sequence[str] | pd.Series,
    stratum: Sequence[str] | pd.Series,
    inclusion_probability: Sequence[float] | np.ndarray,
    reason: Sequence[str] | pd.Series,
) -> pd.DataFrame:
    ids = [str(v) for v in household_id]
    villages = [str(v) for v in village_code]
    strata = [str(v) for v in stratum]
    pi = np.asarray(inclusion_probability, dtype=float)
    reasons = [str(v) for v in reason]
    order = sorted(range(len(ids)), key=lambda i: (strata[i], ids[i]))
    return pd.DataFrame(
        {
            "household_id": pd.Series([ids[i] for i in order], dtype=str),
            "village_code": pd.Series([villages[i] for i in order], dtype=str),
            "stratum": pd.Series([strata[i] for i in order], dtype=str),
            "inclusion_probability": pd.Series(pi[order], dtype=float),
            "reason": pd.Series([reasons[i] for i in order], dtype=str),
        }
    )


def _empty_result() -> pd.DataFrame:
    return _result([], [], [], [], [])


def _assemble(
    units: Units,
    picks: list[np.ndarray],
    strata: list[str],
    probabilities: list[float],
    reasons: list[str],
) -> pd.DataFrame:
    """Sample table from per-stratum picks, each with one stratum, probability and reason."""
    if not picks:
        return _empty_result()
    counts = [len(p) for p in picks]
    rows = np.concatenate(picks)
    return _result(
        units["household_id"][rows],
        units["village_code"][rows],
        np.repeat(np.asarray(strata, dtype=object), counts),
        np.repeat(np.asarray(probabilities, dtype=float), counts),
        np.repeat(np.asarray(reasons, dtype=object), counts),
    )


def _check_count(value: int, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}必须是不小于{minimum}的整数")
    return int(value)


def _rng(seed: int) -> np.random.Generator:
    # None would seed from the operating system: a sample nobody could ever redraw to audit it.
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError("随机种子必须是非负整数，以便复现抽样结果")
    return np.random.default_rng(int(seed))


def _srs_positions(rng: np.random.Generator, population: int, size: int) -> np.ndarray:
    """Positions of an equal-probability sample without replacement, in frame order."""
    if size >= population:
        return np.arange(population)
    return np.sort(rng.choice(population, size=size, replace=False))


# --------------------------------------------------------------------------- simple random


def simple_random(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """Simple random sample of ``n`` households without replacement.

    Every household has the same chance ``π = n / N``, so the sample share of errors is
    itself an unbiased estimate of the frame's share. If ``n >= N`` the whole frame is taken
    with ``π = 1``.

    Parameters
    ----------
    frame
        Needs ``household_id`` and ``village_code``.
    n
        Requested sample size.
    seed
        Seed for ``numpy.random.default_rng``; the same frame and seed give the same sample.

    Returns
    -------
    pandas.DataFrame
        ``SAMPLE_COLUMNS``, stratum ``"all"``, reason ``"random"``.
    """
    n = _check_count(n, "样本量")
    rng = _rng(seed)
    units = _prepare(frame, ("village_code",))
    total = len(units["household_id"])
    if total == 0:
        return _empty_result()
    chosen = _srs_positions(rng, total, n)
    return _assemble(units, [chosen], [ALL_STRATUM], [len(chosen) / total], [REASON_RANDOM])


# --------------------------------------------------------------------------- stratified


def allocate_sample(
    stratum_sizes: pd.Series,
    n: int,
    allocation: Literal["proportional", "equal"] = "proportional",
    min_per_stratum: int = 2,
) -> pd.Series:
    """Split a total sample over strata.

    Parameters
    ----------
    stratum_sizes
        ``N_h`` indexed by stratum key.
    n
        Total sample size; more than ``Σ N_h`` means "take everything".
    allocation
        ``"proportional"``: ``n_h ∝ N_h``, so the sample is (up to rounding and the
        minimum below) self-weighting and the plain sample share estimates the district share. The quotas ``n N_h / N`` are floored and
        the missing units go to the strata with the largest remainders (ties to the smaller
        key), so the allocations add up exactly to ``n``; remainders are compared in exact
        integer arithmetic. ``"equal"``: the same ``n_h`` everywhere, which gives every
        village an estimate of similar precision; a stratum too small for its share is taken
        whole and its surplus spread over the others, any last units going to the largest
        strata.
    min_per_stratum
        Each stratum is then raised to ``min(min_per_stratum, N_h)`` so that no village is
        left out (a stratum with one unit has no within-stratum variance estimate; two is the
        least that has one). This can push the total above ``n``.

    Returns
    -------
    pandas.Series
        ``n_h`` (int) indexed like ``stratum_sizes`` sorted by key, each ``0 <= n_h <= N_h``.
    """
    n = _check_count(n, "样本量")
    min_per_stratum = _check_count(min_per_stratum, "每层最少样本量", minimum=0)
    if allocation not in ("proportional", "equal"):
        raise ValueError("分配方式只能是proportional或equal")
    sizes = stratum_sizes.astype("int64").sort_index(kind="mergesort")
    if (sizes < 0).any():
        raise ValueError("层规模不能为负")
    population = int(sizes.sum())
    keys = list(sizes.index)
    caps = sizes.to_numpy()
    target = min(n, population)
    if population == 0:
        return pd.Series(np.zeros(len(keys), dtype="int64"), index=sizes.index)

    if allocation == "proportional":
        numerators = target * caps
        alloc = numerators // population
        remainders = numerators % population
        short = target - int(alloc.sum())
        order = sorted(range(len(keys)), key=lambda i: (-remainders[i], i))
        for i in order[:short]:
            alloc[i] += 1
    else:
        alloc = np.zeros(len(keys), dtype="int64")
        remaining = target
        while remaining > 0:
            open_ = np.nonzero(alloc < caps)[0]
            each = remaining // len(open_)
            if each == 0:
                last = sorted(open_, key=lambda i: (-caps[i], i))[:remaining]
                alloc[last] += 1
                break
            add = np.minimum(each, caps[open_] - alloc[open_])
            alloc[open_] += add
            remaining -= int(add.sum())
    alloc = np.maximum(alloc, np.minimum(min_per_stratum, caps))
    return pd.Series(np.minimum(alloc, caps).astype("int64"), index=sizes.index)


def stratified(
    frame: pd.DataFrame,
    n: int,
    seed: int,
    by: Literal["village_code", "town_code"] = "village_code",
    allocation: Literal["proportional", "equal"] = "proportional",
    min_per_stratum: int = 2,
) -> pd.DataFrame:
    """Stratified simple random sample, strata being villages or towns.

    Stratifying guarantees that every village (or town) is visited and removes the
    between-strata part of the sampling variance. Within stratum ``h`` each household has
    ``π_h = n_h / N_h``; see :func:`allocate_sample` for how ``n_h`` is set.

    Parameters
    ----------
    frame
        Needs ``household_id``, ``village_code`` and the ``by`` column.
    n
        Total sample size before the per-stratum minimum is applied.
    seed
        Seed for ``numpy.random.default_rng``; strata are drawn in key order from one stream.
    by
        Stratification column.
    allocation
        ``"proportional"`` or ``"equal"``.
    min_per_stratum
        Least number of households per stratum (fewer if the stratum is smaller); may make
        the sample larger than ``n``.

    Returns
    -------
    pandas.DataFrame
        ``SAMPLE_COLUMNS`` with the stratum key in ``stratum`` and reason ``"random"``.
    """
    if by not in ("village_code", "town_code"):
        raise ValueError("分层变量只能是village_code或town_code")
    rng = _rng(seed)
    units = _prepare(frame, ("village_code", by))
    groups = _groups(units[by])
    sizes = pd.Series([len(p) for _, p in groups], index=[k for k, _ in groups], dtype="int64")
    alloc = allocate_sample(sizes, n, allocation, min_per_stratum)
    picks: list[np.ndarray] = []
    strata: list[str] = []
    probabilities: list[float] = []
    for key, positions in groups:
        n_h = int(alloc[key])
        if n_h == 0:
            continue
        picks.append(positions[_srs_positions(rng, len(positions), n_h)])
        strata.append(key)
        probabilities.append(n_h / len(positions))
    return _assemble(units, picks, strata, probabilities, [REASON_RANDOM] * len(picks))


# --------------------------------------------------------------------------- PPS villages


def pps_village_probabilities(
    frame: pd.DataFrame,
    n_villages: int,
    size: Literal["households", "key_households"] = "households",
) -> pd.DataFrame:
    """Village inclusion probabilities of a PPS draw of ``n_villages`` villages.

    With probability proportional to size, a large village is likelier to be chosen, and a
    fixed number of households per chosen village then makes every household's overall
    chance equal (a self-weighting two-stage design) while keeping the field team's travel
    to a few villages. A village whose size reaches the sampling interval ``I = T / n``
    would be hit more than once by the systematic draw, so it is taken with certainty,
    removed, and the interval recomputed on the rest until no such village remains; the
    remaining villages get ``π_v = n' s_v / T'``. Comparisons are made in integers, so the
    certainty decision is not left to floating-point rounding.

    Parameters
    ----------
    frame
        Needs ``household_id`` and ``village_code`` (and ``is_key`` for key households).
    n_villages
        Villages to select; more than the villages with a positive size means all of them.
    size
        Size measure: all households or key households (重点户) of the village. A village
        without key households cannot be drawn under the latter (``π_v = 0``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code`` (sorted) with ``size`` (int), ``households`` (int),
        ``inclusion_probability`` (float) and ``certainty`` (bool).
    """
    n_villages = _check_count(n_villages, "抽取村数")
    units, groups = _pps_units(frame, size)
    measure, households, pi, certain = _pps_table(units, groups, n_villages, size)
    villages = pd.DataFrame(
        {
            "size": pd.Series(measure, dtype="int64"),
            "households": pd.Series(households, dtype="int64"),
            "inclusion_probability": pd.Series(pi, dtype=float),
            "certainty": pd.Series(certain, dtype=bool),
        }
    )
    villages.index = pd.Index([code for code, _ in groups], dtype=str, name="village_code")
    return villages


def _pps_units(frame: pd.DataFrame, size: str) -> tuple[Units, list[tuple[str, np.ndarray]]]:
    if size not in ("households", "key_households"):
        raise ValueError("规模度量只能是households或key_households")
    required = ("village_code", "is_key") if size == "key_households" else ("village_code",)
    units = _prepare(frame, required)
    return units, _groups(units["village_code"])


def _pps_table(
    units: Units, groups: list[tuple[str, np.ndarray]], n_villages: int, size: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Size measure, household count, ``π_v`` and certainty flag per village, in code order."""
    households = np.array([len(positions) for _, positions in groups], dtype="int64")
    if size == "key_households":
        measure = np.array(
            [int(units["is_key"][positions].sum()) for _, positions in groups], dtype="int64"
        )
    else:
        measure = households.copy()
    pi = np.zeros(len(groups))
    candidate = measure > 0
    certain = np.zeros(len(groups), dtype=bool)
    remaining = n_villages
    while remaining > 0:
        rest = candidate & ~certain
        total = int(measure[rest].sum())
        if total == 0:
            break
        # s_v >= I = total / remaining, written without division.
        newly = rest & (measure * remaining >= total)
        if not newly.any():
            pi[rest] = remaining * measure[rest] / total
            break
        certain |= newly
        remaining -= int(newly.sum())
    pi[certain] = 1.0
    return measure, households, pi, certain


def pps_villages(
    frame: pd.DataFrame,
    n_villages: int,
    per_village: int,
    seed: int,
    size: Literal["households", "key_households"] = "households",
) -> pd.DataFrame:
    """Two-stage sample: villages by systematic PPS, then households by SRS in each.

    Villages are listed by ``village_code``; certainty villages (see
    :func:`pps_village_probabilities`) are taken outright and the others are drawn by
    systematic selection with a random start on the cumulated sizes. The draw is done in
    integers (sizes scaled by ``n'`` against an interval of ``T'``), so each village's
    selection probability is exactly ``n' s_v / T'``. Within a selected village
    ``m = min(per_village, N_v)`` households are drawn, giving each household
    ``π = π_v · m / N_v``; with ``size="households"``, no certainty villages and
    ``per_village <= N_v`` this is ``n m / T`` for everyone, i.e. self-weighting.

    Parameters
    ----------
    frame
        Needs ``household_id`` and ``village_code`` (and ``is_key`` for key households).
        The second stage draws from all households the frame lists for the village; filter
        the frame first to draw, say, only key households.
    n_villages
        Villages to select.
    per_village
        Households to draw in each selected village.
    seed
        Seed for ``numpy.random.default_rng``.
    size
        ``"households"`` or ``"key_households"``.

    Returns
    -------
    pandas.DataFrame
        ``SAMPLE_COLUMNS``, stratum = village code, reason ``"certainty"`` for households of
        certainty villages and ``"random"`` otherwise.
    """
    per_village = _check_count(per_village, "每村抽取户数")
    n_villages = _check_count(n_villages, "抽取村数")
    rng = _rng(seed)
    units, groups = _pps_units(frame, size)
    measure, _, pi, certain = _pps_table(units, groups, n_villages, size)

    picked = certain.copy()
    drawable = np.nonzero((pi > 0) & ~certain)[0]
    if drawable.size:
        # Integer systematic draw: sizes scaled by k laid out on [0, k T), points r + j T with
        # r uniform on 0..T-1, so village v is hit for exactly k s_v of the T starts.
        s = measure[drawable]
        k = round(float(pi[drawable].sum()))
        total = int(s.sum())
        ends = np.cumsum(s) * k
        start = int(rng.integers(total))
        points = start + total * np.arange(k, dtype="int64")
        picked[drawable[np.searchsorted(ends, points, side="right")]] = True

    picks: list[np.ndarray] = []
    strata: list[str] = []
    probabilities: list[float] = []
    reasons: list[str] = []
    for v, (code, positions) in enumerate(groups):
        if not picked[v]:
            continue
        m = min(per_village, len(positions))
        picks.append(positions[_srs_positions(rng, len(positions), m)])
        strata.append(code)
        probabilities.append(float(pi[v]) * m / len(positions))
        reasons.append(REASON_CERTAINTY if certain[v] else REASON_RANDOM)
    return _assemble(units, picks, strata, probabilities, reasons)


# --------------------------------------------------------------------------- back-check


def _capped_pps(weights: np.ndarray, n: int) -> np.ndarray:
    """Inclusion probabilities ``∝ weights`` summing to ``n``, none above 1.

    A unit whose proportional share reaches 1 cannot be included more than once, so it is
    taken with certainty and the remaining ``n - k`` places are shared out again among the
    others, until no share reaches 1.
    """
    pi = np.zeros(len(weights))
    certain = np.zeros(len(weights), dtype=bool)
    while True:
        rest = ~certain
        places = n - int(certain.sum())
        if places <= 0 or not rest.any():
            break
        pi[rest] = places * weights[rest] / weights[rest].sum()
        newly = rest & (pi >= _CERTAIN)
        if not newly.any():
            break
        certain |= newly
    pi[certain] = 1.0
    return pi


def systematic_pps(inclusion_probability: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fixed-size unequal-probability sample with exactly the given inclusion probabilities.

    Certainty units are taken; the others are put in random order and laid end to end on a
    line of length ``Σπ``, and the units covering ``u, u + 1, u + 2, ...`` for a uniform
    start ``u`` in [0, 1) are selected. As every segment is shorter than 1, no unit is hit
    twice, the sample size is exactly ``Σπ``, and unit ``i`` is hit with probability
    ``π_i`` whatever the order. Randomising the order (rather than using the frame order)
    avoids joint inclusion probabilities of zero between neighbours in the list.

    Parameters
    ----------
    inclusion_probability
        ``π_i`` in [0, 1]; their sum must be a whole number.
    rng
        Random generator; consumed in a fixed way for reproducibility.

    Returns
    -------
    numpy.ndarray
        Sorted positions of the selected units.
    """
    pi = np.asarray(inclusion_probability, dtype=float)
    if ((pi < 0) | (pi > 1 + 1e-9)).any() or not np.isfinite(pi).all():
        raise ValueError("入样概率必须在0到1之间")
    expected = float(pi.sum())
    size = round(expected)
    if abs(expected - size) > 1e-6:
        raise ValueError("入样概率之和必须是整数（即固定样本量）")
    certain = np.nonzero(pi >= _CERTAIN)[0]
    others = np.nonzero(pi < _CERTAIN)[0]
    order = others[rng.permutation(len(others))]
    start = rng.uniform()
    k = size - len(certain)
    if k <= 0:
        return np.sort(certain)
    ends = np.cumsum(pi[order])
    # Rescale so the line ends exactly at k: float drift must not push the last point off it.
    ends *= k / ends[-1]
    hit = np.searchsorted(ends, start + np.arange(k), side="right")
    return np.sort(np.concatenate([certain, order[hit]]))


def _backcheck_units(frame: pd.DataFrame) -> Units:
    units = _prepare(frame, ("village_code", "screener", "screened", *FLAG_COLUMNS))
    eligible = units["screened"] & np.array([s is not None for s in units["screener"]], dtype=bool)
    return _take(units, np.nonzero(eligible)[0])


def _flag_matrix(units: Units) -> np.ndarray:
    return np.column_stack([units[flag] for flag in FLAG_COLUMNS]).reshape(-1, len(FLAG_COLUMNS))


def _check_backcheck_params(share: float, min_per_screener: int, flag_weight: float) -> None:
    if not (isinstance(share, numbers.Real) and 0.0 < share <= 1.0):
        raise ValueError("抽查比例必须大于0且不超过1（政策要求一般为10%–20%）")
    _check_count(min_per_screener, "每名排查员最少抽查户数", minimum=0)
    if not (isinstance(flag_weight, numbers.Real) and math.isfinite(flag_weight)):
        raise ValueError("疑点户权重必须是正数")
    if flag_weight <= 0:
        raise ValueError("疑点户权重必须是正数")


def _backcheck_pi(
    units: Units, share: float, min_per_screener: int, flag_weight: float
) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
    """Design probabilities of the eligible units and the screener strata they fall in."""
    weights = np.where(_flag_matrix(units).any(axis=1), float(flag_weight), 1.0)
    pi = np.zeros(len(weights))
    groups = _groups(units["screener"])
    for _, positions in groups:
        count = len(positions)
        n_s = min(count, max(min_per_screener, math.ceil(share * count - _CEIL_SLACK)))
        pi[positions] = _capped_pps(weights[positions], n_s)
    return pi, groups


def backcheck_probabilities(
    frame: pd.DataFrame,
    share: float,
    min_per_screener: int = 1,
    flag_weight: float = 4.0,
) -> pd.Series:
    """Design inclusion probabilities of :func:`backcheck` for every eligible screening.

    Each screener's completed screenings form a stratum, so every screener is checked and
    can be held to account. In a stratum of ``N_s`` screenings the sample size is
    ``n_s = min(N_s, max(min_per_screener, ceil(share · N_s)))``. A screening with any
    warning flag gets size measure ``flag_weight`` (1 otherwise), concentrating the visits
    where errors are likelier, and ``π_i = n_s w_i / Σw`` with iterated capping at 1. The
    probabilities of a stratum sum to ``n_s`` exactly, which is what a Hájek estimate
    (:func:`paicha.stats.weighted_error_rate`) needs to undo the oversampling.

    Parameters
    ----------
    frame
        Needs ``household_id``, ``village_code``, ``screener``, ``screened`` and the four
        flag columns. Rows not screened or without a screener are not eligible.
    share
        Share of each screener's work to re-check, in (0, 1]; the campaign's rule is 10–20 %.
    min_per_screener
        Least number of re-checks per screener (fewer if the screener did fewer).
    flag_weight
        Relative selection weight of a flagged screening.

    Returns
    -------
    pandas.Series
        ``inclusion_probability`` indexed by ``household_id`` (sorted), eligible rows only.
    """
    _check_backcheck_params(share, min_per_screener, flag_weight)
    units = _backcheck_units(frame)
    pi, _ = _backcheck_pi(units, share, min_per_screener, flag_weight)
    return pd.Series(
        pi,
        index=pd.Index(units["household_id"], dtype=str, name="household_id"),
        name="inclusion_probability",
        dtype=float,
    )


def backcheck(
    frame: pd.DataFrame,
    share: float,
    seed: int,
    min_per_screener: int = 1,
    flag_weight: float = 4.0,
) -> pd.DataFrame:
    """Back-check (复核) sample of each screener's screenings, flagged ones oversampled.

    Within each screener the households are drawn by :func:`systematic_pps` with the
    probabilities of :func:`backcheck_probabilities`: a fixed-size without-replacement design
    whose first-order inclusion probabilities are known exactly, so the sample can be
    reweighted to the whole district while still visiting suspicious cases first.

    Parameters
    ----------
    frame
        As for :func:`backcheck_probabilities`.
    share
        Share of each screener's work to re-check, in (0, 1].
    seed
        Seed for ``numpy.random.default_rng``; screeners are drawn in sorted order.
    min_per_screener
        Least number of re-checks per screener.
    flag_weight
        Relative selection weight of a flagged screening.

    Returns
    -------
    pandas.DataFrame
        ``SAMPLE_COLUMNS``, stratum = screener, reason = the first set flag in the order of
        ``FLAG_COLUMNS`` or ``"random"``.
    """
    _check_backcheck_params(share, min_per_screener, flag_weight)
    rng = _rng(seed)
    units = _backcheck_units(frame)
    if len(units["household_id"]) == 0:
        return _empty_result()
    pi, groups = _backcheck_pi(units, share, min_per_screener, flag_weight)
    chosen = np.concatenate(
        [positions[systematic_pps(pi[positions], rng)] for _, positions in groups]
    )
    flags = _flag_matrix(units)[chosen]
    first_flag = np.asarray(FLAG_COLUMNS, dtype=object)[flags.argmax(axis=1)]
    reason = np.where(flags.any(axis=1), first_flag, REASON_RANDOM)
    return _result(
        units["household_id"][chosen],
        units["village_code"][chosen],
        units["screener"][chosen],
        pi[chosen],
        reason,
    )


def summarise_backcheck(sample: pd.DataFrame) -> pd.DataFrame:
    """Per-screener counts of a back-check sample by reason.

    Shows at a glance how much of each screener's back-check is targeted (flagged) and how
    much is the random part that keeps the check honest for unflagged work.

    Parameters
    ----------
    sample
        Output of :func:`backcheck`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``screener``; one column per flag in ``FLAG_COLUMNS`` order, then
        ``random``, ``flagged`` (sum of the flag columns) and ``total``.
    """
    missing = [c for c in ("stratum", "reason") if c not in sample.columns]
    if missing:
        raise ValueError("样本缺少列：" + "、".join(missing))
    columns = [*FLAG_COLUMNS, REASON_RANDOM]
    counts = (
        sample.groupby(["stratum", "reason"], sort=True)
        .size()
        .unstack(fill_value=0)
        .reindex(columns=columns, fill_value=0)
        .astype("int64")
    )
    counts["flagged"] = counts[list(FLAG_COLUMNS)].sum(axis=1)
    counts["total"] = counts["flagged"] + counts[REASON_RANDOM]
    counts.index.name = "screener"
    counts.columns.name = None
    return counts


# --------------------------------------------------------------------------- LQAS


def lqas_villages(
    frame: pd.DataFrame,
    design_n: int,
    seed: int,
    village_n: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """LQAS sample: ``min(design_n, N_v)`` screened households in every village.

    Each village is a lot judged on its own against the plan's threshold ``d``
    (:func:`paicha.stats.lqas_design`), so each gets its own simple random sample; a village
    with fewer screened households than ``design_n`` is checked completely.

    Parameters
    ----------
    frame
        Needs ``household_id``, ``village_code`` and ``screened``.
    design_n
        The plan's sample size ``n``.
    seed
        Seed for ``numpy.random.default_rng``; villages are drawn in code order.
    village_n
        Optional plan size per village code, overriding ``design_n`` for the villages it
        lists. A plan computed with the hypergeometric distribution for a village's own size
        (:func:`paicha.stats.lqas_design` with ``population``) needs fewer re-checks in a
        small village than the binomial plan.

    Returns
    -------
    pandas.DataFrame
        ``SAMPLE_COLUMNS``, stratum = village code, ``π = n_v / N_v``, reason ``"random"``.
    """
    design_n = _check_count(design_n, "LQAS样本量")
    sizes = {str(k): _check_count(v, "LQAS样本量") for k, v in (village_n or {}).items()}
    rng = _rng(seed)
    units = _prepare(frame, ("village_code", "screened"))
    units = _take(units, np.nonzero(units["screened"])[0])
    picks: list[np.ndarray] = []
    strata: list[str] = []
    probabilities: list[float] = []
    for code, positions in _groups(units["village_code"]):
        m = min(sizes.get(code, design_n), len(positions))
        picks.append(positions[_srs_positions(rng, len(positions), m)])
        strata.append(code)
        probabilities.append(m / len(positions))
    return _assemble(units, picks, strata, probabilities, [REASON_RANDOM] * len(picks))
