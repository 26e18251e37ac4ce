"""Older stores are upgraded when opened: hazard levels become codes, in one transaction."""

from __future__ import annotations

import json

import duckdb
import pytest

from data_loaders import backup as backups
from data_loaders import store as store_module
from data_loaders.store import SCHEMA_VERSION, Store, StoreError
from tests.conftest import VILLAGE_A, build_known_store

SQUARE = '{"type": "Polygon", "coordinates": [[[122.9, 41.0], [123.0, 41.0], [123.0, 41.1], [122.9, 41.0]]]}'
# What the first schema held: the level as the file spelled it, stored verbatim.
OLD_LEVELS = {"z-high": "高", "z-medium": "中", "z-medium-spelled": "中风险", "z-letter": "H",
              "z-none": None, "z-unknown": "一级"}


def old_store(tmp_path, settings):
    """A store as version 1 wrote it: schema_version 1 and hazard levels in Chinese."""
    path = tmp_path / "old.duckdb"
    build_known_store(path, settings)
    store_module.close_all()
    con = duckdb.connect(str(path))
    for zone, level in OLD_LEVELS.items():
        con.execute("INSERT INTO hazard_zones (zone_id, kind, level, name, village_code, source, crs, geometry)"
                    " VALUES (?, 'flood', ?, ?, ?, '旧导入', 'WGS-84', ?)",
                    [zone, level, f"区域{zone}", VILLAGE_A, SQUARE])
    # Version 1 had no hazard indicators; the upgrade must add them.
    for column in ("indicator", "indicator_name", "observed_on"):
        con.execute(f"ALTER TABLE hazard_zones DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    return path


def levels(path) -> dict[str, str | None]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("SELECT zone_id, level FROM hazard_zones ORDER BY zone_id").fetchall())
    finally:
        con.close()


def meta(path, key: str) -> str | None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None


def test_opening_an_older_store_stores_hazard_levels_as_codes(tmp_path, settings):
    path = old_store(tmp_path, settings)
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION == 4
    store_module.close_all()
    assert levels(path) == {"z-high": "high", "z-medium": "medium", "z-medium-spelled": "medium",
                            "z-letter": "high", "z-none": None, "z-unknown": None}


def test_a_level_no_spelling_matches_is_kept_beside_its_zone(tmp_path, settings):
    path = old_store(tmp_path, settings)
    Store(path)
    store_module.close_all()
    assert json.loads(meta(path, "unmapped_hazard_levels")) == {"z-unknown": "一级"}


def test_an_upgraded_store_keeps_everything_else(tmp_path, settings):
    path = old_store(tmp_path, settings)
    tables = ("households", "screenings", "milestones", "users", "hazard_zones")
    con = duckdb.connect(str(path), read_only=True)
    before = {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in tables}
    con.close()
    store = Store(path)
    assert {table: store.count(table) for table in tables} == before
    assert before["households"] == 14 and before["hazard_zones"] == len(OLD_LEVELS)
    assert store.is_demo() is False


def test_a_failed_upgrade_leaves_the_older_store_as_it_was(tmp_path, settings, monkeypatch):
    path = old_store(tmp_path, settings)
    before = levels(path)

    def half_done(cur):
        cur.execute("UPDATE hazard_zones SET level = 'high'")
        raise RuntimeError("interrupted")

    monkeypatch.setitem(store_module.MIGRATIONS, 2, half_done)
    with pytest.raises(RuntimeError, match="interrupted"):
        Store(path)
    store_module.close_all()
    assert levels(path) == before and meta(path, "schema_version") == "1"
    monkeypatch.undo()
    assert Store(path).schema_version() == SCHEMA_VERSION


def test_an_older_store_opened_read_only_is_read_as_it_is(tmp_path, settings):
    path = old_store(tmp_path, settings)
    store = Store(path, read_only=True)
    assert store.schema_version() == 1 and store.count("hazard_zones") == len(OLD_LEVELS)
    store_module.close_all()
    assert levels(path)["z-high"] == "高"


def test_a_store_of_a_newer_program_is_refused_and_left_alone(tmp_path, settings):
    path = old_store(tmp_path, settings)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="结构版本是 99"):
        Store(path)
    store_module.close_all()
    assert path.read_bytes() == before


def test_a_backup_of_an_older_store_is_restored_and_upgraded_on_open(tmp_path, settings):
    old = old_store(tmp_path, settings)
    build_known_store(tmp_path / "current.duckdb", settings)
    store_module.close_all()
    backups.restore(old, tmp_path / "current.duckdb")
    store = Store(tmp_path / "current.duckdb")
    assert store.schema_version() == SCHEMA_VERSION
    assert store.query("SELECT level FROM hazard_zones WHERE zone_id = 'z-high'")["level"].tolist() == ["high"]
