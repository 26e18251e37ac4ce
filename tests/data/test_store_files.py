"""The store's file: opened never created, marked demo or real, checked under a running process."""

from __future__ import annotations

import hashlib
import os
import shutil

import duckdb
import pytest

from data_loaders import store as store_module
from data_loaders.demo import build_demo
from data_loaders.store import (
    Store,
    StoreError,
    StoreMissingError,
    StoreReplacedError,
)
from data_loaders.store_errors import (
    StoreDiskFullError,
    StoreLockedError,
    StoreNotPaichaError,
    StoreReadOnlyError,
    classify,
)
from paicha.scope import Scope
from tests.conftest import build_known_store
from tests.processes import holding

DISTRICT = Scope.district("210311")


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_opening_a_missing_database_never_creates_one(tmp_path):
    path = tmp_path / "nothing" / "paicha.duckdb"
    with pytest.raises(StoreMissingError, match=r"数据库文件不存在：.*paicha\.duckdb"):
        Store(path)
    assert not path.exists() and not path.parent.exists()


def test_a_created_store_carries_its_marker(tmp_path):
    assert Store.create(tmp_path / "real.duckdb", demo=False).get_meta("is_demo") == "false"
    assert Store.create(tmp_path / "demo.duckdb", demo=True).is_demo()
    store_module.close_all()
    assert not Store(tmp_path / "real.duckdb").is_demo()


def test_create_never_overwrites(tmp_path, settings):
    build_known_store(tmp_path / "k.duckdb", settings)
    with pytest.raises(StoreError, match="已存在"):
        Store.create(tmp_path / "k.duckdb", demo=True)
    assert Store(tmp_path / "k.duckdb").count("households") == 14


def test_a_database_with_tables_but_no_marker_is_refused(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("CREATE TABLE households (household_id VARCHAR)")
    con.close()
    before = digest(path)
    with pytest.raises(StoreNotPaichaError, match="没有“演示库/正式库”标记"):
        Store(path)
    assert digest(path) == before
    duckdb.connect(str(path)).close()  # refused means released too: another process may open it


@pytest.mark.parametrize("content", [b"", b"household_id,name\n1,x\n"])
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path, content):
    path = tmp_path / "x.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreNotPaichaError, match="不是排查看板数据库"):
        Store(path)
    assert path.read_bytes() == content


def test_an_empty_duckdb_file_is_not_a_paicha_store(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(StoreNotPaichaError, match="没有任何表"):
        Store(path)


def test_the_demo_builder_refuses_a_real_store(tmp_path, settings):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    before = store.query("SELECT * FROM households ORDER BY household_id")
    with pytest.raises(StoreError, match="是正式库：演示数据生成器不会写入"):
        build_demo(store, settings, households=50)
    assert store.query("SELECT * FROM households ORDER BY household_id").equals(before)


def test_every_write_leaves_the_file_complete_without_a_log(tmp_path, settings):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    wal = tmp_path / "k.duckdb.wal"
    assert not wal.exists()
    store.audit("admin", "unmask_view", DISTRICT, {"page": "villages"}, 0)
    assert not wal.exists()
    copied = tmp_path / "copy.duckdb"
    shutil.copy(tmp_path / "k.duckdb", copied)  # what a backup script or an operator does
    assert len(Store(copied).audit_entries(action="unmask_view")) == 1


def test_a_database_moved_under_a_running_process_is_noticed_and_never_written(tmp_path, settings):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    store.data_version()
    moved = tmp_path / "elsewhere.duckdb"
    os.rename(tmp_path / "k.duckdb", moved)
    before = digest(moved)
    with pytest.raises(StoreMissingError, match="运行期间被移走或删除"):
        store.data_version()
    for write in (lambda: store.audit("admin", "unmask_view", DISTRICT, {}, 0),
                  lambda: store.transaction().__enter__(), lambda: store.set_meta("x", "y")):
        with pytest.raises(StoreMissingError):
            write()
    store_module.forget(tmp_path / "k.duckdb")  # what the dashboard does next: let it go
    assert digest(moved) == before
    assert not (tmp_path / "k.duckdb").exists()
    with pytest.raises(StoreMissingError):
        Store(tmp_path / "k.duckdb")


def test_a_database_replaced_under_a_running_process_is_noticed(tmp_path, settings):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    build_known_store(tmp_path / "other.duckdb", settings).audit("x", "y", DISTRICT, {}, 0)
    store_module.forget(tmp_path / "other.duckdb")
    os.replace(tmp_path / "other.duckdb", tmp_path / "k.duckdb")
    with pytest.raises(StoreReplacedError, match="已被替换"):
        store.data_version()
    store_module.forget(tmp_path / "k.duckdb")
    assert len(Store(tmp_path / "k.duckdb").audit_entries(action="y")) == 1  # the new file, opened afresh


def test_a_database_held_by_another_process_names_its_pid(tmp_path, settings):
    build_known_store(tmp_path / "k.duckdb", settings)
    store_module.close_all()
    with holding(tmp_path / "k.duckdb") as proc, pytest.raises(StoreLockedError) as caught:
        Store(tmp_path / "k.duckdb")
    assert caught.value.pid == proc.pid
    assert f"PID {proc.pid}" in str(caught.value) and "备份数据库" in str(caught.value)


@pytest.mark.parametrize(("text", "kind", "words"), [
    ('IO Error: Could not set lock on file "/d/p.duckdb": Conflicting lock is held in /usr/bin/python3.11 '
     '(PID 4242). See also https://duckdb.org/docs/current/connect/concurrency', StoreLockedError,
     ["PID 4242", "python3.11"]),
    ('TransactionContext Error: Failed to commit: Could not write file "/d/p.duckdb": No space left on device',
     StoreDiskFullError, ["磁盘空间已满", "已全部撤销"]),
    ('IO Error: Cannot open file "/d/p.duckdb": Permission denied', StoreReadOnlyError, ["只读"]),
    ('TransactionContext Error: Failed to commit: Cannot open file "/d/p.duckdb.wal": Permission denied',
     StoreReadOnlyError, ["只读", "文件夹"]),
    ('Invalid Input Error: Cannot execute statement of type "INSERT" on database "p" which is attached in '
     'read-only mode!', StoreReadOnlyError, ["只读"]),
])
def test_each_file_problem_gets_its_own_message(text, kind, words):
    error = classify(duckdb.IOException(text), "/d/p.duckdb")
    assert type(error) is kind
    assert all(word in str(error) for word in words)
    assert "/d/p.duckdb" in str(error)
    assert "占用" not in str(error) or kind is StoreLockedError
