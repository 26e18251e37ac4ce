"""Household list display frames (drill-downs, exports): identifiers arrive already masked."""

from __future__ import annotations

import pandas as pd

from ui.tables.formats import date_text
from ui.text import t


def household_list(frame: pd.DataFrame, village_names: dict[str, str]) -> pd.DataFrame:
    """A drill-down page of households with Chinese headers (identifiers already masked)."""
    return pd.DataFrame({
        t("household.household_id"): frame["household_id"].to_numpy(),
        t("household.village"): frame["village_code"].map(village_names).to_numpy(),
        t("household.head_name"): frame["head_name"].to_numpy(),
        t("household.head_id_number"): frame["head_id_number"].to_numpy(),
        t("household.phone"): frame["phone"].to_numpy(),
        t("household.members"): frame["members"].to_numpy(),
        t("household.key_groups"): frame["key_groups"].to_numpy(),
        t("household.first_on"): [date_text(d) for d in frame["first_on"]],
        t("household.methods"): frame["methods"].to_numpy(),
    })
