"""`paicha report`: the files written, the JSON printed, issuing numbers them."""

from __future__ import annotations

import json
from pathlib import Path

from cli.main import main
from data_loaders import store as store_module
from tests.conftest import build_known_store


def run(capsys, *argv):
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_report_writes_the_files_and_issue_takes_the_next_number(tmp_path, settings, capsys):
    build_known_store(tmp_path / "k.duckdb", settings)
    store_module.close_all()
    db = str(tmp_path / "k.duckdb")
    code, draft = run(capsys, "report", "--db", db, "--as-of", "2024-09-12", "--out", str(tmp_path / "out"))
    assert code == 0 and draft["issue_number"] is None
    assert set(draft) >= {"issue_number", "as_of", "since", "docx", "xlsx", "pdf"}
    assert Path(draft["docx"]).read_bytes()[:2] == b"PK" and Path(draft["xlsx"]).exists()
    code, first = run(capsys, "report", "--db", db, "--as-of", "2024-09-12", "--out", str(tmp_path / "out"), "--issue")
    code, second = run(capsys, "report", "--db", db, "--as-of", "2024-09-14", "--since-last", "--out",
                       str(tmp_path / "out"), "--issue")
    assert (first["issue_number"], second["issue_number"]) == (1, 2)
    assert second["since_issue"] == 1 and second["since"] == "2024-09-12"
    code, town = run(capsys, "report", "--db", db, "--as-of", "2024-09-14", "--town", "210311104000",
                     "--since", "2024-09-12", "--out", str(tmp_path / "town"))
    assert code == 0 and "甘泉镇" in Path(town["docx"]).name and town["since"] == "2024-09-12"
