"""Backups through the engine and restores that check the backup before replacing the store."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from data_loaders import backup as backups
from data_loaders import store as store_module
from data_loaders.spot_checks import create_draw
from data_loaders.store import Store, StoreError
from data_loaders.store_errors import StoreLockedError
from paicha.access import User
from paicha.scope import Scope
from tests.conftest import build_known_store
from tests.importing.synthetic_import_data import fingerprint
from tests.processes import holding

pytestmark = pytest.mark.duckdb_only  # backups are copies of the DuckDB file (PostgreSQL: pg_dump)

DISTRICT = Scope.district("210311")
ADMIN = User("admin", "管理员", "", frozenset({"sample"}))


def test_a_backup_is_a_complete_store_with_its_marker_keys_and_sequences(tmp_path, settings):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    create_draw(store, settings, ADMIN, DISTRICT, dt.date(2024, 9, 14), "srs", {"n": 3}, seed=1)
    store.audit("admin", "unmask_view", DISTRICT, {}, 0)
    info = backups.backup(store, tmp_path / "backup" / "b.duckdb")
    assert (info.households, info.is_demo) == (14, False) and info.bytes > 0
    assert not list((tmp_path / "backup").glob(".*"))  # no partial file left behind
    copy = Store(info.path)
    assert fingerprint(copy) == fingerprint(store)
    assert copy.count("spot_check_draws") == 1 and copy.count("audit_log") == store.count("audit_log")
    # Sequences carry on where the original stopped: the next draw is number 2, not 1 again.
    assert create_draw(copy, settings, ADMIN, DISTRICT, dt.date(2024, 9, 14), "srs", {"n": 3}, seed=2).draw_id == 2


def test_a_backup_never_overwrites(tmp_path, settings):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    (tmp_path / "b.duckdb").write_bytes(b"keep me")
    with pytest.raises(StoreError, match="已存在"):
        backups.backup(store, tmp_path / "b.duckdb")
    assert (tmp_path / "b.duckdb").read_bytes() == b"keep me"


def test_restore_replaces_the_store_and_keeps_the_previous_one_as_bak(tmp_path, settings):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    saved = fingerprint(store)
    backups.backup(store, tmp_path / "b.duckdb")
    with store.transaction() as cur:
        cur.execute("DELETE FROM screenings")
    changed = fingerprint(store)
    info = backups.restore(tmp_path / "b.duckdb", tmp_path / "k.duckdb")
    assert fingerprint(Store(tmp_path / "k.duckdb")) == saved
    assert info.previous.name.startswith("k.duckdb.") and info.previous.suffix == ".bak"
    assert fingerprint(Store(info.previous)) == changed
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["k.duckdb", "b.duckdb", info.previous.name])


def test_restore_into_a_missing_path_creates_it_from_the_backup(tmp_path, settings):
    backups.backup(build_known_store(tmp_path / "k.duckdb", settings), tmp_path / "b.duckdb")
    info = backups.restore(tmp_path / "b.duckdb", tmp_path / "new" / "paicha.duckdb")
    assert info.previous is None and Store(info.path).count("households") == 14


@pytest.mark.parametrize("kind", ["not_a_database", "unmarked", "other_schema"])
def test_restore_refuses_a_file_that_is_not_a_valid_backup_and_changes_nothing(tmp_path, settings, kind):
    build_known_store(tmp_path / "k.duckdb", settings)
    store_module.close_all()
    before = (tmp_path / "k.duckdb").read_bytes()
    bad = tmp_path / "bad.duckdb"
    if kind == "not_a_database":
        bad.write_bytes(b"PK\x03\x04 not a database")
    else:
        backups.backup(Store(tmp_path / "k.duckdb"), bad)
        store_module.close_all()
        con = duckdb.connect(str(bad))
        if kind == "unmarked":
            con.execute("DELETE FROM meta WHERE key = 'is_demo'")
        else:
            con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        con.close()
    with pytest.raises(StoreError):
        backups.restore(bad, tmp_path / "k.duckdb")
    assert (tmp_path / "k.duckdb").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.duckdb", "k.duckdb"]


def test_a_demo_backup_never_replaces_a_real_store(tmp_path, settings, demo_db_path):
    build_known_store(tmp_path / "k.duckdb", settings)
    store_module.close_all()
    before = (tmp_path / "k.duckdb").read_bytes()
    with pytest.raises(StoreError, match="不会用演示数据覆盖正式数据"):
        backups.restore(demo_db_path, tmp_path / "k.duckdb")
    assert (tmp_path / "k.duckdb").read_bytes() == before


def test_restore_while_another_process_holds_the_store_names_its_pid(tmp_path, settings):
    backups.backup(build_known_store(tmp_path / "k.duckdb", settings), tmp_path / "b.duckdb")
    store_module.close_all()
    with holding(tmp_path / "k.duckdb") as proc, pytest.raises(StoreLockedError, match=f"PID {proc.pid}"):
        backups.restore(tmp_path / "b.duckdb", tmp_path / "k.duckdb")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]

