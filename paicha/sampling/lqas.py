"""LQAS: every village a lot with its own plan, judged on its own simple random sample."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from paicha import stats
from paicha.sampling.frame import REASON_RANDOM, group_positions, prepare, take
from paicha.sampling.selection import assemble, check_count, seeded_rng, srs_positions
from paicha.text import t


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
    design_n = check_count(design_n, t("errors.sampling.term.lqas_n"))
    sizes = {str(k): check_count(v, t("errors.sampling.term.lqas_n")) for k, v in (village_n or {}).items()}
    rng = seeded_rng(seed)
    units = prepare(frame, ("village_code", "screened"))
    units = take(units, np.nonzero(units["screened"])[0])
    picks: list[np.ndarray] = []
    strata: list[str] = []
    probabilities: list[float] = []
    for code, positions in group_positions(units["village_code"]):
        m = min(sizes.get(code, design_n), len(positions))
        picks.append(positions[srs_positions(rng, len(positions), m)])
        strata.append(code)
        probabilities.append(m / len(positions))
    return assemble(units, picks, strata, probabilities, [REASON_RANDOM] * len(picks))


def lqas_village_designs(frame: pd.DataFrame, params: Mapping[str, object]) -> dict[str, dict]:
    """The LQAS plan of every village, computed for the village's own number of screened households.

    Sampling without replacement from a small village is hypergeometric, and the exact plan
    needs fewer re-checks than the binomial one; for a large village the two agree. Where no
    plan meets both risks (only in villages of a handful of households, when the acceptable
    and unacceptable shares round to the same count) the whole village is checked and passes
    with at least the midpoint share correct: a census has no sampling risk to balance.
    """
    screened = frame.loc[frame["screened"].astype(bool)]
    sizes = screened.groupby("village_code", sort=True).size()
    upper, lower = float(params["upper"]), float(params["lower"])
    alpha, beta = float(params["alpha"]), float(params["beta"])
    by_size: dict[int, dict] = {}
    designs: dict[str, dict] = {}
    for code, population in sizes.items():
        population = int(population)
        if population not in by_size:
            try:
                plan = stats.lqas_design(upper, lower, alpha, beta, population=population)
                by_size[population] = {"population": population, "n": plan.n, "d": plan.d,
                                       "alpha": plan.alpha, "beta": plan.beta}
            except ValueError:
                d = max(1, math.ceil((upper + lower) / 2 * population - 1e-9))
                by_size[population] = {"population": population, "n": population, "d": d,
                                       "alpha": 0.0, "beta": 0.0}
        designs[str(code)] = by_size[population]
    return designs
