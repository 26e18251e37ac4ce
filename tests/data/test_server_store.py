"""A PostgreSQL store: created and upgraded by numbered migrations, written by several processes at once."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import psycopg
import pytest

from cli.main import main
from data_loaders import store as store_module
from data_loaders.engines import postgres
from data_loaders.store import SCHEMA_VERSION, Store
from paicha.scope import Scope
from tests.conftest import VILLAGE_A, build_known_store

SQUARE = '{"type": "Polygon", "coordinates": [[[122.9, 41.0], [123.0, 41.0], [123.0, 41.1], [122.9, 41.0]]]}'


def run_json(capsys, *argv) -> tuple[int, dict]:
    code = main([str(a) for a in argv])
    return code, json.loads(capsys.readouterr().out)


def test_db_init_on_an_empty_database_makes_the_schema_with_its_policies(pg_url, capsys):
    code, out = run_json(capsys, "db", "init", "--db", pg_url)
    assert code == 0 and out["is_demo"] is False and out["divisions"] == 64
    with psycopg.connect(pg_url) as conn:
        policies = {row[0] for row in conn.execute("SELECT tablename FROM pg_policies").fetchall()}
    assert policies == set(postgres.SCOPED_TABLES)
    code, out = run_json(capsys, "db", "migrate", "--db", pg_url)
    assert (out["schema_version_before"], out["schema_version"]) == (SCHEMA_VERSION, SCHEMA_VERSION)
    assert main(["db", "init", "--db", pg_url]) != 0  # never over an existing store


def test_db_migrate_brings_a_first_schema_store_up_to_date(pg_url, settings, capsys):
    build_known_store(pg_url, settings)
    store_module.close_all()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("SELECT set_config('paicha.town_prefix', '*', false)")
        for zone, level in (("z-high", "高"), ("z-letter", "H"), ("z-unknown", "一级")):
            conn.execute("INSERT INTO hazard_zones (zone_id, kind, level, name, village_code, source, crs, geometry) "
                         "VALUES (%s, 'flood', %s, %s, %s, '旧导入', 'WGS-84', %s)", [zone, level, zone, VILLAGE_A, SQUARE])
        for column in ("indicator", "indicator_name", "observed_on"):  # version 1 had none of them
            conn.execute(f"ALTER TABLE hazard_zones DROP COLUMN {column}")
        conn.execute("ALTER TABLE spot_check_draws DROP COLUMN frame_key")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    code, out = run_json(capsys, "db", "migrate", "--db", pg_url)
    assert code == 0 and (out["schema_version_before"], out["schema_version"]) == (1, SCHEMA_VERSION)
    store = Store(pg_url)
    levels = dict(store.cursor().execute("SELECT zone_id, level FROM hazard_zones ORDER BY 1").fetchall())
    assert levels == {"z-high": "high", "z-letter": "high", "z-unknown": None}
    assert json.loads(store.get_meta("unmapped_hazard_levels")) == {"z-unknown": "一级"}
    assert {"indicator", "observed_on"} <= {c for t, c in store._engine.columns() if t == "hazard_zones"}
    # The households and their derived facts came through the upgrade whole.
    assert store.count("households") == 14 and store.count("household_facts") == 14


def _import(url: str, file: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli.main", "import", "--db", url, "--user", "a", "--json", file],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_importing_at_once_both_land_whole_one_after_the_other(pg_url, settings, tmp_path):
    build_known_store(pg_url, settings)
    store_module.close_all()
    header = "户编号,排查日期,排查方式,排查人员,排查结果\n"
    files = []
    for i, ids in enumerate((["A02", "A07", "A08"], ["A09", "B02", "B03"])):
        file = tmp_path / f"records_{i}.csv"
        file.write_text(header + "".join(f"{h},2024-09-1{5 + i},入户排查,员{i},无风险\n" for h in ids), encoding="utf-8")
        files.append(str(file))
    running = [_import(pg_url, f) for f in files]
    results = [p.communicate(timeout=120) for p in running]
    assert [p.returncode for p in running] == [0, 0], results
    store = Store(pg_url)
    store.act_as(Scope.district(settings.district_code))
    assert store.count("screenings") == 9 + 6
    # The derived tables agree with the records: neither import's refresh was lost or doubled.
    screened = store.query("SELECT count(DISTINCT household_id) AS n FROM screenings")["n"].iloc[0]
    assert store.count("household_status") == screened == 14
    days = store.query("SELECT sum(records) AS n FROM screening_days")["n"].iloc[0]
    assert days == 15
    assert int(store.get_meta("data_version")) >= 3


def test_the_same_demo_draws_the_same_households_with_the_same_hash_on_both_engines(tmp_path, pg_url, settings):
    """A draw replayed on the other engine (a district moving to a server) picks the same households."""
    from data_loaders.demo import build_demo
    from data_loaders.spot_checks import create_draw
    from paicha.access import User

    checker = User("checker", "抽查组", "", frozenset({"sample"}))
    district = Scope.district(settings.district_code)
    draws = {}
    for target in (tmp_path / "demo.duckdb", pg_url):
        store = Store.create(target, demo=True)
        build_demo(store, settings, households=1500, seed=11)
        draws[str(target)] = [create_draw(store, settings, checker, district, dt.date(2024, 9, 14), method,
                                          params, seed=5) for method, params in
                              (("stratified", {"n": 60}), ("backcheck", {"share": 0.1}), ("pps", {"n_villages": 4, "per_village": 5}))]
    file, server = draws.values()
    for a, b in zip(file, server, strict=True):
        assert a.frame_hash == b.frame_hash and a.frame_size == b.frame_size
        assert a.sample["household_id"].tolist() == b.sample["household_id"].tolist()
        assert a.sample["inclusion_probability"].tolist() == b.sample["inclusion_probability"].tolist()


def test_a_schema_3_server_store_trades_the_items_key_for_a_unique_index(pg_url, settings):
    build_known_store(pg_url, settings)
    store_module.close_all()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP INDEX spot_check_items_key")
        conn.execute("ALTER TABLE spot_check_items ADD PRIMARY KEY (draw_id, household_id)")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    store = Store(pg_url)
    assert store.schema_version() == SCHEMA_VERSION == 4
    with psycopg.connect(pg_url) as conn:
        constraints = conn.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'spot_check_items'::regclass "
                                   "AND contype = 'p'").fetchall()
        indexes = conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'spot_check_items'").fetchall()
    assert constraints == []
    assert [row[0] for row in indexes] == [
        "CREATE UNIQUE INDEX spot_check_items_key ON public.spot_check_items USING btree (draw_id, household_id)"]
    # The index still refuses a household twice in one draw.
    row = ("1", "H1", "T", "V", None, "s", 1.0, "random")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("SELECT set_config('paicha.town_prefix', '*', false)")
        insert = ("INSERT INTO spot_check_items (draw_id, household_id, town_code, village_code, screener, stratum, "
                  "inclusion_probability, reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")
        conn.execute(insert, row)
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(insert, row)
