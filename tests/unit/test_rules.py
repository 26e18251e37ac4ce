"""The 应纳未纳 rules, their cut-offs as of a date, and the reasons and filters of the household lists."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from paicha import rules
from paicha.config import Monitoring
from paicha.household_lists import (
    ListFilters,
    ListRequest,
    RowFacts,
    confined,
    days_left,
    reason_parts,
    reason_text,
    request_from_params,
)
from paicha.rules import HouseholdFacts, cutoffs, fired
from paicha.scope import Scope
from paicha.vocab import (
    Guarantee,
    HazardLevel,
    HouseholdList,
    KeyGroup,
    MonitoringRule,
    ScreeningMethod,
)
from tests.household_cases import AS_OF, CASES, Case

CUT = cutoffs(7500, Monitoring(), AS_OF)


def facts(case: Case) -> HouseholdFacts:
    row = {"per_capita_income": 16000.0, "compliant_oop_spending": 0.0, "members": 3, "monitor_type": "none",
           "identified_on": None, **case.changes}
    return HouseholdFacts(
        monitored=rules.monitored(row["monitor_type"], row["identified_on"], AS_OF),
        per_capita_income=row["per_capita_income"], compliant_oop_spending=row["compliant_oop_spending"],
        members=row["members"], guarantee_problems=frozenset(g for g in Guarantee if row.get(g.column)),
        key_groups=frozenset(g for g in KeyGroup if row.get(g.column)),
        proposed_on=case.proposed_on if case.proposed_on and case.proposed_on <= AS_OF else None)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_rule_fires_on_its_household_and_not_just_past_its_cut_off(case):
    assert set(fired(facts(case), CUT)) == set(case.fires)


def test_every_rule_has_a_household_where_it_alone_fires_and_one_just_past_its_cut_off():
    alone = {next(iter(c.fires)) for c in CASES if len(c.fires) == 1}
    assert alone == set(MonitoringRule)
    assert any(len(c.fires) == 2 for c in CASES)


def test_the_proposal_cut_off_counts_working_days_across_the_mid_autumn_holidays():
    # 9-14 (a working Saturday) and 9-18..9-20 count, 9-15..17 do not: 10 working days back from 9-27.
    cut = cutoffs(7500, Monitoring(), dt.date(2024, 9, 27))
    assert cut.proposed_on_or_before == dt.date(2024, 9, 12)
    assert rules.workdays_waited(dt.date(2024, 9, 12), dt.date(2024, 9, 27)) == 10


def test_the_cut_offs_follow_the_configuration():
    cut = cutoffs(8000, Monitoring(proposal_workdays=5, assistance_only_multiple=2.0), AS_OF)
    assert cut.income_line == 8000 and cut.assistance_line == 16000
    assert cut.proposed_on_or_before == dt.date(2024, 9, 5)


def test_a_monitoring_object_counts_from_its_identification_date():
    assert not rules.monitored("marginal", dt.date(2024, 9, 13), AS_OF)
    assert rules.monitored("marginal", AS_OF, AS_OF)
    assert rules.monitored("marginal", None, AS_OF)
    assert not rules.monitored("none", dt.date(2024, 1, 1), AS_OF)


def test_rule_texts_say_the_numbers_against_the_cut_off():
    f = HouseholdFacts(monitored=False, per_capita_income=6120, members=2)
    assert rules.rule_text(MonitoringRule.income_below_line, f, CUT) == "人均纯收入 6,120 元（监测线 7,500 元）"
    assert rules.rule_text(MonitoringRule.spending_shock, f, CUT) == \
        "人均纯收入 6,120 元，扣除合规自付支出 0 元后人均 6,120 元（监测线 7,500 元）"
    assert rules.short_text(MonitoringRule.income_below_line, f, CUT) == "人均纯收入 6,120 元"
    p = HouseholdFacts(monitored=False, proposed_on=dt.date(2024, 8, 29))
    assert rules.short_text(MonitoringRule.proposal_not_followed, p, CUT) == "2024-08-29 建议纳入监测，已过 10 个工作日"


def test_a_key_household_only_phoned_in_a_flood_zone_reads_as_the_issue_says():
    row = RowFacts(HouseholdFacts(monitored=False, per_capita_income=6120, members=3), is_key=True, screened=True,
                   methods=(ScreeningMethod.online_inquiry.value,), hazards=(("flood", HazardLevel.high.value),),
                   rules=(MonitoringRule.income_below_line,))
    assert reason_text(reason_parts(row, CUT)) == "重点户·仅线上问询；暴雨洪涝高风险区；人均纯收入 6,120 元"
    assert [code for code, _ in reason_parts(row, CUT)] == ["key_not_at_home", "hazard", "income_below_line"]


def test_a_reason_says_income_once_and_names_the_assistance():
    row = RowFacts(HouseholdFacts(monitored=False, per_capita_income=6000, members=2,
                                  key_groups=frozenset({KeyGroup.new_dibao})),
                   is_key=True, home_visited=True, screened=True,
                   rules=(MonitoringRule.income_below_line, MonitoringRule.assistance_only))
    assert reason_text(reason_parts(row, CUT)) == "人均纯收入 6,000 元；2024年新增低保对象"


def test_a_key_household_never_screened_and_a_monitored_one():
    row = RowFacts(HouseholdFacts(monitored=True, per_capita_income=5000), monitor_type="marginal", is_key=True)
    assert reason_text(reason_parts(row, CUT)) == "重点户·未排查；人均纯收入 5,000 元；监测对象·边缘易致贫户"


def test_query_parameters_parse_and_anything_else_is_dropped():
    r = request_from_params({"list": "should_monitor", "town": "210311104000", "village": "21031110421",
                             "rule": "spending_shock", "key_group": "any", "hazard": "flood", "method": "x",
                             "result": "propose_monitoring", "screened_from": "2024-09-01", "screened_to": "9-12",
                             "household": "H1"})
    f = r.filters
    assert r.which is HouseholdList.should_monitor and r.household_id == "H1"
    assert (f.town_code, f.village_code, f.rule, f.key_group, f.hazard, f.method) == (
        "210311104000", None, MonitoringRule.spending_shock, "any", "flood", None)
    assert (f.screened_from, f.screened_to) == (dt.date(2024, 9, 1), None)
    assert request_from_params({"list": "everything"}).which is HouseholdList.unscreened


def test_a_request_round_trips_through_its_query_parameters():
    r = ListRequest(HouseholdList.key_not_home, ListFilters("210311104000", "210311104210", "new_dibao", "any",
                                                           MonitoringRule.guarantee_problem, ScreeningMethod.home_visit,
                                                           None, dt.date(2024, 9, 2), dt.date(2024, 9, 12)), "H7")
    assert request_from_params(r.params()) == r


VILLAGE_TOWNS = {"210311006200": "210311006000", "210311104210": "210311104000"}


def test_scope_wins_over_a_supervisors_town_parameter():
    own = Scope.town("210311", "210311104000")
    f = confined(ListFilters(town_code="210311006000", village_code="210311006200"), own,
                 {"210311104210": "210311104000"})
    assert (f.town_code, f.village_code) == ("210311104000", None)


def test_a_village_alone_sets_its_town_and_a_village_of_another_town_is_dropped():
    district = Scope.district("210311")
    assert confined(ListFilters(village_code="210311104210"), district, VILLAGE_TOWNS).town_code == "210311104000"
    f = confined(ListFilters(town_code="210311006000", village_code="210311104210"), district, VILLAGE_TOWNS)
    assert (f.town_code, f.village_code) == ("210311006000", None)
    assert confined(ListFilters(town_code="310311006000"), district, VILLAGE_TOWNS).town_code is None


def test_days_left_are_working_days_to_the_projected_finish():
    villages = pd.DataFrame({"code": ["a", "b", "c"], "households": [10, 10, 10], "screened": [10, 5, 0],
                             "projected_finish": [None, dt.date(2024, 9, 18), None],
                             "finish_beyond_calendar": [False, False, False]})
    left = days_left(villages, dt.date(2024, 9, 12))
    assert left["days_left"].tolist() == [0, 3, pd.NA]  # 9-13, 9-14, 9-18
