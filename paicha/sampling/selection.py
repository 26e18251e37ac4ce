"""What every design shares: the seeded generator, equal-probability positions, the sample table."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from paicha.sampling.frame import ROW, Units
from paicha.text import t


def sample_table(
    household_id: Sequence[str] | pd.Series,
    village_code: Sequence[str] | pd.Series,
    stratum: Sequence[str] | pd.Series,
    inclusion_probability: Sequence[float] | np.ndarray,
    reason: Sequence[str] | pd.Series,
    rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """The sample, sorted by stratum and household; indexed by ``rows`` (each household's
    position in its frame) when given, by 0, 1, ... otherwise.
    """
    pi = np.asarray(inclusion_probability, dtype=float)
    index = None if rows is None else pd.Index(np.asarray(rows, dtype=np.intp))
    columns = {"household_id": household_id, "village_code": village_code, "stratum": stratum, "reason": reason}
    text = {name: _text_column(values) for name, values in columns.items()}
    if all(values is not None for values in text.values()):
        # Text already (as every design passes it): no str() per cell, sorted by Arrow.
        table = pd.DataFrame({
            "household_id": text["household_id"],
            "village_code": text["village_code"],
            "stratum": text["stratum"],
            "inclusion_probability": pd.Series(pi, dtype=float),
            "reason": text["reason"],
        })
        if index is not None:
            table.index = index
        keys = pa.table({"stratum": pa.array(table["stratum"]), "household_id": pa.array(table["household_id"])})
        # Arrow's sort is stable and orders text by UTF-8 bytes, which is Python's code point order.
        order = pc.sort_indices(keys, sort_keys=[("stratum", "ascending"), ("household_id", "ascending")])
        table = table.take(order.to_numpy())
        return table if index is not None else table.reset_index(drop=True)
    ids = [str(v) for v in household_id]
    villages = [str(v) for v in village_code]
    strata = [str(v) for v in stratum]
    reasons = [str(v) for v in reason]
    order = sorted(range(len(ids)), key=lambda i: (strata[i], ids[i]))
    table = pd.DataFrame(
        {
            "household_id": pd.Series([ids[i] for i in order], dtype=str),
            "village_code": pd.Series([villages[i] for i in order], dtype=str),
            "stratum": pd.Series([strata[i] for i in order], dtype=str),
            "inclusion_probability": pd.Series(pi[order], dtype=float),
            "reason": pd.Series([reasons[i] for i in order], dtype=str),
        }
    )
    if index is not None:
        table.index = index[order]
    return table


def _text_column(values) -> pd.Series | None:
    """A column of text as a ``str`` Series, or None when some cell is not text.

    Arrow-backed text without missing cells (a frame from the store) is cast as a whole: a
    back-check of hundreds of thousands of households would otherwise make a Python string of
    every cell to learn that they are all text.
    """
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(getattr(values, "dtype", None), pd.StringDtype) and not values.isna().any():
        return pd.Series(values, dtype=str)
    cells = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) not in ("string", "empty"):
        return None
    return pd.Series(cells, dtype=str)


def empty_sample() -> pd.DataFrame:
    return sample_table([], [], [], [], [])


def assemble(
    units: Units,
    picks: list[np.ndarray],
    strata: list[str],
    probabilities: list[float],
    reasons: list[str],
) -> pd.DataFrame:
    """Sample table from per-stratum picks, each with one stratum, probability and reason."""
    if not picks:
        return empty_sample()
    counts = [len(p) for p in picks]
    rows = np.concatenate(picks)
    return sample_table(
        units["household_id"][rows],
        units["village_code"][rows],
        np.repeat(np.asarray(strata, dtype=object), counts),
        np.repeat(np.asarray(probabilities, dtype=float), counts),
        np.repeat(np.asarray(reasons, dtype=object), counts),
        rows=units[ROW][rows],
    )


def check_count(value: int, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(t("errors.sampling.count", name=name, minimum=minimum))
    return int(value)


def seeded_rng(seed: int) -> np.random.Generator:
    # None would seed from the operating system: a sample nobody could ever redraw to audit it.
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(t("errors.sampling.seed"))
    return np.random.default_rng(int(seed))


def srs_positions(rng: np.random.Generator, population: int, size: int) -> np.ndarray:
    """Positions of an equal-probability sample without replacement, in frame order."""
    if size >= population:
        return np.arange(population)
    return np.sort(rng.choice(population, size=size, replace=False))
