"""Back-checks (复核): each screener's work re-checked, flagged screenings oversampled by systematic PPS."""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from paicha.sampling.frame import FLAG_COLUMNS, REASON_RANDOM, ROW, Units, group_positions, prepare
from paicha.sampling.selection import check_count, empty_sample, sample_table, seeded_rng
from paicha.text import joined, t

# float division would send a must-take household into the random draw.
_CERTAIN = 1.0 - 1e-12
_CEIL_SLACK = 1e-9


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
        raise ValueError(t("errors.sampling.probability"))
    expected = float(pi.sum())
    size = round(expected)
    if abs(expected - size) > 1e-6:
        raise ValueError(t("errors.sampling.probability_sum"))
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


def _backcheck_units(frame: pd.DataFrame) -> tuple[Units, np.ndarray]:
    """The prepared frame and the positions of its eligible rows (screened, with a screener).

    The rows are not taken out of the frame: at millions of households the text columns are
    only read at the drawn positions.
    """
    units = prepare(frame, ("village_code", "screener", "screened", *FLAG_COLUMNS))
    eligible = units["screened"] & np.asarray(pd.notna(units["screener"]), dtype=bool)
    return units, np.nonzero(eligible)[0]


def _flag_matrix(units: Units, rows: np.ndarray) -> np.ndarray:
    return np.column_stack([units[flag][rows] for flag in FLAG_COLUMNS]).reshape(-1, len(FLAG_COLUMNS))


def _check_backcheck_params(share: float, min_per_screener: int, flag_weight: float) -> None:
    if not (isinstance(share, numbers.Real) and 0.0 < share <= 1.0):
        raise ValueError(t("errors.sampling.share"))
    check_count(min_per_screener, t("errors.sampling.term.min_per_screener"), minimum=0)
    if not (isinstance(flag_weight, numbers.Real) and math.isfinite(flag_weight)):
        raise ValueError(t("errors.sampling.flag_weight"))
    if flag_weight <= 0:
        raise ValueError(t("errors.sampling.flag_weight"))


def _backcheck_pi(
    units: Units, rows: np.ndarray, share: float, min_per_screener: int, flag_weight: float
) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
    """Design probabilities of the eligible units (``rows``) and the screener strata they fall in
    (positions into ``rows``).
    """
    # One OR per flag over the eligible rows: a millions-by-four matrix reduced along its rows
    # took a tenth of a back-check.
    flagged = np.logical_or.reduce([units[flag][rows] for flag in FLAG_COLUMNS])
    weights = np.where(flagged, float(flag_weight), 1.0)
    pi = np.zeros(len(weights))
    groups = group_positions(units["screener"], rows)
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
    units, rows = _backcheck_units(frame)
    pi, _ = _backcheck_pi(units, rows, share, min_per_screener, flag_weight)
    return pd.Series(
        pi,
        index=pd.Index(units["household_id"][rows], dtype=str, name="household_id"),
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
    rng = seeded_rng(seed)
    units, rows = _backcheck_units(frame)
    if len(rows) == 0:
        return empty_sample()
    pi, groups = _backcheck_pi(units, rows, share, min_per_screener, flag_weight)
    chosen = np.concatenate(
        [positions[systematic_pps(pi[positions], rng)] for _, positions in groups]
    )
    picked = rows[chosen]
    flags = _flag_matrix(units, picked)
    first_flag = np.asarray(FLAG_COLUMNS, dtype=object)[flags.argmax(axis=1)]
    reason = np.where(flags.any(axis=1), first_flag, REASON_RANDOM)
    return sample_table(
        units["household_id"][picked],
        units["village_code"][picked],
        units["screener"][picked],
        pi[chosen],
        reason,
        rows=units[ROW][picked],
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
        raise ValueError(t("errors.sampling.sample_columns", columns=joined(missing)))
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
