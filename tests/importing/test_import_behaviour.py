"""How an import behaves: dry runs, re-imports, round trips, modes, limits, logging, batches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import tempfile

import pandas as pd
import pytest
import python_calamine

from data_loaders.importing import (
    MODES,
    ImportKind,
    export_to_template,
    import_file,
    import_files,
    template_bytes,
)
from data_loaders.importing.spec import FIELDS
from data_loaders.store import Store
from paicha.scope import Scope
from paicha.vocab import Guarantee, KeyGroup
from tests.importing.conftest import FILES
from tests.importing.synthetic_import_data import fingerprint, load

EXPORTED = (ImportKind.households, ImportKind.screenings, ImportKind.milestones)


def sheets(content: bytes) -> dict[str, list[list]]:
    book = python_calamine.load_workbook(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_every_kind_states_its_mode():
    assert set(MODES) == set(ImportKind)
    assert all(MODES[k] for k in ImportKind)


@pytest.mark.parametrize("kind", [k for k in ImportKind if k.is_tabular])
def test_template_has_canonical_headers_and_help(kind):
    content = template_bytes(kind)
    found = sheets(content)
    main, help_rows = next(iter(found.values())), found["填表说明"]
    assert main[0] == [f.header for f in FIELDS[kind]]
    described = [row[0] for row in help_rows[3:]]
    assert described == [f.header for f in FIELDS[kind]]
    assert all(row[1] and row[2] for row in help_rows[3:])  # meaning and format for every column


def test_roster_template_has_a_yes_no_column_per_key_group_and_guarantee():
    headers = sheets(template_bytes(ImportKind.households))["农户花名册"][0]
    assert headers[:13] == ["户编号", "户主姓名", "户主证件号码", "乡镇(街道)", "村(社区)", "家庭人口数",
                            "联系电话", "是否脱贫户", "监测对象类型", "家庭人均纯收入(元)", "合规自付支出(元)",
                            "经度", "纬度"]
    flags = [g.label for g in KeyGroup] + [g.label for g in Guarantee]
    assert headers[13:13 + len(flags)] == flags
    # Then the optional columns of the monitoring pipeline, added later: old files lack them.
    assert headers[13 + len(flags):] == ["住址(村民小组)", "识别纳入监测日期", "首次落实帮扶措施日期", "是否因灾受损"]


def test_hazards_have_no_template():
    with pytest.raises(ValueError, match="没有Excel模板"):
        template_bytes(ImportKind.hazards)


def test_empty_template_is_refused_as_having_no_rows(store, settings):
    report = import_file(store, "模板.xlsx", template_bytes(ImportKind.screenings), settings=settings,
                         user="t")
    assert not report.ok and report.kind is ImportKind.screenings
    assert any("没有数据行" in e.message for e in report.errors)


def test_dry_run_writes_nothing_and_counts(store, settings):
    before = fingerprint(store)
    content = (FILES / "messy_roster_export.xlsx").read_bytes()
    report = import_file(store, "a.xlsx", content, settings=settings, user="t", dry_run=True)
    assert report.ok and not report.applied
    assert (report.new, report.changed, report.unchanged) == (10, 0, 0)
    assert fingerprint(store) == before
    log = store.query("SELECT * FROM import_log").iloc[0]
    assert json.loads(log["detail"])["dry_run"] is True


@pytest.mark.parametrize(("name", "fixture"), [
    ("messy_roster_export.xlsx", "store"),
    ("messy_screenings_export.xlsx", "roster_store"),
    ("messy_milestones.xlsx", "store"),
    ("messy_key_group_list.csv", "roster_store"),
    ("flood_zones.geojson", "roster_store"),
])
def test_reimport_finds_nothing_new(request, settings, name, fixture):
    store = request.getfixturevalue(fixture)
    content = (FILES / name).read_bytes()
    first = import_file(store, name, content, settings=settings, user="t")
    after_first = fingerprint(store)
    again = import_file(store, name, content, settings=settings, user="t")
    assert first.ok and again.ok
    assert (again.new, again.changed, again.unchanged) == (0, 0, first.rows)
    assert fingerprint(store) == after_first


def test_round_trip_through_the_templates(full_store, settings, tmp_path):
    scope = Scope.district(settings.district_code)
    exports = {kind: export_to_template(full_store, kind, scope) for kind in EXPORTED}
    fresh = Store.create(tmp_path / "fresh.duckdb", demo=False)
    load(fresh, settings)
    for kind in EXPORTED:
        report = import_file(fresh, f"{kind.value}.xlsx", exports[kind], settings=settings, user="t")
        assert report.ok and report.kind is kind, [e.as_dict() for e in report.errors[:3]]
    for table in ("households", "screenings", "milestones"):
        assert fresh.count(table) == full_store.count(table)
    campaign = settings.campaign
    for as_of in (campaign.start, dt.date(2024, 9, 6), campaign.screening_deadline):
        pd.testing.assert_frame_equal(fresh.village_facts(scope, as_of), full_store.village_facts(scope, as_of))
    pd.testing.assert_frame_equal(fresh.milestones(scope), full_store.milestones(scope))
    households = "SELECT * EXCLUDE (lon, lat) FROM households ORDER BY household_id"
    pd.testing.assert_frame_equal(fresh.query(households), full_store.query(households))


def test_export_respects_the_scope(full_store, settings):
    town = "210311102000"
    content = export_to_template(full_store, ImportKind.households, Scope.town(settings.district_code, town))
    rows = sheets(content)["农户花名册"][1:]
    assert rows and {r[3] for r in rows} == {"唐家房镇"}
    assert export_to_template(full_store, ImportKind.households, Scope.empty())  # header only
    assert len(sheets(export_to_template(full_store, ImportKind.households, Scope.empty()))["农户花名册"]) == 1


def test_upload_over_the_limit_is_refused_before_reading(store, settings):
    small = dataclasses.replace(settings, max_upload_mb=0.001)
    content = b"not a spreadsheet at all " * 100
    report = import_file(store, "big.xlsx", content, settings=small, user="t")
    assert not report.ok
    assert len(report.errors) == 1 and "超过上限" in report.errors[0].message
    log = store.query("SELECT * FROM import_log").iloc[0]
    assert log["file_sha256"] == hashlib.sha256(content).hexdigest() and not log["ok"]


def test_success_is_logged_with_hash_rows_and_mode(store, settings):
    content = (FILES / "roster.xls").read_bytes()
    import_file(store, "roster.xls", content, settings=settings, user="区管理员")
    log = store.query("SELECT * FROM import_log").iloc[0]
    assert (log["user_name"], log["kind"], log["mode"], log["row_count"], bool(log["ok"])) == (
        "区管理员", "households", "upsert", 5, True)
    assert log["file_sha256"] == hashlib.sha256(content).hexdigest()
    assert json.loads(log["detail"])["errors"] == 0


def test_chosen_kind_that_does_not_fit_the_headers_is_refused(roster_store, settings):
    content = (FILES / "messy_screenings_export.xlsx").read_bytes()
    report = import_file(roster_store, "s.xlsx", content, settings=settings, user="t",
                         kind=ImportKind.households)
    assert not report.ok and "排查记录" in report.errors[0].message


def test_roster_without_key_group_columns_keeps_the_flags(roster_store, settings, roster):
    import_file(roster_store, "list.csv", (FILES / "messy_key_group_list.csv").read_bytes(),
                settings=settings, user="t")
    flags = "SELECT household_id, " + ", ".join(g.column for g in KeyGroup) + " FROM households ORDER BY 1"
    before = roster_store.query(flags)
    # The GBK roster has no key-group columns: upserting it must not clear what the list set.
    report = import_file(roster_store, "gbk.csv", (FILES / "gbk_encoded_roster.csv").read_bytes(),
                         settings=settings, user="t")
    assert report.ok and report.unchanged == 6
    pd.testing.assert_frame_equal(roster_store.query(flags), before)


def test_same_screening_key_with_other_details_is_skipped_not_overwritten(roster_store, settings):
    content = (FILES / "messy_screenings_export.xlsx").read_bytes()
    import_file(roster_store, "s.xlsx", content, settings=settings, user="t")
    before = fingerprint(roster_store)
    frame = python_calamine.load_workbook(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header, first = frame[1], frame[2]
    changed = list(first)
    changed[header.index("排查结论")] = "建议纳入监测" if first[header.index("排查结论")] != "建议纳入监测" else "无风险"
    csv_text = ",".join(header) + "\n" + ",".join(str(v) for v in changed) + "\n"
    report = import_file(roster_store, "again.csv", csv_text.encode(), settings=settings, user="t")
    assert report.ok and (report.new, report.changed, report.unchanged) == (0, 1, 0)
    assert fingerprint(roster_store) == before


def test_roster_and_its_screenings_in_one_batch(store, settings):
    files = [(n, (FILES / n).read_bytes()) for n in ("roster.xls", "gbk_encoded_roster.csv")]
    files.append(("s.csv", ("户编号,排查日期,排查方式,排查结果\n"
                            f"{_first_id('roster.xls')},2024-09-02,入户,无风险\n").encode()))
    report = import_files(store, files, settings=settings, user="t")
    assert report.ok and report.kind is None and report.applied
    assert [p.kind for p in report.parts] == [ImportKind.households, ImportKind.screenings]
    assert [p.new for p in report.parts] == [11, 1]
    assert store.count("households") == 11 and store.count("screenings") == 1
    assert store.query("SELECT village_code FROM screenings")["village_code"][0] == \
        store.query(f"SELECT village_code FROM households WHERE household_id = '{_first_id('roster.xls')}'")[
            "village_code"][0]


def _first_id(name: str) -> str:
    rows = python_calamine.load_workbook(FILES / name).get_sheet_by_index(0).to_python()
    return str(rows[1][0])


def test_one_bad_file_stops_the_whole_batch(store, settings):
    files = [(n, (FILES / n).read_bytes()) for n in ("roster.xls", "negative_income.xlsx")]
    before = fingerprint(store)
    report = import_files(store, files, settings=settings, user="t")
    assert not report.ok and not report.applied
    assert {e.file for e in report.errors} == {"negative_income.xlsx"}
    assert fingerprint(store) == before
    assert store.count("import_log") == 2  # one line per file


def test_roster_that_moves_a_household_moves_its_screenings(full_store, settings):
    row = full_store.query("SELECT h.* FROM households h JOIN screenings s USING (household_id) "
                           "WHERE h.town_code = '210311102000' LIMIT 1").iloc[0]
    target = "210311102210" if row["village_code"] != "210311102210" else "210311102211"
    csv_text = ("户编号,户主姓名,户主证件号码,乡镇,村,家庭人口数,是否脱贫户\n"
                f"{row['household_id']},{row['head_name']},{row['head_id_number']},唐家房镇,{target},"
                f"{row['members']},{'是' if row['is_former_poor'] else '否'}\n")
    report = import_file(full_store, "move.csv", csv_text.encode(), settings=settings, user="t", confirm_moves=1)
    assert report.ok and report.changed == 1
    villages = full_store.query("SELECT DISTINCT village_code FROM screenings WHERE household_id = ?",
                                [row["household_id"]])["village_code"].tolist()
    assert villages == [target]


def test_import_works_after_a_caller_left_a_result_unread(roster_store, settings):
    roster_store.count("households")  # fetchone() leaves the thread's cursor mid-result
    report = import_file(roster_store, "roster.xls", (FILES / "roster.xls").read_bytes(),
                         settings=settings, user="t")
    assert report.ok and report.applied


def test_refused_file_leaves_no_temporary_file(store, settings, tmp_path, monkeypatch):
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    for name in ("id_stored_as_number.xlsx", "hazard_not_polygon.geojson", "unknown_village.csv"):
        import_file(store, name, (FILES / name).read_bytes(), settings=settings, user="t")
    assert list(spool.iterdir()) == []


def test_report_serialises_to_the_cli_json(roster_store, settings):
    report = import_file(roster_store, "x.csv", (FILES / "unknown_village.csv").read_bytes(),
                         settings=settings, user="t")
    out = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert {"ok", "kind", "rows", "errors", "new", "changed", "unchanged", "applied"} <= out.keys()
    assert out["kind"] == "households" and out["ok"] is False
    assert out["errors"][0] == {"file": "x.csv", "sheet": "", "row": 4, "column": "村(社区)",
                                "value": "幸福村", "message": report.errors[0].message}


def _layer(levels: list[str]) -> bytes:
    zones = json.loads((FILES / "flood_zones.geojson").read_text(encoding="utf-8"))
    features = []
    for i, level in enumerate(levels):
        feature = json.loads(json.dumps(zones["features"][i % 2]))
        feature["properties"].update({"编号": f"Z-{i}", "等级": level})
        features.append(feature)
    return json.dumps({**zones, "features": features}, ensure_ascii=False).encode("utf-8")


def test_hazard_levels_are_stored_as_codes_from_their_usual_spellings(roster_store, settings):
    report = import_file(roster_store, "levels.geojson", _layer(["高", "中", "高风险", " 中风险区 ", "medium", "L"]),
                         settings=settings, user="t")
    assert report.ok, report.errors
    stored = roster_store.query("SELECT zone_id, level FROM hazard_zones ORDER BY zone_id")
    assert stored["level"].tolist() == ["high", "medium", "high", "medium", "medium", "low"]


def test_an_unknown_hazard_level_is_refused_naming_the_levels_allowed(roster_store, settings):
    report = import_file(roster_store, "levels.geojson", _layer(["高", "一级"]), settings=settings, user="t")
    assert not report.ok and roster_store.count("hazard_zones") == 0
    [issue] = report.errors
    assert (issue.row, issue.column, issue.value) == (2, "等级", "一级")
    assert issue.message == "「风险等级」的值不在允许范围内，允许的值：高、中、低。"
