"""Draw plans: the five methods, their defaults, a plan checked and spelled out, and the draw by plan."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from paicha.sampling.backcheck import backcheck
from paicha.sampling.lqas import lqas_village_designs, lqas_villages
from paicha.sampling.pps import pps_villages
from paicha.sampling.simple import simple_random, stratified
from paicha.text import joined, t
from paicha.vocab import LabelledEnum, Method


class StratifyBy(LabelledEnum):
    """What a stratified sample's strata are (a frame column)."""

    village_code = ("village_code", "按村（社区）")
    town_code = ("town_code", "按乡镇（街道）")


class Allocation(LabelledEnum):
    """How a stratified sample's size is shared out among the strata."""

    proportional = ("proportional", "按户数比例分配")
    equal = ("equal", "各层等量")


class SizeMeasure(LabelledEnum):
    """What a PPS draw weighs villages by (a frame count)."""

    households = ("households", "农户数")
    key_households = ("key_households", "重点户数")


DEFAULTS: dict[Method, dict[str, object]] = {
    Method.srs: {"n": 100},
    Method.stratified: {"n": 100, "by": "village_code", "allocation": "proportional",
                        "min_per_stratum": 2},
    Method.pps: {"n_villages": 10, "per_village": 10, "size": "households"},
    # The work plan's rule is to re-check 10-20 % of each screener's work; two per screener is
    # the least that does not rest a screener's verdict on a single household.
    Method.backcheck: {"share": 0.15, "min_per_screener": 2, "flag_weight": 4.0},
    # 80 % acceptable / 50 % unacceptable with 10 % risks is the classic LQAS plan (n=19, d=13).
    Method.lqas: {"upper": 0.80, "lower": 0.50, "alpha": 0.10, "beta": 0.10},
}
"""Parameters of each method when the caller gives none; every drawn plan stores all of them."""

CHOICES: dict[str, type[LabelledEnum]] = {"by": StratifyBy, "allocation": Allocation, "size": SizeMeasure}
"""The parameters that take one of a few named values, and their vocabulary."""
_COUNTS = {"n", "min_per_stratum", "n_villages", "per_village", "min_per_screener"}
_SHARES = {"share", "flag_weight", "upper", "lower", "alpha", "beta"}


@dataclass(frozen=True)
class DrawPlan:
    """A method with every parameter spelled out, so the stored draw can be replayed exactly."""

    method: Method
    params: dict[str, object]


def make_plan(method: str, given: Mapping[str, object] | None = None) -> DrawPlan:
    """Complete ``given`` with the method's defaults and check the types of the values.

    Ranges are checked by the sampling functions themselves; this only refuses what they would
    misread (a share written as 15 instead of 0.15, an unknown parameter name).
    """
    try:
        m = Method(method)
    except ValueError as exc:
        raise ValueError(t("errors.sampling.unknown_method", method=method, methods=joined(Method))) from exc
    params = dict(DEFAULTS[m])
    for key, value in (given or {}).items():
        if value is None:
            continue
        if key not in params:
            raise ValueError(t("errors.sampling.no_parameter", method=m.label, key=key))
        if key in CHOICES:
            if value not in [m.value for m in CHOICES[key]]:
                raise ValueError(t("errors.sampling.choice", key=key, choices=t("text.or_separator").join(CHOICES[key])))
        elif key in _COUNTS:
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise ValueError(t("errors.sampling.integer", key=key))
            value = int(value)
        elif key in _SHARES:
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(t("errors.sampling.number", key=key))
            value = float(value)
        params[key] = value
    if m is Method.backcheck and not 0.0 < float(params["share"]) <= 1.0:
        raise ValueError(t("errors.sampling.share_decimal"))
    return DrawPlan(m, params)


def draw(frame: pd.DataFrame, plan: DrawPlan, seed: int) -> tuple[pd.DataFrame, dict[str, object]]:
    """Draw a sample from a frame by the plan; returns the sample and the parameters to store.

    The sample (as every design's) is indexed by each household's position in ``frame``.

    The stored parameters are the plan's plus, for LQAS, each village's plan (population, n,
    d): the verdict is later judged against exactly the rule the sample was drawn for.
    """
    p = plan.params
    if plan.method is Method.srs:
        sample = simple_random(frame, p["n"], seed)
    elif plan.method is Method.stratified:
        sample = stratified(frame, p["n"], seed, by=p["by"], allocation=p["allocation"],
                                     min_per_stratum=p["min_per_stratum"])
    elif plan.method is Method.pps:
        sample = pps_villages(frame, p["n_villages"], p["per_village"], seed, size=p["size"])
    elif plan.method is Method.backcheck:
        sample = backcheck(frame, p["share"], seed, min_per_screener=p["min_per_screener"],
                                    flag_weight=p["flag_weight"])
    else:
        designs = lqas_village_designs(frame, p)
        village_n = {code: design["n"] for code, design in designs.items()}
        largest = max(village_n.values(), default=1)
        sample = lqas_villages(frame, largest, seed, village_n=village_n)
        return sample, {**p, "villages": designs}
    return sample, dict(p)
