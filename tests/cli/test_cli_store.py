"""The CLI's store commands: db init, demo, import on a missing store, backup and restore, moves."""

from __future__ import annotations

import json
from pathlib import Path

from cli.main import main
from data_loaders import store as store_module
from data_loaders.store import Store
from tests.conftest import build_known_store
from tests.importing.synthetic_import_data import fingerprint
from tests.processes import holding

FILES = Path(__file__).resolve().parents[1] / "importing" / "files"


def run_json(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else None, captured.err


def test_import_into_a_missing_database_is_a_usage_error_naming_db_init(tmp_path, capsys):
    db = tmp_path / "paicha.duckdb"
    code, _, err = run_json(capsys, "import", str(FILES / "roster.xls"), "--db", str(db))
    assert code == 2 and "数据库不存在" in err and f"paicha db init --db {db}" in err
    assert not db.exists()


def test_db_init_creates_an_empty_real_store_with_the_reference_divisions(tmp_path, capsys):
    db = tmp_path / "new" / "paicha.duckdb"
    code, out, _ = run_json(capsys, "db", "init", "--db", str(db))
    assert code == 0 and out == {"db": str(db), "is_demo": False, "divisions": 64}
    store = Store(db)
    assert not store.is_demo() and store.count("households") == 0
    code, out, err = run_json(capsys, "import", str(FILES / "roster.xls"), "--db", str(db), "--json")
    assert code == 0 and out["applied"] and out["new"] == 5
    assert "正在写入农户花名册（5 行）" in err and "写入完成" in err
    code, _, err = run_json(capsys, "db", "init", "--db", str(db))
    assert code == 2 and "已存在" in err


def test_demo_creates_a_demo_store_and_never_writes_a_real_one(tmp_path, settings, capsys):
    code, out, _ = run_json(capsys, "demo", "--db", str(tmp_path / "demo.duckdb"), "--households", "200")
    assert code == 0 and out["households"] == 200 and Store(tmp_path / "demo.duckdb").is_demo()
    code, out, _ = run_json(capsys, "demo", "--db", str(tmp_path / "demo.duckdb"), "--households", "150")
    assert code == 0 and Store(tmp_path / "demo.duckdb").count("households") == 150  # rebuilt
    real = build_known_store(tmp_path / "k.duckdb", settings)
    before = fingerprint(real)
    code, _, err = run_json(capsys, "demo", "--db", str(tmp_path / "k.duckdb"), "--households", "100")
    assert code == 2 and "是正式库" in err
    assert fingerprint(real) == before


def test_an_as_of_date_outside_the_calendar_is_a_usage_error_in_chinese(tmp_path, settings, capsys):
    build_known_store(tmp_path / "k.duckdb", settings)
    try:
        main(["progress", "--db", str(tmp_path / "k.duckdb"), "--as-of", "2027-01-05", "--json"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "2027-01-05 超出工作日历范围" in err and "2026-12-31" in err


def test_progress_json_says_when_a_finish_lies_beyond_the_calendar(demo_db_path, capsys):
    # On the campaign's first working day two towns have screened 2 households each at 0.4 a
    # day: 350 and more households at that rate take until 2027 and beyond.
    code, rows, _ = run_json(capsys, "progress", "--db", str(demo_db_path), "--as-of", "2024-08-26",
                             "--level", "town", "--json")
    assert code == 0
    beyond = [r for r in rows if r["finish_beyond_calendar"]]
    assert [r["code"] for r in beyond] == ["210311006000", "210311104000"]
    assert all(r["projected_finish"] is None and r["recent_rate"] > 0 for r in beyond)
    assert all(r["finish_beyond_calendar"] is False for r in rows if r["projected_finish"] is not None)


def test_moves_need_their_confirmation_on_the_command_line(tmp_path, settings, capsys):
    db = tmp_path / "k.duckdb"
    build_known_store(db, settings)
    csv = tmp_path / "move.csv"
    csv.write_text("户编号,户主姓名,户主证件号码,乡镇,村,家庭人口数,是否脱贫户\n"
                   "A00,测试户主,11010519491231002X,甘泉镇,210311104210,3,否\n", encoding="utf-8")
    store_module.close_all()
    code, out, _ = run_json(capsys, "import", str(csv), "--db", str(db), "--json")
    assert code == 1 and not out["applied"] and out["moves_confirmed"] is False
    assert [(m["household_id"], m["row"], m["new_village_code"]) for m in out["moves"]] == [("A00", 2, "210311104210")]
    code, out, _ = run_json(capsys, "import", str(csv), "--db", str(db), "--confirm-moves", "2", "--json")
    assert code == 1 and not out["applied"]
    main(["import", str(csv), "--db", str(db)])
    assert "确属迁移请加 --confirm-moves 1" in capsys.readouterr().out
    code, out, _ = run_json(capsys, "import", str(csv), "--db", str(db), "--confirm-moves", "1", "--json")
    assert code == 0 and out["applied"] and out["changed"] == 1


def test_backup_and_restore_from_the_command_line(tmp_path, settings, capsys):
    db, copy = tmp_path / "k.duckdb", tmp_path / "backups" / "k-1.duckdb"
    saved = fingerprint(build_known_store(db, settings))
    store_module.close_all()
    code, out, _ = run_json(capsys, "backup", "--db", str(db), "--out", str(copy))
    assert code == 0 and out["households"] == 14 and copy.exists()
    code, _, err = run_json(capsys, "backup", "--db", str(db), "--out", str(copy))
    assert code == 2 and "已存在" in err
    with Store(db).transaction() as cur:
        cur.execute("DELETE FROM households")
    store_module.close_all()
    code, out, _ = run_json(capsys, "restore", str(copy), "--db", str(db))
    assert code == 0 and Path(out["previous"]).exists()
    assert fingerprint(Store(db)) == saved


def test_backup_while_the_dashboard_holds_the_database_names_its_pid(tmp_path, settings, capsys):
    db = tmp_path / "k.duckdb"
    build_known_store(db, settings)
    store_module.close_all()
    with holding(db) as dashboard:
        for argv in (["backup", "--db", str(db), "--out", str(tmp_path / "b.duckdb")],
                     ["restore", str(FILES / "roster.xls"), "--db", str(db)],
                     ["import", str(FILES / "roster.xls"), "--db", str(db)]):
            code, _, err = run_json(capsys, *argv)
            assert code == 2, argv
            if argv[0] != "restore":  # restore refuses the roster before it looks at the store
                assert f"PID {dashboard.pid}" in err and "「数据导入」页使用「备份数据库」" in err
    assert not (tmp_path / "b.duckdb").exists()


def test_demo_without_a_path_writes_beside_the_configured_store_not_at_its_path(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PAICHA_DB", str(tmp_path / "paicha.duckdb"))
    code, out, _ = run_json(capsys, "demo", "--households", "100")
    assert code == 0 and out["db"] == str(tmp_path / "demo.duckdb")
    assert not (tmp_path / "paicha.duckdb").exists()
