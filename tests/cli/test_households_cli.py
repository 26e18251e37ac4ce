"""`paicha households`: the four lists as JSON, masked unless --unmask, one audit line per list."""

from __future__ import annotations

import getpass
import json
import re

import pytest

from cli.main import main
from data_loaders import store as store_module
from data_loaders.store import Store
from tests.conftest import TOWN_B, VILLAGE_A, build_known_store

ID_NUMBER = re.compile(r"\d{17}[\dX]")
PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def db(tmp_path, settings):
    build_known_store(tmp_path / "k.duckdb", settings)
    store_module.close_all()
    return str(tmp_path / "k.duckdb")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    store_module.close_all()
    return code, out.out, out.err


def audit_lines(db: str):
    lines = Store(db).audit_entries(action="cli_household_list")
    store_module.close_all()
    return lines


def test_the_key_list_as_json_masked_with_reasons_and_an_audit_line(db, capsys):
    code, out, _ = run(capsys, "households", "--db", db, "--as-of", "2024-09-12", "--list", "key_not_home", "--json")
    assert code == 0
    payload = json.loads(out)
    assert (payload["list"], payload["as_of"], payload["total"], payload["masked"]) == (
        "key_not_home", "2024-09-12", 3, True)
    rows = {h["household_id"]: h for h in payload["households"]}
    assert set(rows) == {"A01", "A02", "B00"}
    a01 = rows["A01"]
    assert (a01["town_code"], a01["village_code"], a01["key_groups"]) == ("210311006000", VILLAGE_A,
                                                                           ["severe_disability"])
    assert a01["key_not_home"] == "not_at_home" and a01["methods"] == ["online_inquiry"]
    assert a01["reasons"][0] == {"rule": "key_not_at_home", "text": "重点户·仅线上问询"}
    assert sorted(h["priority"] for h in payload["households"]) == [1, 2, 3]
    assert a01["head_id_number"] == "110105********002X" and a01["phone"] == "138****2565"
    assert not ID_NUMBER.search(out) and not PHONE.search(out)
    line = audit_lines(db).iloc[0]
    assert line["user_name"] == f"cli:{getpass.getuser()}" and line["row_count"] == 3 and line["masked"]
    detail = json.loads(line["detail"])
    assert detail["list"] == "key_not_home" and detail["total"] == 3 and "household_ids" not in detail


def test_unmask_prints_full_numbers_and_logs_which_households(db, capsys):
    code, out, _ = run(capsys, "households", "--db", db, "--as-of", "2024-09-12", "--list", "unscreened",
                       "--town", TOWN_B, "--unmask", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["total"] == 4 and not payload["masked"]
    assert {h["head_id_number"] for h in payload["households"]} == {"11010519491231002X"}
    line = audit_lines(db).iloc[0]
    assert not line["masked"] and json.loads(line["detail"])["household_ids"] == ["B00", "B01", "B02", "B03"]
    assert json.loads(line["detail"])["filters"] == {"town": TOWN_B}


def test_every_list_printed_writes_its_line_and_the_village_list_has_villages(db, capsys):
    for which in ("unscreened", "should_monitor", "zero_monitoring_villages"):
        code, out, _ = run(capsys, "households", "--db", db, "--as-of", "2024-09-12", "--list", which, "--limit", "1",
                           "--json")
        assert code == 0
    payload = json.loads(out)
    # Neither demo village of the hand-made store has a monitoring object.
    assert payload["total"] == 2 and payload["villages"][0]["households"] in (10, 4)
    assert audit_lines(db)["row_count"].tolist() == [1, 0, 1]


def test_unknown_codes_and_bad_limits_are_usage_errors(db, capsys):
    assert run(capsys, "households", "--db", db, "--as-of", "2024-09-12", "--list", "unscreened",
               "--town", "210311999000")[0] == 2
    code, _, err = run(capsys, "households", "--db", db, "--as-of", "2024-09-12", "--list", "unscreened",
                       "--town", "210311006000", "--village", "210311104210")
    assert code == 2 and "不属于" in err
    assert run(capsys, "households", "--db", db, "--as-of", "2024-09-12", "--list", "unscreened", "--limit", "0")[0] == 2
    code, _, err = run(capsys, "households", "--db", db, "--as-of", "2024-09-12", "--list", "unscreened",
                       "--offset", "99999999999999999999")
    assert code == 2 and "--offset 应在 0 到 100,000,000 之间" in err and "Traceback" not in err
    assert audit_lines(db).empty
