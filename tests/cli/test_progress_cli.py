"""`paicha progress` with the progress page's fields, `--since`, `--level screener`, and `paicha changes`."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from data_loaders import store as store_module
from data_loaders.store import Store
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B, build_known_store


def run_json(capsys, *argv):
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def known(tmp_path, settings) -> str:
    build_known_store(tmp_path / "k.duckdb", settings)
    store_module.close_all()
    return str(tmp_path / "k.duckdb")


def test_village_json_has_the_required_rate_reasons_register_shares_and_start_by(tmp_path, settings, capsys):
    db = known(tmp_path, settings)
    code, rows = run_json(capsys, "progress", "--db", db, "--as-of", "2024-09-12", "--level", "village", "--json")
    assert code == 0
    a = next(r for r in rows if r["code"] == VILLAGE_A)
    assert a["required_rate"] == 1.0  # 5 left over 9-13, 9-14, 9-18, 9-19, 9-20
    assert (a["leaflet_pct"], a["confirmed_pct"]) == (40.0, 10.0)  # over the 10 households
    assert (a["leaflet_screened_pct"], a["confirmed_screened_pct"]) == (80.0, 20.0)
    assert a["start_by"] is None  # started
    assert [r["rule"] for r in a["reasons"]] == ["slow_rate", "pause", "key_not_home", "leaflet_behind",
                                                 "confirmation_behind"]
    assert all(set(r) == {"rule", "text", "weight"} for r in a["reasons"])
    assert [r["weight"] for r in a["reasons"]] == sorted((r["weight"] for r in a["reasons"]), reverse=True)
    assert a["reasons"][2]["text"] == "1 户重点户仅电话问询"
    b = next(r for r in rows if r["code"] == VILLAGE_B)
    assert b["start_by"] is None and b["reasons"][0]["rule"] == "late_start"
    code, early = run_json(capsys, "progress", "--db", db, "--as-of", "2024-09-03", "--level", "village", "--json")
    assert next(r for r in early if r["code"] == VILLAGE_B)["start_by"] == 3


def test_since_adds_the_change_fields(tmp_path, settings, capsys):
    db = known(tmp_path, settings)
    code, rows = run_json(capsys, "progress", "--db", db, "--as-of", "2024-09-16", "--since", "2024-09-09",
                          "--level", "town", "--json")
    assert code == 0
    towns = {r["code"]: r for r in rows}
    assert (towns[TOWN_A]["screened_delta"], towns[TOWN_B]["screened_delta"]) == (3, 2)
    assert towns[TOWN_B]["key_home_delta"] == 1  # B00 at home on Saturday 9-14
    assert (towns[TOWN_B]["status_before"], towns[TOWN_B]["status"]) == ("not_started", "severely_lagging")
    _, plain = run_json(capsys, "progress", "--db", db, "--as-of", "2024-09-16", "--level", "town", "--json")
    assert "screened_delta" not in plain[0]


def test_screener_level_masks_names_unless_unmasked_and_audits_the_unmasked(tmp_path, settings, capsys):
    db = known(tmp_path, settings)
    code, rows = run_json(capsys, "progress", "--db", db, "--as-of", "2024-09-14", "--since", "2024-09-12",
                          "--level", "screener", "--json")
    assert code == 0 and [r["screener"] for r in rows] == ["测***"]
    (s,) = rows
    assert (s["records"], s["home_visits"], s["days_active"], s["villages"]) == (9, 8, 8, 2)
    assert (s["records_delta"], s["days_over_limit"], s["over_limit_days"]) == (3, 0, [])
    _, town = run_json(capsys, "progress", "--db", db, "--as-of", "2024-09-14", "--level", "screener",
                       "--town", TOWN_B, "--unmask", "--json")
    assert [(r["screener"], r["records"], r["village_codes"]) for r in town] == [("测试员甲", 2, [VILLAGE_B])]
    store_module.close_all()
    log = Store(db).query("SELECT user_name, action, masked, row_count FROM audit_log WHERE action = 'export_screeners'")
    assert len(log) == 1 and log["user_name"][0].startswith("cli:") and not log["masked"][0]


def test_changes_prints_every_town_and_village_with_before_and_after(tmp_path, settings, capsys):
    db = known(tmp_path, settings)
    code, out = run_json(capsys, "changes", "--db", db, "--as-of", "2024-09-16", "--since", "2024-09-09", "--json")
    assert code == 0 and (out["as_of"], out["since"]) == ("2024-09-16", "2024-09-09")
    units = {u["code"]: u for u in out["units"]}
    assert {u["level"] for u in out["units"]} == {"town", "village"} and len(units) == 5 + 64
    assert set(units[VILLAGE_A]) >= {"code", "name", "level", "screened_delta", "key_home_delta", "status_before",
                                     "status_after"}
    assert (units[VILLAGE_A]["screened_delta"], units[VILLAGE_B]["screened_delta"]) == (3, 2)
    assert (units[VILLAGE_B]["status_before"], units[VILLAGE_B]["status_after"]) == ("not_started", "severely_lagging")
    code, town = run_json(capsys, "changes", "--db", db, "--as-of", "2024-09-16", "--since", "2024-09-09",
                          "--town", TOWN_B, "--json")
    assert {u["code"][:9] for u in town["units"]} == {TOWN_B[:9]}


def test_changes_needs_both_dates_and_a_known_town(tmp_path, settings, capsys):
    db = known(tmp_path, settings)
    with pytest.raises(SystemExit) as exc:
        main(["changes", "--db", db, "--as-of", "2024-09-16"])
    assert exc.value.code == 2
    assert main(["changes", "--db", db, "--as-of", "2024-09-16", "--since", "2024-09-09", "--town", "999"]) == 2
    with pytest.raises(SystemExit):
        main(["changes", "--db", db, "--as-of", "2024-09-16", "--since", "2031-01-01"])  # past the calendar
