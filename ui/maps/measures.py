"""The choropleth's measures, one entry each, and how a measure's values become classes, colours and legend lines.

Adding a measure is one entry in :data:`MEASURES` (and its member in ``paicha.vocab.MapMeasure``):
the column of ``data_loaders.exposure.village_measures`` it reads, how it is classed, and
whether higher is worse. The page's choice, the map, its legend, the PNG and the table's
worst-first order all follow from the entry.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from paicha.vocab import MapMeasure, Status
from ui import theme
from ui.text import t


class Classing(StrEnum):
    fixed = "fixed"        # breaks chosen once, the same on every map
    quantile = "quantile"  # breaks from the villages shown: zero apart, the rest in quartiles
    status = "status"      # one class per progress status


@dataclass(frozen=True)
class MeasureSpec:
    """How one measure is drawn.

    ``breaks`` (fixed classing) are the upper bounds of every class but the last, in the unit
    of ``column``; ``higher_is_worse`` orders the colours (dark = worse) and the table.
    """

    measure: MapMeasure
    column: str
    classing: Classing
    higher_is_worse: bool = True
    breaks: tuple[float, ...] = ()
    unit_key: str = "risk_map.unit_households"

    @property
    def label(self) -> str:
        return self.measure.label


MEASURES: dict[MapMeasure, MeasureSpec] = {
    MapMeasure.screened_pct: MeasureSpec(MapMeasure.screened_pct, "screened_pct", Classing.fixed,
                                         higher_is_worse=False, breaks=(50.0, 70.0, 90.0, 100.0),
                                         unit_key="risk_map.unit_percent"),
    MapMeasure.lag: MeasureSpec(MapMeasure.lag, "lag", Classing.quantile),
    MapMeasure.status: MeasureSpec(MapMeasure.status, "status", Classing.status),
    MapMeasure.key_not_home: MeasureSpec(MapMeasure.key_not_home, "key_not_home", Classing.quantile),
    MapMeasure.exposed_unscreened: MeasureSpec(MapMeasure.exposed_unscreened, "exposed_unscreened",
                                               Classing.quantile),
    # The households page's 应纳未纳 list per village (data_loaders.households, same predicates).
    MapMeasure.should_monitor: MeasureSpec(MapMeasure.should_monitor, "should_monitor", Classing.quantile),
}

# Worst first, for the status measure's order in the table and the legend.
STATUS_ORDER = [Status.not_started, Status.severely_lagging, Status.lagging, Status.on_track, Status.done]


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str


@dataclass(frozen=True)
class Classes:
    """A measure classed over the villages shown: a fill per village, the legend's lines, and
    how the classes were made (stated on the legend).
    """

    fills: list[str]
    entries: list[LegendEntry]
    method: str


def _ramp(k: int) -> list[str]:
    """k colours spread over the sequential ramp, light (better) to dark (worse)."""
    if k <= 1:
        return [theme.SEQUENTIAL[0]]
    return [theme.SEQUENTIAL[round(i * (len(theme.SEQUENTIAL) - 1) / (k - 1))] for i in range(k)]


def _count(n: int) -> str:
    return t("risk_map.legend_villages", n=n)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _fixed(values: pd.Series, spec: MeasureSpec, no_data: pd.Series) -> tuple[np.ndarray, list[str]]:
    edges = list(spec.breaks)
    # Classes: below the first break, between breaks, then the last break itself and above.
    index = np.searchsorted(np.asarray(edges), values.fillna(0).to_numpy(float), side="right")
    labels = [t("risk_map.class_below", high=_fmt(edges[0]))]
    labels += [t("risk_map.class_between", low=_fmt(lo), high=_fmt(hi)) for lo, hi in itertools.pairwise(edges)]
    labels += [t("risk_map.class_at_least", low=_fmt(edges[-1]))]
    return index, labels


def _quantiles(values: pd.Series, no_data: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Villages at or below zero are a class of their own (nothing behind, nobody waiting);
    the positive values are split at their quartiles, in whole households.
    """
    numbers = np.ceil(values.fillna(0).to_numpy(float))
    positive = numbers[(numbers > 0) & ~no_data.to_numpy()]
    if len(positive):
        cuts = np.unique(np.ceil(np.quantile(positive, [0.25, 0.5, 0.75])))
        cuts = [c for c in cuts if c < positive.max()]
        uppers = [*cuts, positive.max()]
    else:
        uppers = []
    index = np.zeros(len(numbers), dtype=int)
    for i, upper in enumerate(uppers, start=1):
        lower = uppers[i - 2] if i > 1 else 0
        index[(numbers > lower) & (numbers <= upper)] = i
    labels = [t("risk_map.class_zero")]
    lows = [1, *[u + 1 for u in uppers[:-1]]] if uppers else []  # no village behind: the zero class only
    labels += [t("risk_map.class_range", low=_fmt(lo), high=_fmt(hi)) if lo != hi else _fmt(hi)
               for lo, hi in zip(lows, uppers, strict=True)]
    return index, labels


def classify(villages: pd.DataFrame, spec: MeasureSpec) -> Classes:
    """Class every village of ``villages`` for ``spec``; villages without farm households
    have no data and get the no-data colour.
    """
    no_data = villages["households"].fillna(0) <= 0
    if spec.classing is Classing.status:
        colours = {s.value: theme.STATUS_COLOURS[s.value] for s in STATUS_ORDER}
        fills = [theme.NO_DATA if nd else colours.get(v, theme.NO_DATA)
                 for v, nd in zip(villages[spec.column], no_data, strict=True)]
        shown = villages.loc[~no_data, spec.column].value_counts()
        entries = [LegendEntry(colours[s.value], f"{s.label}{_count(int(shown.get(s.value, 0)))}")
                   for s in STATUS_ORDER]
        method = t("risk_map.classing_status")
    else:
        values = villages[spec.column].astype(float)
        if spec.classing is Classing.fixed:
            index, labels = _fixed(values, spec, no_data)
            method = t("risk_map.classing_fixed")
        else:
            index, labels = _quantiles(values, no_data)
            method = t("risk_map.classing_quantile")
        ramp = _ramp(len(labels))
        if not spec.higher_is_worse:
            ramp = ramp[::-1]
        fills = [theme.NO_DATA if nd else ramp[i] for i, nd in zip(index, no_data, strict=True)]
        counts = np.bincount(index[~no_data.to_numpy()], minlength=len(labels))
        entries = [LegendEntry(ramp[i], f"{label}{_count(int(counts[i]))}") for i, label in enumerate(labels)]
        if spec.higher_is_worse:
            entries = entries[::-1]  # the legend reads worst first for every measure
    if no_data.any():
        entries.append(LegendEntry(theme.NO_DATA, f"{t('risk_map.no_data')}{_count(int(no_data.sum()))}"))
    return Classes(fills, entries, method)


def worst_first(villages: pd.DataFrame, spec: MeasureSpec) -> pd.DataFrame:
    """The villages ordered worst first by the measure, villages without data last."""
    if spec.classing is Classing.status:
        rank = {s.value: i for i, s in enumerate(STATUS_ORDER)}
        key = villages[spec.column].map(rank).fillna(len(rank))
    else:
        key = villages[spec.column].astype(float)
        key = -key if spec.higher_is_worse else key
    no_data = villages["households"].fillna(0) <= 0
    order = pd.DataFrame({"no_data": no_data, "key": key.fillna(math.inf), "code": villages["village_code"]})
    return villages.loc[order.sort_values(["no_data", "key", "code"]).index]
