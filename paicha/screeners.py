"""Who screens: per screener days active, records and home visits per day, implausible days, villages.

Built from the store's per-screener, per-village, per-day counts (``screener_days``), never from
household rows. A screener is identified by the name on the records within the scope; names
are staff personal data, so the pages show them in scope and exports mask them
(:func:`paicha.privacy.mask_name`) unless the user may unmask.
"""

from __future__ import annotations

import pandas as pd

SUMMARY_COLUMNS = ["screener", "days_active", "records", "home_visits", "records_per_day", "home_per_day",
                   "max_home_visits", "days_over_limit", "over_limit_days", "villages", "village_codes",
                   "first_day", "last_day"]
DEPENDENCE_COLUMNS = ["village_code", "screeners", "records", "top_screener", "top_share", "depends_on_one"]


def named(days: pd.DataFrame) -> pd.DataFrame:
    """Records without a screener's name grouped under "" (shown as 未填写), never dropped."""
    return days.assign(screener=days["screener"].fillna("").astype(str))


def screener_summary(days: pd.DataFrame) -> pd.DataFrame:
    """One row per screener, most records first.

    ``days`` holds village_code, screener, day, records, home_visits and over_limit (the day's
    home visits of that screener, counted in every town, exceed the configured limit).
    ``max_home_visits`` is the most home visits the scope's records show on one day.
    """
    if days.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    days = named(days)
    per_day = days.groupby(["screener", "day"]).agg(
        records=("records", "sum"), home_visits=("home_visits", "sum"), over_limit=("over_limit", "any"),
    ).reset_index()
    over_days = {s: sorted(g["day"]) for s, g in per_day[per_day["over_limit"]].groupby("screener")}
    villages = {s: sorted(set(g["village_code"])) for s, g in days.groupby("screener")}
    out = per_day.groupby("screener").agg(
        days_active=("day", "nunique"), records=("records", "sum"), home_visits=("home_visits", "sum"),
        max_home_visits=("home_visits", "max"), first_day=("day", "min"), last_day=("day", "max"),
    ).reset_index()
    out["records_per_day"] = (out["records"] / out["days_active"]).round(1)
    out["home_per_day"] = (out["home_visits"] / out["days_active"]).round(1)
    out["over_limit_days"] = [over_days.get(s, []) for s in out["screener"]]
    out["days_over_limit"] = out["over_limit_days"].map(len)
    out["village_codes"] = [villages.get(s, []) for s in out["screener"]]
    out["villages"] = out["village_codes"].map(len)
    out = out.sort_values(["records", "screener"], ascending=[False, True])
    return out[SUMMARY_COLUMNS].reset_index(drop=True)


def screener_matrix(days: pd.DataFrame) -> pd.DataFrame:
    """Records per screener (rows) and village (columns); zero where a screener never worked.

    A village column with one non-zero cell depends on one person.
    """
    if days.empty:
        return pd.DataFrame()
    matrix = named(days).pivot_table(index="screener", columns="village_code", values="records",
                                     aggfunc="sum", fill_value=0)
    order = matrix.sum(axis=1).sort_values(ascending=False).index
    return matrix.loc[order].astype(int)


def village_dependence(days: pd.DataFrame, share: float) -> pd.DataFrame:
    """Per village: how many screeners, and whether one of them made at least ``share`` of its
    records (the village depends on one person: if that person stops, the village stops).
    """
    if days.empty:
        return pd.DataFrame(columns=DEPENDENCE_COLUMNS)
    per = named(days).groupby(["village_code", "screener"])["records"].sum().reset_index()
    total = per.groupby("village_code")["records"].transform("sum")
    per["share"] = per["records"] / total
    top = per.sort_values(["village_code", "records", "screener"], ascending=[True, False, True]) \
             .drop_duplicates("village_code")
    counts = per.groupby("village_code").agg(screeners=("screener", "nunique"), records=("records", "sum"))
    out = top.set_index("village_code")[["screener", "share"]].rename(
        columns={"screener": "top_screener", "share": "top_share"}).join(counts).reset_index()
    out["top_share"] = out["top_share"].round(3)
    out["depends_on_one"] = out["top_share"] >= share
    return out[DEPENDENCE_COLUMNS]
