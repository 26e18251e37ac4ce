"""The `paicha` CLI: JSON shape, exit codes, and agreement with the store-level figures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from tests.conftest import build_known_store

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {"code", "name", "level", "households", "screened", "key_households", "key_home_visited",
            "expected", "lag", "first_screened_on", "last_screened_on", "span_workdays",
            "recent_rate", "projected_finish", "status"}


def run_json(capsys, *argv):
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_progress_json_has_one_object_per_unit_with_the_required_fields(tmp_path, settings, capsys):
    build_known_store(tmp_path / "k.duckdb", settings)
    code, rows = run_json(capsys, "progress", "--db", str(tmp_path / "k.duckdb"), "--as-of", "2024-09-12",
                          "--level", "village", "--json")
    assert code == 0
    assert len(rows) == 64 and set(rows[0]) >= REQUIRED
    a = next(r for r in rows if r["code"] == "210311006200")
    assert (a["screened"], a["projected_finish"], a["status"]) == (5, "2024-09-26", "severely_lagging")


def test_progress_for_one_town(tmp_path, settings, capsys):
    build_known_store(tmp_path / "k.duckdb", settings)
    code, rows = run_json(capsys, "progress", "--db", str(tmp_path / "k.duckdb"), "--as-of", "2024-09-14",
                          "--level", "town", "--town", "210311104000", "--json")
    assert code == 0 and [(r["code"], r["screened"]) for r in rows] == [("210311104000", 2)]


def test_unknown_town_and_missing_database_are_usage_errors(tmp_path, settings, capsys):
    build_known_store(tmp_path / "k.duckdb", settings)
    assert main(["progress", "--db", str(tmp_path / "k.duckdb"), "--as-of", "2024-09-12", "--town", "999"]) == 2
    assert main(["progress", "--db", str(tmp_path / "none.duckdb"), "--as-of", "2024-09-12"]) == 2
    assert "不存在" in capsys.readouterr().err


def test_bad_date_is_a_usage_error_with_exit_code_2():
    with pytest.raises(SystemExit) as exc:
        main(["progress", "--as-of", "12/09/2024"])
    assert exc.value.code == 2


def test_demo_command_builds_a_database_through_the_installed_entry_point(tmp_path):
    db = tmp_path / "demo.duckdb"
    out = subprocess.run([sys.executable, "-m", "cli.main", "demo", "--db", str(db), "--households", "500",
                          "--seed", "3"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["households"] == 500
    out = subprocess.run([sys.executable, "-m", "cli.main", "progress", "--db", str(db), "--as-of", "2024-09-12",
                          "--level", "district", "--json"], cwd=ROOT, capture_output=True, text=True, check=True)
    (district,) = json.loads(out.stdout)
    assert district["households"] == 500 and 0 < district["screened"] < 500
