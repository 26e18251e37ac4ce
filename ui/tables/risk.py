"""Risk display frames: the villages with households exposed to a hazard."""

from __future__ import annotations

import pandas as pd

from ui.text import t


def exposure_table(villages: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """Villages with exposed households, the most exposed-and-unscreened first."""
    exposed = villages[villages["exposed"] > 0].sort_values(["exposed_unscreened", "village_code"],
                                                           ascending=[False, True])
    return pd.DataFrame({
        t("columns.town"): exposed["town_code"].map(town_names).to_numpy(),
        t("columns.village"): exposed["village_name"].to_numpy(),
        t("columns.households"): exposed["households"].astype(int).to_numpy(),
        t("map.exposed"): exposed["exposed"].astype(int).to_numpy(),
        t("map.exposed_unscreened"): exposed["exposed_unscreened"].astype(int).to_numpy(),
        t("map.exposed_key_not_home"): exposed["exposed_key_not_home"].astype(int).to_numpy(),
    })
