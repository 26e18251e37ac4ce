"""A workbook read ahead (while the import's libraries load) gives the import exactly what a read in turn gives."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cli.main import main
from data_loaders.importing.service import prepare
from data_loaders.importing.validate import Typed
from data_loaders.workbook import UnreadableWorkbook, read_in_background, read_workbook
from tests.importing.conftest import FILES

BROKEN = b"PK\x03\x04 a zip header and nothing a workbook holds"
SAMPLES = ["messy_roster_export.xlsx", "title_rows_and_merged_header.xlsx", "roster.xls", "id_stored_as_number.xlsx",
           "gbk_encoded_roster.csv", "flood_zones.geojson", "flood_zones_utm.zip"]


def batch() -> list[tuple[str, bytes]]:
    return [*((name, (FILES / name).read_bytes()) for name in SAMPLES), ("broken.xlsx", BROKEN)]


def test_only_workbooks_are_read_ahead_and_they_read_as_in_turn():
    for name, content in batch():
        pending = read_in_background(content)
        if name.endswith((".csv", ".geojson", ".zip")):
            assert pending is None, name
        elif content is BROKEN:
            with pytest.raises(UnreadableWorkbook):
                pending.result()
        else:
            assert pending.result() == read_workbook(content), name


def test_a_batch_read_ahead_is_prepared_as_one_read_in_turn(settings):
    files = batch()
    ahead = prepare(files, settings, None, [read_in_background(content) for _, content in files])
    in_turn = prepare(files, settings, None)
    assert ahead.issues == in_turn.issues and any(i.file == "broken.xlsx" for i in in_turn.issues)
    assert [(i.name, i.kind, i.sha256) for i in ahead.infos] == [(i.name, i.kind, i.sha256) for i in in_turn.infos]
    assert ahead.groups.keys() == in_turn.groups.keys()
    for kind, theirs in in_turn.groups.items():
        mine = ahead.groups[kind]
        if isinstance(theirs, Typed):
            assert [(t.file, t.sheet, t.rows, t.headers) for t in mine.tables] == [
                (t.file, t.sheet, t.rows, t.headers) for t in theirs.tables]
            assert mine.raw.equals(theirs.raw) and mine.typed.equals(theirs.typed)
            assert mine.out.issues == theirs.out.issues
        else:
            assert mine == theirs


def test_the_command_reports_a_broken_workbook_as_the_import_page_does(tmp_path, settings, capsys):
    db = tmp_path / "paicha.duckdb"
    assert main(["db", "init", "--db", str(db)]) == 0
    capsys.readouterr()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(BROKEN)
    code = main(["import", str(broken), "--db", str(db), "--dry-run", "--json"])
    report = json.loads(capsys.readouterr().out)
    expected = prepare([("broken.xlsx", BROKEN)], settings).issues[0].message
    assert code == 1 and [e["message"] for e in report["errors"]] == [expected]
    assert expected.startswith("无法读取Excel文件")


def test_reading_ahead_loads_none_of_the_table_libraries():
    code = ("import json, sys\nimport data_loaders.workbook\n"
            "print(json.dumps([m for m in ('pandas', 'pandera', 'duckdb', 'numpy') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == []
