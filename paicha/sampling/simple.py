"""Equal-probability designs: simple random and stratified simple random samples of households."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from paicha.sampling.frame import ALL_STRATUM, REASON_RANDOM, group_positions, prepare
from paicha.sampling.selection import assemble, check_count, empty_sample, seeded_rng, srs_positions
from paicha.text import t


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
    n = check_count(n, t("errors.sampling.term.n"))
    rng = seeded_rng(seed)
    units = prepare(frame, ("village_code",))
    total = len(units["household_id"])
    if total == 0:
        return empty_sample()
    chosen = srs_positions(rng, total, n)
    return assemble(units, [chosen], [ALL_STRATUM], [len(chosen) / total], [REASON_RANDOM])


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
    n = check_count(n, t("errors.sampling.term.n"))
    min_per_stratum = check_count(min_per_stratum, t("errors.sampling.term.min_per_stratum"), minimum=0)
    if allocation not in ("proportional", "equal"):
        raise ValueError(t("errors.sampling.allocation"))
    sizes = stratum_sizes.astype("int64").sort_index(kind="mergesort")
    if (sizes < 0).any():
        raise ValueError(t("errors.sampling.negative_stratum"))
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
        raise ValueError(t("errors.sampling.by"))
    rng = seeded_rng(seed)
    units = prepare(frame, ("village_code", by))
    groups = group_positions(units[by])
    sizes = pd.Series([len(p) for _, p in groups], index=[k for k, _ in groups], dtype="int64")
    alloc = allocate_sample(sizes, n, allocation, min_per_stratum)
    picks: list[np.ndarray] = []
    strata: list[str] = []
    probabilities: list[float] = []
    for key, positions in groups:
        n_h = int(alloc[key])
        if n_h == 0:
            continue
        picks.append(positions[srs_positions(rng, len(positions), n_h)])
        strata.append(key)
        probabilities.append(n_h / len(positions))
    return assemble(units, picks, strata, probabilities, [REASON_RANDOM] * len(picks))
