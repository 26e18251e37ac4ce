"""Reproducible selection of households for spot checks, with exact inclusion probabilities.

One module per concern (the frame, the shared selection machinery, each design, the draw
plans); this package re-exports the public API, so callers say ``sampling.backcheck``.
"""

from paicha.sampling.backcheck import (
    backcheck,
    backcheck_probabilities,
    summarise_backcheck,
    systematic_pps,
)
from paicha.sampling.frame import (
    ALL_STRATUM,
    BOOL_COLUMNS,
    FLAG_COLUMNS,
    FRAME_COLUMNS,
    FRAME_HASH_VERSION,
    FRAME_HASHES,
    REASON_CERTAINTY,
    REASON_RANDOM,
    SAMPLE_COLUMNS,
    frame_hash,
    frame_hash_v1,
    frame_hash_v2,
)
from paicha.sampling.lqas import lqas_village_designs, lqas_villages
from paicha.sampling.plans import (
    CHOICES,
    DEFAULTS,
    Allocation,
    DrawPlan,
    Method,
    SizeMeasure,
    StratifyBy,
    draw,
    make_plan,
)
from paicha.sampling.pps import pps_village_probabilities, pps_villages
from paicha.sampling.simple import allocate_sample, simple_random, stratified

__all__ = [
    "ALL_STRATUM",
    "BOOL_COLUMNS",
    "CHOICES",
    "DEFAULTS",
    "FLAG_COLUMNS",
    "FRAME_COLUMNS",
    "FRAME_HASHES",
    "FRAME_HASH_VERSION",
    "REASON_CERTAINTY",
    "REASON_RANDOM",
    "SAMPLE_COLUMNS",
    "Allocation",
    "DrawPlan",
    "Method",
    "SizeMeasure",
    "StratifyBy",
    "allocate_sample",
    "backcheck",
    "backcheck_probabilities",
    "draw",
    "frame_hash",
    "frame_hash_v1",
    "frame_hash_v2",
    "lqas_village_designs",
    "lqas_villages",
    "make_plan",
    "pps_village_probabilities",
    "pps_villages",
    "simple_random",
    "stratified",
    "summarise_backcheck",
    "systematic_pps",
]
