"""What a stored draw's results say: error rates by village, screener and town, LQAS, follow-ups."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_loaders.spot_checks.draws import draw_record, plain_items
from data_loaders.store import Store
from paicha import sampling, verdicts
from paicha.config import Settings
from paicha.scope import Scope


@dataclass(frozen=True)
class DrawVerdicts:
    """What a draw's results say: rates by village, screener and town, LQAS, follow-ups."""

    estimate: verdicts.Estimate
    by_village: pd.DataFrame
    by_screener: pd.DataFrame
    by_town: pd.DataFrame
    lqas: pd.DataFrame | None
    follow_up: pd.DataFrame
    screener_error_rate: float


def draw_verdicts(store: Store, settings: Settings, scope: Scope, draw_id: int) -> DrawVerdicts | None:
    """Verdicts of one draw in scope, or None when the draw is not visible."""
    record = draw_record(store, scope, draw_id)
    if record is None:
        return None
    items = plain_items(store, scope, draw_id)
    villages = items.drop_duplicates("village_code").set_index("village_code")
    towns = items.drop_duplicates("town_code").set_index("town_code")["town_name"]
    by_village = verdicts.error_rates(items, "village_code")
    by_village.insert(1, "village_name", by_village["village_code"].map(villages["village_name"]))
    by_village.insert(1, "town_name", by_village["village_code"].map(villages["town_name"]))
    by_town = verdicts.error_rates(items, "town_code")
    by_town.insert(1, "town_name", by_town["town_code"].map(towns))
    by_screener = verdicts.error_rates(items.assign(screener=items["screener"].fillna("")), "screener")
    lqas = None
    if record["method"] == sampling.Method.lqas.value:
        lqas = verdicts.lqas_verdicts(items, record["parameters"]["villages"])
        lqas.insert(1, "village_name", lqas["village_code"].map(villages["village_name"]))
    threshold = settings.thresholds.screener_error_rate
    return DrawVerdicts(verdicts.estimate(items), by_village, by_screener, by_town, lqas,
                        verdicts.follow_up_screeners(by_screener, threshold), threshold)
