"""Synthetic households, screenings and milestones for the import tests and fixture files.

Names are drawn from common characters, ID numbers are generated with valid check characters
by paicha.idnumber and belong to nobody, and codes come from the reference divisions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_loaders.divisions import read_divisions
from data_loaders.store import (
    DIVISION_COLUMNS,
    HOUSEHOLD_COLUMNS,
    MILESTONE_COLUMNS,
    SCREENING_COLUMNS,
    Store,
)
from paicha.config import Settings
from paicha.idnumber import synthetic_ids
from paicha.vocab import Guarantee, KeyGroup, MonitorType, ScreeningMethod, ScreeningResult

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红")


def divisions(settings: Settings) -> pd.DataFrame:
    frame = read_divisions(settings.divisions_file)
    frame["geometry"] = None
    return frame


def households(settings: Settings, n: int = 60, seed: int = 7) -> pd.DataFrame:
    """``n`` households spread over the district's villages, in store columns."""
    rng = np.random.default_rng(seed)
    div = divisions(settings)
    picks = div.iloc[rng.integers(0, len(div), n)].reset_index(drop=True)
    serial = pd.Series(range(n)).astype(str).str.zfill(4)
    births = np.datetime64("1940-01-01") + rng.integers(0, 60 * 365, n).astype("timedelta64[D]")
    frame = pd.DataFrame({
        # 16-digit household numbers, as the national system issues: never safe as Excel numbers.
        "household_id": (picks["village_code"].str[:12] + serial).astype(object),
        "town_code": picks["town_code"].astype(object),
        "village_code": picks["village_code"].astype(object),
        "head_name": [rng.choice(SURNAMES) + "".join(rng.choice(GIVEN, rng.integers(1, 3)))
                      for _ in range(n)],
        "head_id_number": synthetic_ids(settings.district_code, births,
                                        rng.integers(0, 1000, n)).astype(object),
        "phone": ["13" + "".join(map(str, rng.integers(0, 10, 9))) for _ in range(n)],
        "members": rng.integers(1, 7, n).astype("int64"),
        "lon": np.round(122.85 + rng.random(n) * 0.2, 6),
        "lat": np.round(40.95 + rng.random(n) * 0.12, 6),
        "is_former_poor": rng.random(n) < 0.3,
        "monitor_type": rng.choice([m.value for m in MonitorType], n, p=[0.85, 0.05, 0.05, 0.05]),
        "per_capita_income": np.round(rng.uniform(5000, 30000, n), 2),
        "compliant_oop_spending": np.round(rng.uniform(0, 8000, n), 2),
    })
    for group in KeyGroup:
        frame[group.column] = rng.random(n) < 0.06
    for guarantee in Guarantee:
        frame[guarantee.column] = rng.random(n) < 0.03
    return frame[HOUSEHOLD_COLUMNS]


def screenings(settings: Settings, roster: pd.DataFrame, seed: int = 8,
               share: float = 0.8) -> pd.DataFrame:
    """About ``share`` of the households screened once, a few twice, within the campaign."""
    rng = np.random.default_rng(seed)
    chosen = roster[rng.random(len(roster)) < share]
    chosen = pd.concat([chosen, chosen.iloc[: len(chosen) // 10]], ignore_index=True)
    n = len(chosen)
    start = settings.campaign.start
    span = (settings.campaign.screening_deadline - start).days
    days = [start + dt.timedelta(days=int(d)) for d in rng.integers(0, span + 1, n)]
    confirmed = [d + dt.timedelta(days=1) if rng.random() < 0.7 else None for d in days]
    frame = pd.DataFrame({
        "household_id": chosen["household_id"],
        "town_code": chosen["town_code"],
        "village_code": chosen["village_code"],
        "screened_on": pd.Series(days, dtype=object),
        "method": rng.choice([m.value for m in ScreeningMethod], n, p=[0.6, 0.3, 0.1]),
        "screener": [rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(n)],
        "result": rng.choice([r.value for r in ScreeningResult], n, p=[0.85, 0.1, 0.05]),
        "leaflet_given": rng.random(n) < 0.9,
        "confirmed_online_on": pd.Series(confirmed, dtype=object),
        "lon": chosen["lon"] + 0.0001,
        "lat": chosen["lat"] - 0.0001,
    })
    return frame.drop_duplicates(["household_id", "screened_on", "method", "screener"])[SCREENING_COLUMNS]


def milestones(settings: Settings) -> pd.DataFrame:
    towns = divisions(settings)[["town_code"]].drop_duplicates().reset_index(drop=True)
    base = settings.campaign.plan_training_deadline
    offsets = range(len(towns))
    return pd.DataFrame({
        "town_code": towns["town_code"].astype(object),
        "plan_done_on": pd.Series([base - dt.timedelta(days=2 + i) for i in offsets], dtype=object),
        "training_done_on": pd.Series([base - dt.timedelta(days=i) for i in offsets], dtype=object),
        "report_submitted_on": pd.Series(
            [settings.campaign.report_deadline if i % 2 == 0 else None for i in offsets], dtype=object),
        "report_approved": pd.Series([True if i % 2 == 0 else None for i in offsets], dtype=object),
    })[MILESTONE_COLUMNS]


def load(store: Store, settings: Settings, *, roster: pd.DataFrame | None = None,
         records: pd.DataFrame | None = None, towns: pd.DataFrame | None = None) -> None:
    """Write divisions (always) and the given frames into an empty store, in one transaction."""
    # Counted before the transaction: DuckDB 2 refuses register() on a cursor whose last
    # result (here count's fetchone) was not read to the end.
    empty = store.count("divisions") == 0
    with store.transaction() as cur:
        if empty:
            store.insert_frame(cur, "divisions", divisions(settings), DIVISION_COLUMNS)
        if roster is not None:
            store.insert_frame(cur, "households", roster, HOUSEHOLD_COLUMNS)
        if records is not None:
            store.insert_frame(cur, "screenings", records, SCREENING_COLUMNS)
        if towns is not None:
            store.insert_frame(cur, "milestones", towns, MILESTONE_COLUMNS)


DATA_TABLES = ("households", "screenings", "milestones", "hazard_zones", "household_hazards")


def fingerprint(store: Store) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every data table (not the logs)."""
    out = {}
    for table in DATA_TABLES:
        row = store.query(
            f"SELECT count(*) AS n, md5(coalesce(string_agg(CAST(t AS VARCHAR), '|' "
            f"ORDER BY CAST(t AS VARCHAR)), '')) AS digest FROM {table} t").iloc[0]
        out[table] = (int(row["n"]), str(row["digest"]))
    return out
