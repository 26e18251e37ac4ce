"""Why-behind rules and the sentence, on hand-made villages around 中秋节 and the 9-14 working Saturday."""

from __future__ import annotations

import dataclasses

import pytest

from paicha.config import DEFAULT_REASON_WEIGHTS, Reasons
from paicha.reasons import (
    Pause,
    RuleContext,
    notable_pause,
    pauses,
    reasons_for,
    sentence,
    short_date,
)
from paicha.vocab import ReasonRule
from tests.unit.handmade import POLICY, SETTINGS, D, Village, every_workday, report

# The issue's 双台子: started 9-10, 62 of 176 screened by 9-12, 5 key households only phoned.
SHUANGTAIZI = Village("210311104209", "双台子村委会", 176, {D(2024, 9, 10): 20, D(2024, 9, 11): 21, D(2024, 9, 12): 21},
                      key_households=8, key_home={D(2024, 9, 10): 3}, key_phone={D(2024, 9, 11): 5})
# Starts on Friday 9-13, works the working Saturday 9-14 and after the holiday.
LATE = Village("v_late", "晚村", 40, {D(2024, 9, 13): 4, D(2024, 9, 14): 4, D(2024, 9, 18): 4, D(2024, 9, 19): 4})
# Works every day up to 9-12, stops over 9-13, 9-14 and the holiday, resumes on 9-19.
PAUSING = Village("v_pause", "停村", 30, {**every_workday(D(2024, 8, 26), D(2024, 9, 12), 1), D(2024, 9, 19): 2})
# Works 9-14 and 9-18: the three holidays between are no pause.
AROUND = Village("v_around", "连村", 30, {**every_workday(D(2024, 8, 26), D(2024, 9, 14), 1), D(2024, 9, 18): 1})
# Screens everybody from 9-09 to Saturday 9-14: done, in six working days.
RUSHED = Village("v_rush", "快村", 10, {D(2024, 9, 9): 2, D(2024, 9, 10): 2, D(2024, 9, 11): 2, D(2024, 9, 13): 2,
                                       D(2024, 9, 14): 2})
# Not started at all.
IDLE = Village("v_idle", "未村", 50, {})


def row(village: Village, as_of, since=None):
    return report([village], as_of, since).villages.iloc[0]


def rules(village: Village, as_of) -> list[str]:
    return [r.rule.value for r in row(village, as_of)["reasons"]]


def texts(village: Village, as_of) -> dict[str, str]:
    return {r.rule.value: r.text for r in row(village, as_of)["reasons"]}


def test_the_sentence_for_the_issues_village_reads_as_the_issue_wrote_it():
    v = row(SHUANGTAIZI, D(2024, 9, 12))
    assert v["why"] == ("9-10 才开始（晚于最晚开工日 9-06），已无法保证 10 个工作日；尚余 114 户，需每个工作日 22.8 户，"
                        "近 5 个工作日日均 12.4 户，按此速度 9-27 完成；5 户重点户仅电话问询")
    assert [r.as_dict() for r in v["reasons"]] == [
        {"rule": "late_start", "text": "9-10 才开始（晚于最晚开工日 9-06），已无法保证 10 个工作日", "weight": 10.0},
        {"rule": "slow_rate", "text": "尚余 114 户，需每个工作日 22.8 户，近 5 个工作日日均 12.4 户，按此速度 9-27 完成",
         "weight": 7.0},
        {"rule": "key_not_home", "text": "5 户重点户仅电话问询", "weight": 4.0},
    ]


def test_a_village_starting_on_13_september_is_late_and_spans_the_working_saturday():
    v = row(LATE, D(2024, 9, 19))
    assert v["first_screened_on"] == D(2024, 9, 13)
    assert v["span_workdays"] == 4  # 9-13, Saturday 9-14, 9-18, 9-19: the holiday is not counted
    assert v["possible_span"] == 5  # to 9-20 at most
    assert v["required_rate"] == pytest.approx(24.0)  # 24 left, one working day (9-20)
    assert v["recent_rate"] == pytest.approx(3.2)  # 16 over 9-12, 9-13, 9-14, 9-18, 9-19
    # ceil(24 / 3.2) = 8 working days after 9-19, Sunday 9-29 (调休) among them.
    assert v["projected_finish"] == D(2024, 9, 30)
    assert texts(LATE, D(2024, 9, 19))["late_start"] == "9-13 才开始（晚于最晚开工日 9-06），已无法保证 10 个工作日"
    assert texts(LATE, D(2024, 9, 19))["slow_rate"] == (
        "尚余 24 户，需每个工作日 24 户，近 5 个工作日日均 3.2 户，按此速度 9-30 完成")


def test_required_rate_skips_the_mid_autumn_holiday():
    # On Saturday 9-14 three working days are left: 9-18, 9-19, 9-20.
    assert row(LATE, D(2024, 9, 14))["required_rate"] == pytest.approx(32 / 3, abs=0.01)


def test_a_pause_over_the_holiday_counts_only_the_working_days_missed():
    past = texts(PAUSING, D(2024, 9, 19))["pause"]
    assert past == "9-13 至 9-18 停了 3 个工作日（其间中秋节放假不计）"
    ongoing = texts(PAUSING, D(2024, 9, 18))["pause"]
    assert ongoing == "自 9-13 起已连续 3 个工作日没有排查记录（其间中秋节放假不计）"
    assert row(PAUSING, D(2024, 9, 18))[["pause_workdays", "pause_ongoing"]].tolist() == [3, True]


def test_working_through_the_saturday_and_after_the_holiday_is_no_pause():
    assert "pause" not in rules(AROUND, D(2024, 9, 18))
    assert row(AROUND, D(2024, 9, 18))["pause_workdays"] == 0


def test_a_single_empty_working_day_is_below_the_pause_cut_off():
    one_gap = Village("v_gap", "隔村", 30, {D(2024, 9, 10): 1, D(2024, 9, 12): 1})
    assert "pause" not in rules(one_gap, D(2024, 9, 12))
    two_gaps = Village("v_gap2", "隔二村", 30, {D(2024, 9, 9): 1, D(2024, 9, 12): 1})
    assert texts(two_gaps, D(2024, 9, 12))["pause"] == "9-10 至 9-11 停了 2 个工作日"


def test_pauses_are_runs_of_working_days_without_records():
    runs = pauses([D(2024, 9, 9), D(2024, 9, 14)], D(2024, 9, 9), D(2024, 9, 19))
    assert runs == [Pause(D(2024, 9, 10), D(2024, 9, 13), 4, ongoing=False),
                    Pause(D(2024, 9, 18), D(2024, 9, 19), 2, ongoing=True)]
    assert notable_pause(runs, 2) == runs[1]  # the ongoing one first
    assert notable_pause(runs, 3) == runs[0]
    assert pauses([], None, D(2024, 9, 19)) == []


def test_a_village_finishing_on_the_working_saturday_in_six_days_is_too_short():
    v = row(RUSHED, D(2024, 9, 14), since=D(2024, 9, 13))
    assert v["status"] == "done" and v["span_workdays"] == 6 and v["required_rate"] == 0
    assert v["why"] == "9-09 至 9-14 仅用 6 个工作日完成，少于 10 个工作日"
    assert v["transition"] == "finished" and v["screened_delta"] == 2


def test_a_finished_village_that_took_long_enough_has_no_reason():
    steady = Village("v_steady", "稳村", 11, every_workday(D(2024, 9, 2), D(2024, 9, 14), 1))
    v = row(steady, D(2024, 9, 14))
    assert v["status"] == "done" and v["span_workdays"] == 11 and v["why"] == ""


def test_before_the_latest_start_a_village_not_started_is_told_the_days_left():
    v = row(IDLE, D(2024, 9, 3))
    assert v["start_by"] == 3  # 9-04, 9-05, 9-06
    # 12 working days after 9-03 up to 9-20 (9-14 in, 9-15..17 out): 50 / 12 = 4.17
    assert v["why"] == "尚未开始，须在 9-06 前开工，还剩 3 个工作日；尚余 50 户，需每个工作日 4.2 户"


def test_after_the_latest_start_a_village_not_started_cannot_reach_ten_days():
    v = row(IDLE, D(2024, 9, 9))
    assert v["start_by"] is None or v["start_by"] != v["start_by"]  # None (NaN in a frame)
    assert texts(IDLE, D(2024, 9, 9))["late_start"] == "截至 9-09 尚未开始（最晚开工日为 9-06），已无法保证 10 个工作日"
    assert row(IDLE, D(2024, 9, 6))["start_by"] != 0  # on 9-06 itself it is too late as well
    assert "late_start" in rules(IDLE, D(2024, 9, 6))


def test_on_the_deadline_no_rate_can_finish_the_work():
    v = row(LATE, D(2024, 9, 20))
    assert v["required_rate"] is None or v["required_rate"] != v["required_rate"]
    assert texts(LATE, D(2024, 9, 20))["slow_rate"].startswith("尚余 24 户，已到排查截止日 9-20，")


def test_a_lagging_village_whose_recent_rate_suffices_is_catching_up():
    # 40 of 100 by 9-12 (expected 73.7) at 8 a day: 60 left over 5 working days needs 12.
    slow = Village("v_slow", "缓村", 100, every_workday(D(2024, 9, 6), D(2024, 9, 12), 8))
    assert "slow_rate" in rules(slow, D(2024, 9, 12)) and "catching_up" not in rules(slow, D(2024, 9, 12))
    # 68 of 100 (5.7 points behind) at 13 a day: 32 left over 5 working days needs 6.4.
    fast = Village("v_up", "追村", 100, {D(2024, 9, 2): 3, **every_workday(D(2024, 9, 6), D(2024, 9, 12), 13)})
    assert row(fast, D(2024, 9, 12))["status"] == "lagging"
    assert texts(fast, D(2024, 9, 12))["catching_up"] == (
        "落后计划 5.7 户，但近 5 个工作日日均 13 户，已达到所需的每个工作日 6.4 户")


def test_exactly_the_required_rate_is_not_too_slow():
    # 50 of 100 by 9-12 at 10 a day: 50 left over 5 working days needs exactly 10.
    exact = Village("v_exact", "正好村", 100, every_workday(D(2024, 9, 6), D(2024, 9, 12), 10))
    v = row(exact, D(2024, 9, 12))
    assert v["required_rate"] == pytest.approx(10.0) and v["recent_rate"] == pytest.approx(10.0)
    assert "slow_rate" not in rules(exact, D(2024, 9, 12))


# 20 of 40 households screened on 9-12 alone (the share cut-offs are 90 % and 70 % of them).
TWENTY = Village("v_twenty", "二十村", 40, {D(2024, 9, 12): 20})


@pytest.mark.parametrize(("leaflets", "fires"), [(17, True), (18, False)])
def test_leaflets_behind_below_the_share_of_screened_households(leaflets, fires):
    found = texts(dataclasses.replace(TWENTY, leaflet=leaflets), D(2024, 9, 12))
    assert ("leaflet_behind" in found) is fires
    if fires:  # over the register 17 / 40, over the screened 17 / 20
        assert found["leaflet_behind"] == "明白纸只发到 17 户（占农户 42.5%，占已排查户 85.0%）"


@pytest.mark.parametrize(("confirmed", "fires"), [(13, True), (14, False)])
def test_online_confirmation_behind_below_the_share_of_screened_households(confirmed, fires):
    found = texts(dataclasses.replace(TWENTY, confirmed=confirmed), D(2024, 9, 12))
    assert ("confirmation_behind" in found) is fires
    if fires:
        assert found["confirmation_behind"] == "线上确认 13 户（占农户 32.5%，占已排查户 65.0%）"


def test_key_households_screened_without_a_home_visit_are_named_by_method():
    v = dataclasses.replace(AROUND, key_households=4, key_phone={D(2024, 9, 2): 1}, key_assessed={D(2024, 9, 3): 2})
    assert texts(v, D(2024, 9, 18))["key_not_home"] == "1 户重点户仅电话问询，2 户重点户仅村级研判"
    assert "key_not_home" not in rules(dataclasses.replace(AROUND, key_households=4), D(2024, 9, 18))


def test_a_finish_past_the_calendar_is_said_in_the_sentence():
    crawl = Village("v_crawl", "慢村", 3000, {D(2024, 9, 12): 1})
    assert texts(crawl, D(2024, 9, 12))["slow_rate"].endswith("近 5 个工作日日均 0.2 户，按此速度 2026 年底前无法完成")


def test_reasons_come_in_the_configured_weight_order():
    ctx = RuleContext(POLICY, SETTINGS.reasons, D(2024, 9, 12))
    village = report([SHUANGTAIZI], D(2024, 9, 12)).villages.iloc[0].to_dict()
    village["pause"] = None
    assert [r.rule for r in reasons_for(village, ctx)] == [ReasonRule.late_start, ReasonRule.slow_rate,
                                                            ReasonRule.key_not_home]
    key_first = Reasons(weights={**DEFAULT_REASON_WEIGHTS, "key_not_home": 20.0})
    found = reasons_for(village, RuleContext(POLICY, key_first, D(2024, 9, 12)))
    assert next(r.rule for r in found) is ReasonRule.key_not_home
    assert sentence(found).startswith("5 户重点户仅电话问询；9-10 才开始")


def test_every_rule_has_a_weight_in_the_configuration():
    assert set(SETTINGS.reasons.weights) == {r.value for r in ReasonRule}


def test_villages_are_listed_worst_first():
    order = report([RUSHED, LATE, AROUND, IDLE], D(2024, 9, 13)).villages["code"].tolist()
    assert order[0] in ("v_late", "v_idle") and order[-1] == "v_rush"


def test_short_dates_read_as_people_write_them():
    assert short_date(D(2024, 9, 6)) == "9-06" and short_date(D(2024, 10, 15)) == "10-15"
