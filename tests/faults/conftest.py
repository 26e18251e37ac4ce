"""Fixtures of the fault tests: a store whose only screening falls on the campaign's first day,
and a district-sized batch (roster and screenings) that takes long enough to write to be killed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from data_loaders.divisions import read_divisions
from data_loaders.store import (
    DIVISION_COLUMNS,
    HOUSEHOLD_COLUMNS,
    MILESTONE_COLUMNS,
    SCREENING_COLUMNS,
    Store,
)
from paicha.config import Settings
from paicha.vocab import MonitorType, ScreeningMethod, ScreeningResult
from tests.app.conftest import app_env  # noqa: F401  (the AppTest fixture, shared)
from tests.conftest import (
    TOWN_A,
    TOWN_B,
    VILLAGE_A,
    VILLAGE_B,
    D,
    add_test_accounts,
    household,
    screening,
)
from tests.e2e.conftest import browser  # noqa: F401  (Chromium, shared with the browser tests)
from tests.importing.synthetic_import_data import divisions, households, screenings


def build_first_day_store(path: Path, settings: Settings) -> Store:
    """Village A: 10 households, one screened on Saturday 2024-08-24 (the campaign's start, a
    rest day) and nothing else; village B: 400 households, one screened on Monday 8-26, so its
    projected finish at 0.2 a day lies years past the calendar's end."""
    store = Store.create(path, demo=False)
    hh = [household(f"A{i:02d}", VILLAGE_A, TOWN_A, key=i == 0) for i in range(10)]
    hh += [household(f"B{i:03d}", VILLAGE_B, TOWN_B) for i in range(400)]
    sc = [screening("A00", VILLAGE_A, TOWN_A, D(2024, 8, 24)), screening("B000", VILLAGE_B, TOWN_B, D(2024, 8, 26))]
    milestones = pd.DataFrame([{"town_code": TOWN_A, "plan_done_on": D(2024, 8, 20), "training_done_on": D(2024, 8, 22),
                                "report_submitted_on": None, "report_approved": None}])
    with store.transaction() as cur:
        store.insert_frame(cur, "divisions", read_divisions(settings.divisions_file).assign(geometry=None),
                           DIVISION_COLUMNS)
        store.insert_frame(cur, "households", pd.DataFrame(hh), HOUSEHOLD_COLUMNS)
        store.insert_frame(cur, "screenings", pd.DataFrame(sc), SCREENING_COLUMNS)
        store.insert_frame(cur, "milestones", milestones, MILESTONE_COLUMNS)
    add_test_accounts(store, settings)
    return store


@pytest.fixture(scope="session")
def first_day_db_path(tmp_path_factory, settings) -> Path:
    from data_loaders import store as store_module

    path = tmp_path_factory.mktemp("first_day") / "first_day.duckdb"
    build_first_day_store(path, settings)
    store_module.close_all()
    return path


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


@pytest.fixture(scope="session")
def big_batch(tmp_path_factory, settings) -> list[Path]:
    """A 20,000-household roster and its screenings as two CSV files, as a district sends them."""
    folder = tmp_path_factory.mktemp("big_batch")
    roster = households(settings, n=20_000, seed=3)
    div = divisions(settings)
    town = dict(zip(div["town_code"], div["town_name"], strict=True))
    header = ["户编号", "户主姓名", "户主证件号码", "乡镇(街道)", "村(社区)", "家庭人口数", "是否脱贫户",
              "监测对象类型", "家庭人均纯收入(元)", "经度", "纬度"]
    rows = [[h.household_id, h.head_name, h.head_id_number, town[h.town_code], h.village_code, int(h.members),
             "是" if h.is_former_poor else "否", MonitorType(h.monitor_type).label, float(h.per_capita_income),
             float(h.lon), float(h.lat)] for h in roster.itertuples()]
    (folder / "花名册.csv").write_bytes(_csv([header, *rows]))
    records = screenings(settings, roster, seed=4)
    rows = [[s.household_id, s.screened_on.isoformat(), ScreeningMethod(s.method).label, s.screener,
             ScreeningResult(s.result).label, "是" if s.leaflet_given else "否",
             s.confirmed_online_on.isoformat() if s.confirmed_online_on else ""] for s in records.itertuples()]
    header = ["户编号", "排查日期", "排查方式", "排查人员", "排查结果", "是否发放明白纸", "线上确认日期"]
    (folder / "排查记录.csv").write_bytes(_csv([header, *rows]))
    return [folder / "花名册.csv", folder / "排查记录.csv"]
