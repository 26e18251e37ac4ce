"""Shared fixtures: settings, and small databases built in code (a hand-made one with known totals
and a generated demo one), each in its own temporary file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from data_loaders import store as store_module
from data_loaders.demo import build_demo
from data_loaders.divisions import read_divisions
from data_loaders.store import (
    DIVISION_COLUMNS,
    GUARANTEE_COLUMNS,
    HOUSEHOLD_COLUMNS,
    KEY_COLUMNS,
    MILESTONE_COLUMNS,
    SCREENING_COLUMNS,
    Store,
)
from paicha.config import Settings, load_settings

D = dt.date
VILLAGE_A = "210311006200"  # 汤岗子村民委员会, 汤岗子街道
VILLAGE_B = "210311104210"  # 甘泉村委会, 甘泉镇
TOWN_A, TOWN_B = "210311006000", "210311104000"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    store_module.close_all()


def household(hid: str, village: str, town: str, key: bool = False) -> dict:
    row = {c: False for c in GUARANTEE_COLUMNS + KEY_COLUMNS}
    row.update({
        "household_id": hid, "town_code": town, "village_code": village, "head_name": "测试户主",
        "head_id_number": "11010519491231002X", "phone": "13800002565", "members": 3,
        "lon": 122.95, "lat": 41.0, "is_former_poor": False, "monitor_type": "none",
        "per_capita_income": 16000.0, "compliant_oop_spending": 0.0,
    })
    if key:
        row["kg_severe_disability"] = True
    return row


def screening(hid: str, village: str, town: str, on: dt.date, method: str = "home_visit",
              result: str = "no_risk", leaflet: bool = True, confirmed: dt.date | None = None) -> dict:
    return {"household_id": hid, "town_code": town, "village_code": village, "screened_on": on,
            "method": method, "screener": "测试员甲", "result": result, "leaflet_given": leaflet,
            "confirmed_online_on": confirmed, "lon": None, "lat": None}


def build_known_store(path: Path, settings: Settings) -> Store:
    """Village A: 10 households, 3 key; village B: 4 households, 1 key. Screenings are dated so
    that the figures on 2024-09-12 can be worked out by hand (see the tests that use it)."""
    store = Store.create(path, demo=False)
    hh = [household(f"A{i:02d}", VILLAGE_A, TOWN_A, key=i < 3) for i in range(10)]
    hh += [household(f"B{i:02d}", VILLAGE_B, TOWN_B, key=i == 0) for i in range(4)]
    sc = [
        # A00..A05 screened; key A00 at home, key A01 only by phone (not a home visit), A02 unreached.
        screening("A00", VILLAGE_A, TOWN_A, D(2024, 8, 26), confirmed=D(2024, 8, 27)),
        screening("A01", VILLAGE_A, TOWN_A, D(2024, 8, 27), method="online_inquiry"),
        screening("A03", VILLAGE_A, TOWN_A, D(2024, 9, 9), result="propose_monitoring"),
        screening("A04", VILLAGE_A, TOWN_A, D(2024, 9, 10), leaflet=False),
        screening("A05", VILLAGE_A, TOWN_A, D(2024, 9, 12)),
        # A second record of A00 does not make a second screened household.
        screening("A00", VILLAGE_A, TOWN_A, D(2024, 9, 11)),
        # A06 is screened only after the as-of date: invisible on 9-12.
        screening("A06", VILLAGE_A, TOWN_A, D(2024, 9, 13)),
        # Village B: everyone screened on the working Saturday 9-14 and after.
        screening("B00", VILLAGE_B, TOWN_B, D(2024, 9, 14)),
        screening("B01", VILLAGE_B, TOWN_B, D(2024, 9, 14)),
    ]
    divisions = read_divisions(settings.divisions_file).assign(geometry=None)
    milestones = pd.DataFrame([
        {"town_code": TOWN_A, "plan_done_on": D(2024, 8, 20), "training_done_on": D(2024, 8, 22),
         "report_submitted_on": D(2024, 9, 21), "report_approved": True},
        {"town_code": TOWN_B, "plan_done_on": D(2024, 8, 20), "training_done_on": D(2024, 8, 27),
         "report_submitted_on": None, "report_approved": False},
    ])
    with store.transaction() as cur:
        Store.insert_frame(cur, "divisions", divisions, DIVISION_COLUMNS)
        Store.insert_frame(cur, "households", pd.DataFrame(hh), HOUSEHOLD_COLUMNS)
        Store.insert_frame(cur, "screenings", pd.DataFrame(sc), SCREENING_COLUMNS)
        Store.insert_frame(cur, "milestones", milestones, MILESTONE_COLUMNS)
        store.set_meta("is_demo", "false", cur)
    return store


@pytest.fixture
def known_store(tmp_path, settings) -> Store:
    return build_known_store(tmp_path / "known.duckdb", settings)


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory, settings) -> Path:
    """A small generated demo district (2,000 households), built once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(Store.create(path, demo=True), settings, households=2000, seed=7)
    store_module.close_all()
    return path
