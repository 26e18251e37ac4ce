"""Backups of a store on PostgreSQL (pg_dump) and restores into a new database (pg_restore).

Real server, real tools: the session's throw-away cluster, the pg_dump and pg_restore installed
beside it. The DuckDB file's backups are tested in tests/data/test_backup.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cli.main import main
from data_loaders import backup as backups
from data_loaders import store as store_module
from data_loaders.engines import pg_backup, postgres
from data_loaders.store import STORE_TABLES, Store, StoreError
from paicha.scope import Scope
from tests.app.walk import open_page, shown
from tests.conftest import TOWN_A, build_known_store
from ui import keys

EVERY_ROW = "-c paicha.town_prefix=*"
pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def pg_demo(engine, request) -> str:
    """A private copy of the session's demo district (2,000 households) on the server.

    The store fixtures run on both engines; these tests are about pg_dump, so they run on the
    server alone (tests/data/test_backup.py backs up the file).
    """
    return request.getfixturevalue("demo_copy")


def run_json(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else None, captured.err


def _connect(url: str) -> psycopg.Connection:
    """A connection that sees every row, as pg_dump's does."""
    return psycopg.connect(url, options=EVERY_ROW, autocommit=True)


def _counts(url: str) -> dict[str, int]:
    with _connect(url) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in sorted(STORE_TABLES)}


def _meta(url: str) -> dict[str, str]:
    with _connect(url) as conn:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def _relations(url: str) -> list[str]:
    """Every table, sequence, index and view in the database's public schema."""
    with _connect(url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' ORDER BY 1")]


def _backup(url: str, out: Path) -> backups.BackupInfo:
    store = Store(url)
    try:
        return backups.backup(store, out)
    finally:
        store_module.close_all()


def test_a_backup_restores_into_a_new_database_as_the_same_store(pg_demo, pg_url, tmp_path, settings, capsys):
    out = tmp_path / "backups" / "2024" / "demo.dump"  # folders that are missing are made
    code, info, _ = run_json(capsys, "backup", "--db", pg_demo, "--out", str(out))
    assert code == 0 and info == {"db": pg_demo, "backup": str(out), "bytes": out.stat().st_size,
                                  "households": 2000, "is_demo": True}
    assert [p.name for p in out.parent.iterdir()] == ["demo.dump"]  # no partial file left
    with out.open("rb") as file:
        assert file.read(5) == b"PGDMP"  # pg_dump's custom format

    # A demo archive into an empty database: there is no real store there to protect.
    code, info, _ = run_json(capsys, "restore", str(out), "--db", pg_url)
    assert code == 0 and info == {"db": pg_url, "previous": None, "households": 2000, "is_demo": True}
    assert _counts(pg_url) == _counts(pg_demo) and _counts(pg_url)["screenings"] > 0
    assert _meta(pg_url) == _meta(pg_demo)
    for level in ("town", "village"):
        shown_by = [run_json(capsys, "progress", "--db", url, "--as-of", "2024-09-12", "--level", level,
                             "--json")[1] for url in (pg_demo, pg_url)]
        assert shown_by[0] == shown_by[1] and shown_by[0]

    with _connect(pg_demo) as before, _connect(pg_url) as after:
        # The sequences carry on where the original stopped.
        for sequence in ("audit_seq", "import_seq", "spot_check_draw_seq"):
            query = f"SELECT last_value, is_called FROM {sequence}"
            assert after.execute(query).fetchone() == before.execute(query).fetchone()
        # The row policies came back with the rows, FORCE included.
        policies = ("SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, count(p.polname) FROM pg_class c "
                    "LEFT JOIN pg_policy p ON p.polrelid = c.oid WHERE c.relkind = 'r' GROUP BY 1, 2, 3 ORDER BY 1")
        assert after.execute(policies).fetchall() == before.execute(policies).fetchall()
        assert sum(row[1] and row[2] for row in after.execute(policies).fetchall()) == len(postgres.SCOPED_TABLES)
    restored = Store(pg_url)
    restored.act_as(Scope.town(settings.district_code, TOWN_A))
    assert set(restored.query("SELECT DISTINCT town_code FROM households")["town_code"]) == {TOWN_A}


def test_a_backup_holds_every_row_whoever_the_process_acts_as(pg_demo, pg_url, tmp_path, settings):
    # The dashboard's store: fail-closed, the button's thread acting as one town's user.
    store = Store(pg_demo)
    store.fail_closed()
    store.act_as(Scope.town(settings.district_code, TOWN_A))
    assert store.count("households") < 2000
    info = backups.backup(store, tmp_path / "b.dump")
    assert info.households == 2000
    store_module.close_all()
    backups.restore(info.path, pg_url)
    assert _counts(pg_url) == _counts(pg_demo)


def test_pg_dump_needs_row_security_on_and_a_connection_that_sees_every_town(pg_demo, tmp_path):
    """Why the backup runs pg_dump as it does. The tables' policies apply to their owner too."""
    with _connect(pg_demo) as conn:
        tool = pg_backup.client_tool("pg_dump", pg_backup.server_major(conn))
    env = {k: v for k, v in os.environ.items() if k != "PGOPTIONS"}

    def dump(*options: str, prefix: str | None = None) -> subprocess.CompletedProcess:
        extra = {"PGOPTIONS": f"-c paicha.town_prefix={prefix}"} if prefix else {}
        return subprocess.run([tool, "--format=custom", *options, f"--file={tmp_path / 'd.dump'}", pg_demo],
                              env={**env, **extra}, capture_output=True, text=True)

    # By default pg_dump turns row security off, and PostgreSQL refuses to dump a filtered table.
    refused = dump(prefix="*")
    assert refused.returncode == 1 and "row-level security" in refused.stderr
    # With it on but the setting unset, the policies show no town: the dump "succeeds", empty.
    assert dump("--enable-row-security").returncode == 0
    rows = subprocess.run([tool.with_name("pg_restore"), "--data-only", "--table=households", "--file=-",
                           tmp_path / "d.dump"], capture_output=True, text=True, check=True).stdout
    assert "COPY public.households" in rows and rows.split("FROM stdin;\n", 1)[1].startswith("\\.")
    # On, and seeing every town: every row.
    (tmp_path / "d.dump").unlink()
    assert dump("--enable-row-security", prefix="*").returncode == 0
    rows = subprocess.run([tool.with_name("pg_restore"), "--data-only", "--table=households", "--file=-",
                           tmp_path / "d.dump"], capture_output=True, text=True, check=True).stdout
    assert len(rows.split("FROM stdin;\n", 1)[1].split("\n\\.")[0].splitlines()) == 2000


def test_a_backup_during_an_open_write_transaction_completes_with_the_committed_state(pg_demo, pg_url, tmp_path):
    store = Store(pg_demo)
    store.audit("admin", "before_backup", Scope.district("210311"), {}, 0)  # committed: in the backup
    committed, committed_meta = _counts(pg_demo), _meta(pg_demo)
    out = tmp_path / "b.dump"
    # The writer's connection closes (and so rolls back) before the pool waits for the backup.
    with ThreadPoolExecutor(1) as pool, psycopg.connect(pg_demo, options=EVERY_ROW) as writer:
        # One transaction, as an import holds it: the store's write lock, rows deleted and
        # changed, an audit line, the data version moved on.
        writer.execute("SELECT pg_advisory_xact_lock(7061696368)")
        writer.execute("DELETE FROM screenings")
        writer.execute("DELETE FROM household_status")
        writer.execute("UPDATE households SET members = members + 1")
        writer.execute("INSERT INTO audit_log (logged_at, user_name, action, scope) "
                       "VALUES (now(), 'admin', 'uncommitted', 'all')")
        writer.execute("UPDATE meta SET value = '999' WHERE key = 'data_version'")
        info = pool.submit(backups.backup, store, out).result(timeout=120)  # never waits for the writer
        writer.commit()  # after the dump: not in it
    assert info.households == 2000 and out.exists()
    assert _counts(pg_demo)["screenings"] == 0  # the writer's transaction did commit, later
    store_module.close_all()
    backups.restore(out, pg_url)
    assert _counts(pg_url) == committed and _meta(pg_url) == committed_meta
    with _connect(pg_url) as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_log ORDER BY id")]
        assert "before_backup" in actions and "uncommitted" not in actions
        restored_members = conn.execute("SELECT sum(members) FROM households").fetchone()[0]
    with _connect(pg_demo) as conn:  # every household one member more since the writer committed
        assert restored_members == conn.execute("SELECT sum(members) - count(*) FROM households").fetchone()[0]


@pytest.mark.parametrize("target", ["a_store", "the_leftovers_of_one"])
def test_restore_into_a_database_that_holds_a_store_is_refused_and_changes_nothing(
        pg_demo, pg_url, tmp_path, settings, capsys, target):
    out = _backup(pg_demo, tmp_path / "b.dump").path
    build_known_store(pg_url, settings)
    if target == "the_leftovers_of_one":
        with _connect(pg_url) as conn:
            conn.execute("DROP TABLE meta")
    store_module.close_all()
    before, relations = _counts_if(pg_url), _relations(pg_url)
    code, _, err = run_json(capsys, "restore", str(out), "--db", pg_url)
    assert code == 2
    assert f"数据库 {pg_url} 中已有排查看板的数据表" in err and "请新建一个空数据库" in err
    assert "不会覆盖或删除" in err
    assert _counts_if(pg_url) == before and _relations(pg_url) == relations


def _counts_if(url: str) -> dict[str, int]:
    """Row counts of the store tables the database has."""
    with _connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")]
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def test_a_refused_restore_never_names_the_password(tmp_path):
    url = "postgresql://paicha:s3cret@127.0.0.1:1/nowhere"
    (tmp_path / "b.dump").write_bytes(b"PGDMP")
    with pytest.raises(StoreError) as refused:
        backups.restore(tmp_path / "b.dump", url)
    assert "s3cret" not in str(refused.value) and "paicha:***@127.0.0.1:1/nowhere" in str(refused.value)


def test_a_truncated_archive_is_refused_and_leaves_the_database_empty(pg_demo, pg_url, tmp_path):
    whole = _backup(pg_demo, tmp_path / "b.dump").path.read_bytes()
    refusals = []
    # Cut in the table of contents, in the middle of the data, and in the last data block: the
    # first two are refused by reading the archive, the last only by the restore failing half
    # way, which its single transaction undoes.
    for cut in (64, len(whole) // 2, len(whole) - 200):
        cut_off = tmp_path / f"cut-{cut}.dump"
        cut_off.write_bytes(whole[:cut])
        with pytest.raises(StoreError) as refused:
            backups.restore(cut_off, pg_url)
        refusals.append(str(refused.value))
        assert _relations(pg_url) == [], cut
    assert all("不是完整可读的 PostgreSQL 备份" in r for r in refusals[:2])
    assert "已整体撤销" in refusals[2] and "没有留下任何恢复的内容" in refusals[2]
    # The whole archive then restores into the same database.
    (tmp_path / "whole.dump").write_bytes(whole)
    assert backups.restore(tmp_path / "whole.dump", pg_url).households == 2000


def test_an_archive_of_a_newer_schema_is_refused_before_the_restore(pg_demo, pg_url, tmp_path):
    store = Store(pg_demo)
    with _connect(pg_demo) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    out = backups.backup(store, tmp_path / "b.dump").path
    with pytest.raises(StoreError, match="结构版本是 99"):
        backups.restore(out, pg_url)
    assert _relations(pg_url) == []


def test_a_duckdb_file_is_not_restored_into_a_server_database(pg_url, tmp_path, settings):
    build_known_store(tmp_path / "k.duckdb", settings)
    store_module.close_all()
    with pytest.raises(StoreError, match="是 DuckDB 数据库文件，不能恢复到 PostgreSQL 数据库"):
        backups.restore(tmp_path / "k.duckdb", pg_url)
    assert _relations(pg_url) == []


def test_a_backup_into_a_folder_that_cannot_be_made_says_so_and_writes_nothing(pg_url, tmp_path, settings, capsys):
    build_known_store(pg_url, settings)
    store_module.close_all()
    (tmp_path / "taken").write_text("a file where the folder should be")
    for out in (tmp_path / "taken" / "b.dump", tmp_path / "taken" / "2024" / "b.dump"):
        code, _, err = run_json(capsys, "backup", "--db", pg_url, "--out", str(out))
        assert code == 2 and f"无法在 {out.parent} 写入备份文件" in err and "同名的文件" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_failed_dump_leaves_no_partial_file(pg_url, tmp_path, settings, monkeypatch):
    build_known_store(pg_url, settings)
    # A pg_dump that writes half a file and fails, as one does when its connection drops.
    fake = tmp_path / "tools" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nfor a; do case "$a" in --file=*) printf PGDMP-half > "${a#--file=}";; esac; done\n'
                    'echo "pg_dump: error: connection to server lost" >&2\nexit 1\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(pg_backup, "client_tool", lambda name, server: fake)
    out = tmp_path / "backups" / "b.dump"
    with pytest.raises(StoreError, match="pg_dump 未能备份数据库") as failed:
        backups.backup(Store(pg_url), out)
    assert "connection to server lost" in str(failed.value)
    assert list(out.parent.iterdir()) == []


def test_the_client_matches_the_servers_major_version_or_is_the_newest(tmp_path, monkeypatch):
    for version in ("13", "15", "16"):
        tool = tmp_path / version / "bin" / "pg_dump"
        tool.parent.mkdir(parents=True)
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    monkeypatch.setattr(pg_backup, "CLIENT_DIRS", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert pg_backup.client_tool("pg_dump", (15,)) == tmp_path / "15" / "bin" / "pg_dump"
    assert pg_backup.client_tool("pg_dump", (14,)) == tmp_path / "16" / "bin" / "pg_dump"
    assert pg_backup.client_tool("pg_dump", (9, 6)) == tmp_path / "16" / "bin" / "pg_dump"
    with pytest.raises(StoreError, match="PostgreSQL 16 的客户端，比数据库服务器的版本 17 旧"):
        pg_backup.client_tool("pg_dump", (17,))
    with pytest.raises(StoreError, match="找不到 pg_restore"):
        pg_backup.client_tool("pg_restore", (15,))


def test_the_tools_get_the_password_in_their_environment_and_every_row_in_their_options():
    dbname, env = pg_backup.tool_connection("postgresql://paicha:s3cret@db.example:5433/paicha?options=-c%20work_mem%3D64MB")
    assert "s3cret" not in dbname and env["PGPASSWORD"] == "s3cret"
    params = psycopg.conninfo.conninfo_to_dict(dbname)
    assert params["options"] == "-c work_mem=64MB -c paicha.town_prefix=*"
    assert (params["host"], params["port"], params["dbname"]) == ("db.example", "5433", "paicha")
    assert pg_backup.database_name("postgresql://u@h/paicha-2024") == "paicha-2024"
    assert pg_backup.database_name("postgresql://u@h/a%2Fb") == "a_b"


def test_the_backup_button_on_a_server_store_writes_a_dump_named_after_the_database(
        pg_url, tmp_path, settings, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the backup folder (data/backups) is relative to the working directory
    build_known_store(pg_url, settings)
    store_module.close_all()
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("PAICHA_DB", pg_url)
    try:
        at: AppTest = open_page("pages/imports.py", "admin").button(key=keys.IMPORT_BACKUP).click().run()
        assert not at.exception and at.success and "14 户" in shown(at.success[0].value)
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        store_module.close_all()
    (dump,) = (tmp_path / "data" / "backups").iterdir()
    name = pg_url.rsplit("/", 1)[1]
    assert dump.name.startswith(f"{name}-") and dump.suffix == ".dump"
    assert dt.datetime.strptime(dump.stem.removeprefix(f"{name}-"), "%Y%m%d-%H%M%S")
    log = Store(pg_url).query("SELECT user_name, action, row_count FROM audit_log WHERE action = 'backup'")
    assert log.values.tolist() == [["admin", "backup", 14]]
    with _connect(pg_url) as conn:
        assert "public.households" in pg_backup.archive_tables(dump, pg_backup.server_major(conn))["TABLE DATA"]
