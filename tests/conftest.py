"""Shared fixtures: settings, and small databases built in code (a hand-made one with known totals
and a generated demo one), each in its own temporary file; a throw-away PostgreSQL server with an
empty database per test."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from data_loaders import accounts
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
from tests import pgcluster

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
    row = dict.fromkeys(GUARANTEE_COLUMNS + KEY_COLUMNS, False)
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


@lru_cache(maxsize=1)
def _test_password_hash() -> str:
    return accounts.hash_password(accounts.DEMO_PASSWORD)


def add_test_accounts(store: Store, settings: Settings) -> None:
    """The demo's account names in a hand-made store, with the demo password (hashed once)."""
    for username, role, town, name in accounts.DEMO_ACCOUNTS:
        accounts.add_user(store, settings.auth, settings.district_code, username, role, None, town_code=town,
                          display_name=name, by="test", password_hash=_test_password_hash())


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
        store.insert_frame(cur, "divisions", divisions, DIVISION_COLUMNS)
        store.insert_frame(cur, "households", pd.DataFrame(hh), HOUSEHOLD_COLUMNS)
        store.insert_frame(cur, "screenings", pd.DataFrame(sc), SCREENING_COLUMNS)
        store.insert_frame(cur, "milestones", milestones, MILESTONE_COLUMNS)
        store.set_meta("is_demo", "false", cur)
    add_test_accounts(store, settings)
    return store


# Every test that uses one of the stores below runs on both engines: a DuckDB file and a
# database on the session's throw-away PostgreSQL server. Tests of the file itself (moved,
# read-only, backed up as a file) are marked duckdb_only and run on the file alone.
ENGINES = ("duckdb", "postgresql")
_databases = itertools.count()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--engine", choices=ENGINES, action="append",
                     help="run the store tests on this engine only (default: both)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "duckdb_only: a test of the DuckDB file itself, not of the store")
    config.addinivalue_line("markers", "both_engines: a browser test that also runs on PostgreSQL")
    config.addinivalue_line("markers", "postgresql_only: a test of what only the server does (pg_dump)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--engine") or ENGINES
        browser = "tests/e2e/" in metafunc.definition.nodeid
        # The browser tests drive the same pages the AppTests run on both engines; two of them
        # (the sign-in walk through every page, the screenshots) also run on PostgreSQL.
        if metafunc.definition.get_closest_marker("duckdb_only") or (
                browser and not metafunc.definition.get_closest_marker("both_engines")):
            chosen = [e for e in chosen if e == "duckdb"]
        if metafunc.definition.get_closest_marker("postgresql_only"):
            chosen = [e for e in chosen if e == "postgresql"]
        metafunc.parametrize("engine", chosen, scope="session", indirect=False)


def _database(cluster: pgcluster.Cluster, stem: str, template: str | None = None) -> tuple[str, str]:
    name = f"{stem}_{next(_databases)}"
    return name, cluster.create_database(name, template)


def _target(engine: str, request: pytest.FixtureRequest, folder: Path, stem: str,
            template: str | None = None) -> Path | str:
    """Where a test's store lives: a file in ``folder``, or a new database (dropped after the test)."""
    if engine == "duckdb":
        return folder / f"{stem}.duckdb"
    cluster = request.getfixturevalue("pg_cluster")
    name, url = _database(cluster, stem, template)
    request.addfinalizer(lambda: (store_module.close_all(), cluster.drop_database(name)))
    return url


@pytest.fixture
def known_store(engine, request, tmp_path, settings) -> Store:
    return build_known_store(_target(engine, request, tmp_path, "known"), settings)


@pytest.fixture(scope="session")
def demo_db_path(engine, request, tmp_path_factory, settings) -> Path | str:
    """A small generated demo district (2,000 households), built once per test session and engine."""
    target = _target(engine, request, tmp_path_factory.mktemp("demo"), "demo")
    build_demo(Store.create(target, demo=True), settings, households=2000, seed=7)
    store_module.close_all()
    if engine == "duckdb":
        return target
    # PostgreSQL copies a database only while nobody is connected to it: the tests read a copy,
    # the built one stays closed as the template of every other copy.
    shared = _target(engine, request, tmp_path_factory.mktemp("demo"), "demo", template=_name(target))
    _templates[shared] = _name(target)
    return shared


# A PostgreSQL store handed to tests → the closed database it was copied from.
_templates: dict[str, str] = {}


def _name(url: Path | str) -> str:
    return str(url).rsplit("/", 1)[1]


def _copy(engine: str, request: pytest.FixtureRequest, source: Path | str, folder: Path) -> Path | str:
    if engine == "duckdb":
        return Path(shutil.copy(source, folder / "demo.duckdb"))
    return _target(engine, request, folder, "demo", template=_templates.get(str(source), _name(source)))


@pytest.fixture
def demo_copy(engine, request, tmp_path, demo_db_path) -> Path | str:
    """A private copy of the demo district for a test that signs in or writes (the shared one
    stays as built, so tests never see each other's sessions and audit lines)."""
    return _copy(engine, request, demo_db_path, tmp_path)


@pytest.fixture(scope="module")
def demo_module_copy(engine, request, tmp_path_factory, demo_db_path) -> Path | str:
    """The same, shared by one module's tests (a browser test module runs one server on it)."""
    return _copy(engine, request, demo_db_path, tmp_path_factory.mktemp("demo_module"))


HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def hostile_db_path(engine, request, tmp_path_factory, demo_db_path, settings) -> Path | str:
    """The demo district after importing, through the importer, a roster row, a screening record
    and a flood zone whose names (head, screener, zone) are HTML that would run a script if any
    page drew it as markup."""
    import json

    from data_loaders.importing import import_files

    path = _copy(engine, request, demo_db_path, tmp_path_factory.mktemp("hostile"))
    store = Store(path)
    row = store.query("""
        SELECT h.household_id, h.head_id_number, h.village_code, h.members, d.town_name, d.village_name
        FROM households h JOIN divisions d USING (village_code)
        LEFT JOIN household_status s USING (household_id)
        WHERE s.first_on IS NULL OR s.first_on > DATE '2024-09-12'
        ORDER BY h.household_id LIMIT 1""").iloc[0]
    roster = ("户编号,户主姓名,户主证件号码,乡镇(街道),村(社区),家庭人口数,是否脱贫户\n"
              f"{row.household_id},\"{HOSTILE}\",{row.head_id_number},{row.town_name},{row.village_name},"
              f"{row.members},否\n").encode()
    zone = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"编号": "hostile-1", "名称": HOSTILE, "灾害类型": "暴雨洪涝", "风险等级": "高"},
        "geometry": {"type": "Polygon", "coordinates": [[[122.90, 40.98], [122.95, 40.98], [122.95, 41.01],
                                                          [122.90, 41.01], [122.90, 40.98]]]}}]}
    # A follow-up record by a screener with the hostile name, for a household already screened
    # (so no count changes).
    visited = store.query("""
        SELECT household_id FROM household_status WHERE first_on < DATE '2024-09-11'
        ORDER BY household_id LIMIT 1""").iloc[0, 0]
    screening = ("户编号,排查日期,排查方式,排查人员,排查结果\n"
                 f"{visited},2024-09-11,入户排查,\"{HOSTILE}\",无风险\n").encode()
    for name, content in (("hostile_roster.csv", roster), ("hostile_screening.csv", screening),
                          ("hostile_zone.geojson", json.dumps(zone, ensure_ascii=False).encode())):
        report = import_files(store, [(name, content)], settings=settings, user="test")
        assert report.ok, report.errors
    store_module.close_all()
    return path


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory) -> Iterator[pgcluster.Cluster]:
    """One throw-away PostgreSQL server on loopback for the session."""
    try:
        pgcluster.bin_dir()
    except FileNotFoundError as missing:
        # A failure, not a skip: CI installs the server. Not chained, the message says it all.
        raise pytest.fail.Exception(str(missing), pytrace=False) from None
    # As root the server runs as the postgres user, who cannot enter pytest's folders (private to
    # their owner): its folder is then made directly in the system's temporary folder.
    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="paicha-pg-")) if as_root else tmp_path_factory.mktemp("postgres")
    try:
        cluster = pgcluster.start(base)
        yield cluster
        cluster.stop()
    finally:
        if as_root:
            shutil.rmtree(base)


_pg_databases = itertools.count()


@pytest.fixture
def pg_url(pg_cluster) -> Iterator[str]:
    """A fresh empty database for one test, owned by the role paicha; dropped after it."""
    name = f"test_{next(_pg_databases)}"
    yield pg_cluster.create_database(name)
    pg_cluster.drop_database(name)
