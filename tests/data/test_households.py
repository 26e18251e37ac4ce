"""The household lists in SQL: rules, counts equal to the overview's, filters, priority, the village
list, pipeline and 绿色通道, the detail, and a store from before the new columns."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_loaders import households as H
from data_loaders import reports
from data_loaders import store as store_module
from data_loaders.divisions import read_divisions
from data_loaders.store import DIVISION_COLUMNS, ROSTER_COLUMNS, SCREENING_COLUMNS, Store
from paicha import rules
from paicha.household_lists import ListFilters, ListRequest, days_left
from paicha.scope import Scope
from paicha.vocab import (
    HazardLevel,
    HouseholdList,
    MonitoringRule,
    ScreeningMethod,
    ScreeningResult,
)
from tests.conftest import TOWN_A, TOWN_B, VILLAGE_A, VILLAGE_B, household, screening
from tests.household_cases import AS_OF, CASES

D = dt.date
DISTRICT = Scope.district("210311")


def roster_row(hid: str, village: str = VILLAGE_A, town: str = TOWN_A, **changes) -> dict:
    row = household(hid, village, town)
    row.update({"address": None, "identified_on": None, "assisted_on": None, "disaster_affected": False})
    row.update(changes)
    return row


def make_store(path, settings, roster: list[dict], records: list[dict], zones: list[dict] = ()) -> Store:
    store = Store.create(path, demo=False)
    with store.transaction() as cur:
        store.insert_frame(cur, "divisions", read_divisions(settings.divisions_file).assign(geometry=None),
                           DIVISION_COLUMNS)
        store.insert_frame(cur, "households", pd.DataFrame(roster), ROSTER_COLUMNS)
        if records:
            store.insert_frame(cur, "screenings", pd.DataFrame(records), SCREENING_COLUMNS)
        for zone in zones:
            cur.execute("INSERT INTO hazard_zones (zone_id, kind, level, name, village_code) VALUES (?, ?, ?, ?, ?)",
                        [zone["zone_id"], zone["kind"], zone["level"], zone["zone_id"], VILLAGE_A])
            cur.execute("INSERT INTO household_hazards VALUES (?, ?, ?)", [zone["household_id"], zone["zone_id"],
                                                                          zone["kind"]])
    return store


@pytest.fixture
def case_store(tmp_path, settings) -> Store:
    roster = [roster_row(c.name, **c.changes) for c in CASES]
    records = [screening(c.name, VILLAGE_A, TOWN_A, c.proposed_on, result="propose_monitoring")
               for c in CASES if c.proposed_on]
    return make_store(tmp_path / "cases.duckdb", settings, roster, records)


def fired_in_sql(store: Store, settings, as_of: dt.date = AS_OF) -> dict[str, set[MonitoringRule]]:
    """Every household's rules as the lists' SQL evaluates them."""
    p = H._Params()
    frame = store.query(f"WITH {H._base(p, DISTRICT, ListFilters(), H.cutoffs_of(settings, as_of))} SELECT * FROM m",
                        p.values)
    return {r["household_id"]: {rule for rule, col in H.RULE_COLUMNS.items() if r[col]}
            for r in frame.to_dict("records")}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_rule_fires_in_sql_on_its_household_and_not_just_past_its_cut_off(case_store, settings, case):
    assert fired_in_sql(case_store, settings)[case.name] == set(case.fires)


def test_the_candidate_list_holds_exactly_the_households_a_rule_fires_for(case_store, settings):
    counts = H.counts(case_store, settings, DISTRICT, AS_OF, ListFilters())
    expected = {c.name for c in CASES if c.fires}
    assert counts.should_monitor == len(expected)
    page = H.household_page(case_store, settings, DISTRICT, AS_OF, ListRequest(HouseholdList.should_monitor), None,
                            50, 0, unmasked=False)
    assert set(page["household_id"]) == expected
    two = page.set_index("household_id").loc["two_rules"]
    assert two["rules"] == ["income_below_line", "guarantee_problem"] and two["rules_fired"] == 2
    assert counts.by_rule == {r.value: sum(r in c.fires for c in CASES) for r in MonitoringRule}


def test_sql_and_the_domain_agree_on_every_demo_household(demo_db_path, settings):
    store = Store(demo_db_path)
    for as_of in (D(2024, 8, 30), D(2024, 9, 12), D(2024, 9, 30)):
        p = H._Params()
        frame = store.query(f"WITH {H._base(p, DISTRICT, ListFilters(), H.cutoffs_of(settings, as_of))} "
                            "SELECT * FROM m", p.values)
        frame = H._dates(frame, ["identified_on", "proposed_on"])
        cut = H.cutoffs_of(settings, as_of)
        by_domain = [set(rules.fired(H.facts_of(r, as_of), cut)) for r in frame.to_dict("records")]
        by_sql = [{rule for rule, col in H.RULE_COLUMNS.items() if r[col]} for r in frame.to_dict("records")]
        assert by_domain == by_sql
        assert sum(map(bool, by_sql)) > 0
    # Every rule fires somewhere in the demo district.
    assert all(n > 0 for n in H.counts(store, settings, DISTRICT, D(2024, 9, 12), ListFilters()).by_rule.values())


@pytest.mark.parametrize("as_of", [D(2024, 8, 26), D(2024, 9, 12), D(2024, 9, 20)])
@pytest.mark.parametrize("town", [None, "210311104000", "210311006000"])
def test_list_counts_equal_the_overview_and_the_progress_page(demo_db_path, settings, as_of, town):
    store = Store(demo_db_path)
    scope = Scope.town("210311", town) if town else DISTRICT
    counts = H.counts(store, settings, scope, as_of, ListFilters())
    overview = reports.overview(store, settings, scope, as_of).district
    progress = reports.progress_table(store, settings, scope, as_of, "village")
    assert counts.households == overview.households == progress["households"].sum()
    assert counts.unscreened == overview.households - overview.screened
    assert counts.unscreened == (progress["households"] - progress["screened"]).sum()
    assert counts.key_not_home == overview.key_households - overview.key_home_visited
    assert counts.key_not_home == (progress["key_households"] - progress["key_home_visited"]).sum()
    assert counts.key_not_home == counts.key_never_screened + counts.key_not_at_home


def test_a_key_household_only_phoned_is_on_the_key_list_as_not_visited_at_home(known_store, settings):
    page = H.household_page(known_store, settings, DISTRICT, D(2024, 9, 12), ListRequest(HouseholdList.key_not_home),
                            None, 50, 0, unmasked=False).set_index("household_id")
    assert set(page.index) == {"A01", "A02", "B00"}
    assert page.loc["A01", "key_not_home"] == "not_at_home"
    assert page.loc["A01", "reason"].startswith("重点户·仅线上问询")
    assert page.loc["A02", "key_not_home"] == "never_screened"
    counts = H.counts(known_store, settings, DISTRICT, D(2024, 9, 12), ListFilters())
    assert (counts.key_never_screened, counts.key_not_at_home) == (2, 1)
    # Its home visit after the date does not exist on 9-12, and makes it leave the list later.
    assert set(H.household_page(known_store, settings, DISTRICT, D(2024, 9, 14),
                                ListRequest(HouseholdList.key_not_home), None, 50, 0, False)["household_id"]) == {"A01", "A02"}


def test_pages_are_masked_unless_unmasked(known_store, settings):
    request = ListRequest(HouseholdList.unscreened)
    masked = H.household_page(known_store, settings, DISTRICT, D(2024, 9, 12), request, None, 50, 0, False)
    assert set(masked["head_id_number"]) == {"110105********002X"} and set(masked["phone"]) == {"138****2565"}
    full = H.household_page(known_store, settings, DISTRICT, D(2024, 9, 12), request, None, 50, 0, True)
    assert set(full["head_id_number"]) == {"11010519491231002X"}


def test_pages_split_the_list_without_losing_or_repeating_a_household(demo_db_path, settings):
    store = Store(demo_db_path)
    request = ListRequest(HouseholdList.unscreened)
    total = H.counts(store, settings, DISTRICT, D(2024, 9, 12), ListFilters()).unscreened
    left = days_left(reports.progress_table(store, settings, DISTRICT, D(2024, 9, 12), "village"), D(2024, 9, 12))
    pages = [H.ordered_households(store, settings, DISTRICT, D(2024, 9, 12), request, left, 50, offset)
             for offset in range(0, total, 50)]
    ids = pd.concat(pages)["household_id"]
    assert len(ids) == total == ids.nunique()
    assert pd.concat(pages)["priority"].tolist() == list(range(1, total + 1))


def test_priority_puts_key_then_hazard_then_rules_then_income_then_days_left(tmp_path, settings):
    roster = [
        roster_row("rich", per_capita_income=30000.0),
        roster_row("poorer", per_capita_income=12000.0),
        roster_row("rule", per_capita_income=30000.0, problem_water=True),
        roster_row("zone", per_capita_income=30000.0),
        roster_row("key", per_capita_income=30000.0, kg_serious_illness=True),
        roster_row("other_village", VILLAGE_B, TOWN_B, per_capita_income=30000.0),
    ]
    store = make_store(tmp_path / "p.duckdb", settings, roster, [],
                       [{"zone_id": "z1", "kind": "flood", "level": HazardLevel.high.value, "household_id": "zone"}])
    left = pd.DataFrame({"village_code": [VILLAGE_A, VILLAGE_B], "days_left": pd.array([9, 2], dtype="Int64")})
    page = H.household_page(store, settings, DISTRICT, AS_OF, ListRequest(HouseholdList.unscreened), left, 50, 0, False)
    assert page["household_id"].tolist() == ["key", "zone", "rule", "poorer", "other_village", "rich"]
    assert page.set_index("household_id").loc["zone", "reason"] == "暴雨洪涝高风险区"


def test_filters_narrow_every_count(known_store, settings):
    def count(**f):
        return H.counts(known_store, settings, DISTRICT, D(2024, 9, 12), ListFilters(**f))

    assert count(village_code=VILLAGE_B).unscreened == 4
    assert count(town_code=TOWN_A).households == 10
    assert count(key_group="any").households == 4
    assert count(key_group="new_dibao").households == 0
    assert count(method=ScreeningMethod.online_inquiry).households == 1  # A01
    assert count(result=ScreeningResult.propose_monitoring).households == 1  # A03
    assert count(screened_from=D(2024, 9, 9), screened_to=D(2024, 9, 11)).households == 2  # A03, A04
    # A filter on screening cannot find unscreened households.
    assert count(method=ScreeningMethod.home_visit).unscreened == 0


def test_a_supervisor_scope_never_counts_another_towns_households(known_store, settings):
    own = Scope.town("210311", TOWN_B)
    assert H.counts(known_store, settings, own, D(2024, 9, 12), ListFilters(town_code=TOWN_A)).households == 0
    page = H.household_page(known_store, settings, own, D(2024, 9, 12), ListRequest(HouseholdList.unscreened), None,
                            50, 0, False)
    assert set(page["household_id"]) == {"B00", "B01", "B02", "B03"}
    assert H.household_detail(known_store, settings, own, D(2024, 9, 12), "A00", False) is None


def test_villages_with_households_but_no_monitoring_object(tmp_path, settings):
    roster = [roster_row("a1", per_capita_income=6000.0), roster_row("a2", kg_new_dibao=True),
              roster_row("b1", VILLAGE_B, TOWN_B, monitor_type="marginal", identified_on=D(2024, 9, 13))]
    store = make_store(tmp_path / "v.duckdb", settings, roster, [])
    frame = H.zero_monitoring_villages(store, settings, DISTRICT, AS_OF, ListFilters(), 50).set_index("village_code")
    # Village B's only monitoring object was identified after the date: on 9-12 it had none.
    assert set(frame.index) == {VILLAGE_A, VILLAGE_B}
    assert frame.loc[VILLAGE_A, ["households", "key_households", "candidates", "below_line", "lowest_income"]].tolist() \
        == [2, 1, 1, 1, 6000.0]
    assert H.counts(store, settings, DISTRICT, D(2024, 9, 13), ListFilters()).zero_monitoring_villages == 1


def test_pipeline_and_green_channel(tmp_path, settings):
    roster = [
        # proposed on 9-02, identified 9-05, helped 9-06
        roster_row("done", monitor_type="marginal", identified_on=D(2024, 9, 5), assisted_on=D(2024, 9, 6)),
        # proposed, never identified
        roster_row("open"),
        # flood: helped 8-27, identified 9-10 (after the help: 绿色通道, procedure completed)
        roster_row("helped_first", monitor_type="sudden_hardship", identified_on=D(2024, 9, 10),
                   assisted_on=D(2024, 8, 27), disaster_affected=True),
        # flood: helped 8-27, still waiting on 9-12: 12 working days, overdue
        roster_row("overdue", assisted_on=D(2024, 8, 27), disaster_affected=True),
        # helped 9-09, waiting 3 working days
        roster_row("waiting", assisted_on=D(2024, 9, 9)),
    ]
    records = [screening(h, VILLAGE_A, TOWN_A, D(2024, 9, 2), result="propose_monitoring") for h in ("done", "open")]
    store = make_store(tmp_path / "g.duckdb", settings, roster, records)
    totals = H.pipeline(store, settings, DISTRICT, AS_OF, ListFilters()).sum(numeric_only=True)
    assert totals[["proposed", "identified", "assisted", "monitored"]].tolist() == [2, 1, 1, 2]
    assert totals[["green_channel", "waiting", "overdue", "disaster"]].tolist() == [3, 2, 1, 2]
    green = H.green_channel_page(store, settings, DISTRICT, AS_OF, ListFilters(), 50).set_index("household_id")
    assert green["state"].to_dict() == {"overdue": "overdue", "waiting": "waiting", "helped_first": "identified_after"}
    assert green["workdays_waited"].to_dict() == {"overdue": 12, "waiting": 3, "helped_first": 10}
    # Before the identification of 9-10 the flood household was still waiting.
    early = H.green_channel_page(store, settings, DISTRICT, D(2024, 9, 9), ListFilters(), 50).set_index("household_id")
    assert early.loc["helped_first", "state"] == "waiting"


def test_detail_shows_records_up_to_the_date_and_explains_every_rule(known_store, settings):
    detail = H.household_detail(known_store, settings, DISTRICT, D(2024, 9, 12), "A00", unmasked=False)
    assert detail.facts["head_id_number"] == "110105********002X" and detail.facts["phone"] == "138****2565"
    assert [d.isoformat() for d in detail.screenings["screened_on"]] == ["2024-08-26", "2024-09-11"]
    assert [rule for rule, _, _ in detail.rules] == list(MonitoringRule)
    assert not any(fires for _, fires, _ in detail.rules)
    assert detail.spot_checks.empty
    with known_store.transaction(refresh=False) as cur:
        cur.execute("INSERT INTO spot_check_draws VALUES (7, now(), 'checker', 'district:210311', '210311', "
                    "DATE '2024-09-12', 'srs', '{}', 1, FALSE, 'x', 14, 1, 2, NULL)")
        cur.execute("INSERT INTO spot_check_items (draw_id, household_id, town_code, village_code, stratum, "
                    "inclusion_probability, reason, visited, method, result, consistent, differing, checked_by) "
                    "VALUES (7, 'A00', ?, ?, 'all', 0.1, 'random', TRUE, 'home_visit', 'risk_found', FALSE, "
                    "'result', '核查员乙')", [TOWN_A, VILLAGE_A])
    checked = H.household_detail(known_store, settings, DISTRICT, D(2024, 9, 12), "A00", unmasked=False).spot_checks
    assert checked[["draw_id", "result", "consistent", "differing"]].values.tolist() == [[7, "risk_found", False,
                                                                                          "result"]]
    # A supervisor of another town sees neither the household nor its check.
    assert H.household_detail(known_store, settings, Scope.town("210311", TOWN_B), D(2024, 9, 12), "A00",
                              False) is None
    full = H.household_detail(known_store, settings, DISTRICT, D(2024, 9, 12), "A00", unmasked=True)
    assert full.facts["head_id_number"] == "11010519491231002X"
    assert H.household_detail(known_store, settings, DISTRICT, D(2024, 9, 12), "nobody", False) is None


def test_candidates_by_village_add_up_to_the_list_count(demo_db_path, settings):
    store = Store(demo_db_path)
    per_village = H.candidates_by_village(store, settings, DISTRICT, D(2024, 9, 12))
    counts = H.counts(store, settings, DISTRICT, D(2024, 9, 12), ListFilters())
    assert per_village["candidates"].sum() == counts.should_monitor
    assert per_village["households"].sum() == counts.households


def test_a_store_from_before_the_new_columns_gets_them_and_its_derived_facts_on_open(tmp_path, settings):
    path = tmp_path / "old.duckdb"
    store = make_store(path, settings, [roster_row("A00")],
                       [screening("A00", VILLAGE_A, TOWN_A, D(2024, 9, 2), method="online_inquiry")])
    with store.transaction(refresh=False) as cur:
        cur.execute("DROP TABLE household_facts")
        for table, column in sorted(store_module.ADDED_COLUMNS):
            cur.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    store_module.close_all()
    reopened = Store(path)
    assert reopened._has_added_columns()
    facts = reopened.query("SELECT first_online_on, history FROM household_facts")
    assert facts["first_online_on"][0].date() == D(2024, 9, 2) and len(facts["history"][0]) == 1
    assert H.counts(reopened, settings, DISTRICT, AS_OF, ListFilters(method=ScreeningMethod.online_inquiry)).households == 1


def test_the_field_list_prints_on_a4_one_page_wide_masked_with_empty_columns_to_fill(demo_db_path, settings):
    import io
    import re
    import zipfile

    import openpyxl

    from data_loaders import household_exports

    store = Store(demo_db_path)
    request = ListRequest(HouseholdList.key_not_home, ListFilters(town_code="210311104000"))
    rows = household_exports.export_rows(store, settings, DISTRICT, AS_OF, request, None, unmasked=False)
    content = household_exports.field_list(rows, "农户清单·重点户未入户　甘泉镇　截至2024-09-12", masked=True)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert "甘泉镇" in sheet["A1"].value and "2024-09-12" in sheet["A1"].value
    header = [c.value for c in sheet[2]]
    assert header[:2] == ["序号", "户编号"] and header[-3:] == ["排查方式", "结果", "签字"]
    assert {"住址（村民小组）", "户主、证件号码、电话", "人口", "重点群体", "事由", "最近排查方式"} <= set(header)
    data = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(data) == len(rows) > 0
    assert all(r[-3:] == (None, None, None) for r in data)
    contacts = [r[header.index("户主、证件号码、电话")].split("\n") for r in data]
    assert all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", c[1]) and re.fullmatch(r"1\d{2}\*{4}\d{4}", c[2]) for c in contacts)
    assert [r[header.index("事由")] for r in data] == rows["reason"].tolist()
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert 'paperSize="9"' in xml and 'orientation="landscape"' in xml and 'fitToHeight="0"' in xml
    assert "_xlnm.Print_Titles" in zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml").decode()
    csv = household_exports.csv_bytes(rows).decode("utf-8-sig")
    assert "210311104" in csv and not re.search(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])", csv)
