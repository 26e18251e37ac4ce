"""A draw stores its frame-hash version and what its frame was built from; an unchanged store is not re-hashed."""

from __future__ import annotations

import datetime as dt
import importlib

import duckdb
import pandas as pd
import pytest

from data_loaders import spot_checks
from data_loaders import store as store_module
from data_loaders.store import SCHEMA_VERSION, SCREENING_COLUMNS, Store
from paicha import sampling
from paicha.access import User
from paicha.scope import Scope
from tests.conftest import TOWN_A, VILLAGE_A, build_known_store, screening

D = dt.date
CHECKER = User("checker", "抽查组", "", frozenset({"sample", "export"}))
# The package re-exports functions under the names of its modules' siblings; take the module itself.
draws_module = importlib.import_module("data_loaders.spot_checks.draws")


def district(settings) -> Scope:
    return Scope.district(settings.district_code)


def no_rebuild(*args, **kwargs):
    raise AssertionError("the frame was rebuilt")


def test_a_draw_stores_its_hash_version_and_what_its_frame_was_built_from(known_store, settings):
    draw = spot_checks.create_draw(known_store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                   {"n": 50}, seed=1)
    record = spot_checks.draw_record(known_store, district(settings), draw.draw_id)
    assert record["frame_hash_version"] == draw.frame_hash_version == sampling.FRAME_HASH_VERSION == 2
    assert record["frame_key"] == draws_module.frame_key(known_store, settings)
    assert record["frame_key"].startswith(f"{known_store.content_version()}|")
    frame = spot_checks.build_frame(known_store, settings, district(settings), D(2024, 9, 14))
    assert draw.frame_hash == sampling.frame_hash_v2(frame)


def test_an_unchanged_store_answers_without_building_the_frame(known_store, settings, monkeypatch):
    draw = spot_checks.create_draw(known_store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                   {"n": 50}, seed=1)
    # Another draw (a write, but of nothing a frame is built from) comes between.
    spot_checks.create_draw(known_store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs", {"n": 5}, seed=2)
    monkeypatch.setattr(draws_module, "build_frame", no_rebuild)
    assert spot_checks.frame_unchanged(known_store, settings, district(settings), draw.draw_id) is True
    # A record dated before the as-of date moves the content version: now the frame is rebuilt.
    with known_store.transaction() as cur:
        known_store.insert_frame(cur, "screenings", pd.DataFrame([screening("A02", VILLAGE_A, TOWN_A, D(2024, 9, 2))]),
                           SCREENING_COLUMNS)
    with pytest.raises(AssertionError, match="rebuilt"):
        spot_checks.frame_unchanged(known_store, settings, district(settings), draw.draw_id)
    monkeypatch.undo()
    assert spot_checks.frame_unchanged(known_store, settings, district(settings), draw.draw_id) is False


def test_a_write_that_leaves_the_frame_alone_is_still_verified_by_the_hash(known_store, settings):
    draw = spot_checks.create_draw(known_store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                   {"n": 50}, seed=1)
    # A record after the as-of date moves the version but not the frame.
    with known_store.transaction() as cur:
        known_store.insert_frame(cur, "screenings", pd.DataFrame([screening("A02", VILLAGE_A, TOWN_A, D(2024, 9, 20))]),
                           SCREENING_COLUMNS)
    assert spot_checks.frame_unchanged(known_store, settings, district(settings), draw.draw_id) is True


def test_a_write_between_frame_and_draw_leaves_the_draw_without_a_frame_key(known_store, settings, monkeypatch):
    real = draws_module.build_frame

    def frame_then_import(*args, **kwargs):
        frame = real(*args, **kwargs)
        with known_store.transaction() as cur:
            known_store.insert_frame(cur, "screenings", pd.DataFrame([screening("A02", VILLAGE_A, TOWN_A, D(2024, 9, 2))]),
                               SCREENING_COLUMNS)
        return frame

    monkeypatch.setattr(draws_module, "build_frame", frame_then_import)
    draw = spot_checks.create_draw(known_store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                   {"n": 50}, seed=1)
    monkeypatch.undo()
    assert pd.isna(spot_checks.draw_record(known_store, district(settings), draw.draw_id)["frame_key"])
    assert spot_checks.frame_unchanged(known_store, settings, district(settings), draw.draw_id) is False


def schema_2_store_with_a_draw(tmp_path, settings):
    """A store as schema 2 wrote it, holding one draw hashed with version 1 and no frame key."""
    path = tmp_path / "schema2.duckdb"
    store = build_known_store(path, settings)
    draw = spot_checks.create_draw(store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                   {"n": 50}, seed=1)
    frame = spot_checks.build_frame(store, settings, district(settings), D(2024, 9, 14))
    store_module.close_all()
    con = duckdb.connect(str(path))
    con.execute("UPDATE spot_check_draws SET frame_hash = ?", [sampling.frame_hash_v1(frame)])
    for column in ("frame_hash_version", "frame_key"):
        con.execute(f"ALTER TABLE spot_check_draws DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    return path, draw.draw_id


def test_a_schema_2_store_opens_upgraded_and_its_old_draw_is_verified_as_version_1(tmp_path, settings):
    path, draw_id = schema_2_store_with_a_draw(tmp_path, settings)
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION == 4
    record = spot_checks.draw_record(store, district(settings), draw_id)
    assert record["frame_hash_version"] == 1 and pd.isna(record["frame_key"])
    assert spot_checks.frame_unchanged(store, settings, district(settings), draw_id) is True
    with store.transaction() as cur:
        store.insert_frame(cur, "screenings", pd.DataFrame([screening("A02", VILLAGE_A, TOWN_A, D(2024, 9, 2))]),
                           SCREENING_COLUMNS)
    assert spot_checks.frame_unchanged(store, settings, district(settings), draw_id) is False
    # A new draw in the upgraded store is version 2 again.
    again = spot_checks.create_draw(store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                    {"n": 50}, seed=1)
    assert again.draw_id == draw_id + 1 and again.frame_hash_version == 2


def test_a_changed_threshold_rebuilds_the_frame_even_on_an_unchanged_store(known_store, settings, monkeypatch):
    import dataclasses

    draw = spot_checks.create_draw(known_store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                   {"n": 50}, seed=1)
    stricter = dataclasses.replace(settings, thresholds=dataclasses.replace(settings.thresholds, max_home_visits_per_day=1))
    monkeypatch.setattr(draws_module, "build_frame", no_rebuild)
    with pytest.raises(AssertionError, match="rebuilt"):  # the overload flags depend on it
        spot_checks.frame_unchanged(known_store, stricter, district(settings), draw.draw_id)


KEYED_ITEMS = store_module.ITEMS_TABLE.replace("checked_at TIMESTAMP)", "checked_at TIMESTAMP, PRIMARY KEY (draw_id, household_id))")


def schema_3_store_with_a_checked_draw(tmp_path, settings):
    """A store as schema 3 wrote it: spot-check items under a primary key, one of them checked."""
    path = tmp_path / "schema3.duckdb"
    store = build_known_store(path, settings)
    draw = spot_checks.create_draw(store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                   {"n": 5}, seed=1)
    first = draw.sample["household_id"].iloc[0]
    store_module.close_all()
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE spot_check_items RENAME TO unkeyed")
    con.execute(KEYED_ITEMS)
    con.execute("INSERT INTO spot_check_items SELECT * FROM unkeyed")
    con.execute("DROP TABLE unkeyed")
    con.execute("UPDATE spot_check_items SET visited = true, note = '已核' WHERE household_id = ?", [first])
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    return path, draw.draw_id, first


def item_keys(path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [row[0] for row in con.execute(
            "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'spot_check_items'").fetchall()]
    finally:
        con.close()


def test_a_schema_3_store_keeps_its_items_and_loses_their_key(tmp_path, settings):
    path, draw_id, checked = schema_3_store_with_a_checked_draw(tmp_path, settings)
    assert "PRIMARY KEY" in item_keys(path)
    con = duckdb.connect(str(path), read_only=True)
    before = con.execute("SELECT * FROM spot_check_items ORDER BY household_id").fetchall()
    con.close()
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION == 4
    after = store.cursor().execute("SELECT * FROM spot_check_items ORDER BY household_id").fetchall()
    assert after == before and len(after) == 5
    store_module.close_all()
    assert "PRIMARY KEY" not in item_keys(path) and "NOT NULL" in item_keys(path)
    store = Store(path)
    items = spot_checks.draw_items(store, settings, district(settings), draw_id).set_index("household_id")
    assert items.loc[checked, "visited"] is True and items.loc[checked, "note"] == "已核"
    # A new draw lands in the rebuilt table beside the old one.
    again = spot_checks.create_draw(store, settings, CHECKER, district(settings), D(2024, 9, 14), "srs",
                                    {"n": 5}, seed=1)
    assert store.count("spot_check_items") == 10
    assert list(draws_module.plain_items(store, district(settings), again.draw_id)["household_id"]) == \
        list(draws_module.plain_items(store, district(settings), draw_id)["household_id"])
