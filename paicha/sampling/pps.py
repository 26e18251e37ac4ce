"""Two-stage PPS: villages by systematic probability-proportional-to-size, households by SRS in each."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from paicha.sampling.frame import REASON_CERTAINTY, REASON_RANDOM, Units, group_positions, prepare
from paicha.sampling.selection import assemble, check_count, seeded_rng, srs_positions
from paicha.text import t


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
    n_villages = check_count(n_villages, t("errors.sampling.term.n_villages"))
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
        raise ValueError(t("errors.sampling.size"))
    required = ("village_code", "is_key") if size == "key_households" else ("village_code",)
    units = prepare(frame, required)
    return units, group_positions(units["village_code"])


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
    per_village = check_count(per_village, t("errors.sampling.term.per_village"))
    n_villages = check_count(n_villages, t("errors.sampling.term.n_villages"))
    rng = seeded_rng(seed)
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
        picks.append(positions[srs_positions(rng, len(positions), m)])
        strata.append(code)
        probabilities.append(float(pi[v]) * m / len(positions))
        reasons.append(REASON_CERTAINTY if certain[v] else REASON_RANDOM)
    return assemble(units, picks, strata, probabilities, reasons)
