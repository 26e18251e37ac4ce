"""`paicha user ...` and `paicha audit`: the administrator's commands, with the same rules as the page."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from data_loaders import accounts
from data_loaders import store as store_module
from data_loaders.store import Store
from tests.conftest import build_known_store

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, monkeypatch, *argv, stdin: str = ""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(tmp_path, settings):
    build_known_store(tmp_path / "k.duckdb", settings)
    store_module.close_all()
    return str(tmp_path / "k.duckdb")


def test_an_administrator_is_added_from_stdin_listed_and_can_sign_in(db, capsys, monkeypatch, settings):
    code, out, _ = run(capsys, monkeypatch, "user", "add", "wang", "--role", "admin", "--display-name", "王管理",
                       "--password-stdin", "--db", db, stdin="王-管理员-密码-2024\n")
    assert code == 0 and json.loads(out)["username"] == "wang"
    code, out, _ = run(capsys, monkeypatch, "user", "list", "--json", "--db", db)
    rows = {r["username"]: r for r in json.loads(out)}
    assert rows["wang"]["role"] == "admin" and rows["wang"]["town_code"] is None
    assert all("password_hash" not in r for r in rows.values())
    store = Store(db)
    assert accounts.sign_in(store, settings.auth, settings.district_code, "wang", "王-管理员-密码-2024").id == "wang"
    line = store.audit_entries(action="user_add").iloc[0]
    assert line["user_name"].startswith("cli:") and '"username": "wang"' in line["detail"]


def test_the_password_rules_and_the_town_rule_hold_on_the_command_line(db, capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "user", "add", "zhao", "--role", "supervisor", "--password-stdin",
                       "--db", db, stdin="zhao\n")
    assert code == 1 and "必须指定所属乡镇" in err and "密码至少 10 个字符" in err
    code, _, err = run(capsys, monkeypatch, "user", "add", "zhao", "--role", "supervisor", "--town", "210311104000",
                       "--db", db)
    assert code == 2 and "--password-stdin" in err


def test_disable_and_reset_password_end_the_accounts_sessions(db, capsys, monkeypatch, settings):
    store = Store(db)
    user = accounts.sign_in(store, settings.auth, settings.district_code, "ganquan", accounts.DEMO_PASSWORD)
    new = accounts.start_session(store, user, store_module.Scope.empty())
    store_module.close_all()
    assert run(capsys, monkeypatch, "user", "disable", "ganquan", "--db", db)[0] == 0
    store = Store(db)
    assert accounts.session_user(store, settings.auth, new.session_id) is None
    store_module.close_all()
    code, _, _ = run(capsys, monkeypatch, "user", "reset-password", "ganquan", "--password-stdin", "--db", db,
                     stdin="甘泉镇-新密码-0916\n")
    assert code == 0
    assert run(capsys, monkeypatch, "user", "enable", "ganquan", "--db", db)[0] == 0
    store = Store(db)
    assert accounts.sign_in(store, settings.auth, settings.district_code, "ganquan", "甘泉镇-新密码-0916")
    assert run(capsys, monkeypatch, "user", "disable", "nobody", "--db", db)[:2][0] == 1


def test_audit_prints_the_lines_filtered_by_user_and_action(db, capsys, monkeypatch):
    run(capsys, monkeypatch, "user", "unlock", "datun", "--db", db)
    code, out, _ = run(capsys, monkeypatch, "audit", "--since", "2000-01-01", "--action", "user_unlock", "--json",
                       "--db", db)
    rows = json.loads(out)
    assert code == 0 and len(rows) == 1
    assert set(rows[0]) >= {"logged_at", "user_name", "action", "scope", "detail", "row_count", "masked",
                            "file_sha256"}
    code, out, _ = run(capsys, monkeypatch, "audit", "--since", "2000-01-01", "--user", "nobody", "--json", "--db", db)
    assert json.loads(out) == []


def test_the_installed_command_reads_the_password_from_a_pipe(db):
    out = subprocess.run([sys.executable, "-m", "cli.main", "user", "add", "pipe-user", "--role", "leader",
                          "--password-stdin", "--db", db], input="管道里的密码-很长的\n", capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "管道里的密码" not in out.stdout + out.stderr
