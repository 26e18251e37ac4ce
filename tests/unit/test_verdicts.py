"""Spot-check domain: draw plans (paicha.sampling.plans), the checker's answers, error rates and verdicts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from data_loaders.spot_checks.results import parse_answers
from paicha import stats
from paicha.sampling import Method, draw, lqas_village_designs, make_plan
from paicha.verdicts import (
    ANSWER_COLUMNS,
    IncomeBand,
    Verdict,
    answer_labels,
    answers_from,
    error_rates,
    estimate,
    follow_up_screeners,
    income_band,
    lqas_verdicts,
    split_teams,
)


def frame(villages: dict[str, int], flagged_every: int = 0) -> pd.DataFrame:
    """A screened frame with the given households per village, three screeners per village."""
    rows = []
    for code, size in villages.items():
        for i in range(size):
            rows.append({"household_id": f"{code}-{i:04d}", "town_code": code[:1], "village_code": code,
                         "screener": f"{code}-S{i % 3}", "is_key": False, "screened": True,
                         "key_not_home_visited": False, "screener_overload": False,
                         "far_visit": bool(flagged_every and i % flagged_every == 0), "hazard_exposed": False})
    return pd.DataFrame(rows)


def items(rows: list[tuple[str, str, str, float, str, bool | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["village_code", "screener", "town_code", "inclusion_probability",
                                       "reason", "consistent"])


# --------------------------------------------------------------------------- plans


def test_a_plan_spells_out_every_default_so_the_stored_draw_can_be_replayed():
    plan = make_plan("backcheck")
    assert plan.method is Method.backcheck
    assert plan.params == {"share": 0.15, "min_per_screener": 2, "flag_weight": 4.0}
    assert make_plan("srs", {"n": 7, "unused": None}).params == {"n": 7}


@pytest.mark.parametrize(("method", "given", "message"), [
    ("census", {}, "未知的抽样方法"),
    ("srs", {"share": 0.1}, "没有参数share"),
    ("srs", {"n": 2.5}, "必须是整数"),
    ("stratified", {"by": "screener"}, "village_code或town_code"),
    ("backcheck", {"share": 15}, "0.15"),
])
def test_a_plan_refuses_what_the_sampler_would_misread(method, given, message):
    with pytest.raises(ValueError, match=message):
        make_plan(method, given)


@pytest.mark.parametrize("method", [m.value for m in Method])
def test_the_same_frame_plan_and_seed_draw_the_same_households(method):
    f = frame({"V1": 40, "V2": 25, "V3": 12}, flagged_every=5)
    plan = make_plan(method, {"n": 10} if method in ("srs", "stratified") else
                     {"n_villages": 2, "per_village": 5} if method == "pps" else None)
    first, params = draw(f, plan, seed=11)
    again, _ = draw(f.sample(frac=1, random_state=3), plan, seed=11)  # row order must not matter
    other, _ = draw(f, plan, seed=12)
    assert first["household_id"].tolist() == again["household_id"].tolist()
    assert not first.empty and set(first["household_id"]) <= set(f["household_id"])
    assert params["villages"] if method == "lqas" else "villages" not in params
    if method in ("srs", "backcheck"):
        assert first["household_id"].tolist() != other["household_id"].tolist()


def test_lqas_plans_each_village_for_its_own_size_hypergeometrically():
    designs = lqas_village_designs(frame({"BIG": 5000, "MID": 60, "TINY": 4}), make_plan("lqas").params)
    assert (designs["BIG"]["n"], designs["BIG"]["d"]) == (19, 13)  # the binomial plan, as N is large
    exact = stats.lqas_design(0.8, 0.5, 0.1, 0.1, population=60)
    assert (designs["MID"]["n"], designs["MID"]["d"]) == (exact.n, exact.d) and exact.n < 19
    assert designs["TINY"]["n"] <= 4 and designs["TINY"]["population"] == 4


def test_lqas_draws_each_villages_planned_number():
    f = frame({"BIG": 400, "SMALL": 30})
    sample, params = draw(f, make_plan("lqas"), seed=1)
    counts = sample.groupby("village_code").size().to_dict()
    assert counts == {code: d["n"] for code, d in params["villages"].items()}
    small = sample.loc[sample["village_code"] == "SMALL", "inclusion_probability"].iloc[0]
    assert small == pytest.approx(params["villages"]["SMALL"]["n"] / 30)


def test_a_village_no_plan_can_judge_is_checked_completely():
    designs = lqas_village_designs(frame({"ONE": 1}), {"upper": 0.8, "lower": 0.7, "alpha": 0.1, "beta": 0.1})
    assert designs["ONE"] == {"population": 1, "n": 1, "d": 1, "alpha": 0.0, "beta": 0.0}


def test_teams_get_whole_neighbouring_villages_and_similar_loads():
    villages = pd.Series(["A"] * 10 + ["B"] * 10 + ["C"] * 10 + ["D"] * 10)
    team = split_teams(villages.sample(frac=1, random_state=0), 2)
    by_village = team.groupby(villages.loc[team.index]).nunique()
    assert (by_village == 1).all()  # a village is never split between teams
    assert team.groupby(villages.loc[team.index]).first().to_dict() == {"A": 1, "B": 1, "C": 2, "D": 2}
    assert split_teams(pd.Series(["A", "A"]), 3).tolist() == [2, 2]
    with pytest.raises(ValueError):
        split_teams(villages, 0)


# --------------------------------------------------------------------------- answers


def test_a_blank_row_is_not_checked_yet():
    answers, problems = parse_answers({"note": "  ", "visited": None, "consistent": "—"})
    assert answers.is_blank and problems == []


def test_no_is_an_answer_not_a_blank():
    answers, problems = parse_answers({"visited": "否", "consistent": "否", "differing": "是否入户"})
    assert problems == []
    assert (answers.visited, answers.consistent, answers.differing) == (False, False, "visited")


def test_answers_accept_labels_codes_and_the_usual_ways_of_writing_yes():
    answers, problems = parse_answers({
        "visited": "√", "method": "入户排查", "result": "no_risk", "leaflet_given": 1,
        "income_band": "监测线至1.5倍", "consistent": "Ｎ", "differing": "收入区间，排查方式 是否入户",
        "note": "户主外出务工",
    })
    assert problems == []
    assert answers.as_dict() == {
        "visited": True, "method": "home_visit", "result": "no_risk", "leaflet_given": True,
        "income_band": "near_line", "consistent": False, "differing": "visited,method,income_band",
        "note": "户主外出务工"}


@pytest.mark.parametrize(("cells", "column", "message"), [
    ({"visited": "也许", "consistent": "是"}, "visited", "只能填“是”或“否”"),
    ({"method": "电话", "consistent": "是"}, "method", "入户排查、村级研判、线上问询"),
    ({"income_band": "很低", "consistent": "是"}, "income_band", "低于监测线"),
    ({"visited": "是"}, "consistent", "没有填写是否一致"),
    ({"consistent": "否"}, "differing", "须写明不一致的字段"),
    ({"consistent": "是", "differing": "排查结果"}, "differing", "应为空"),
    ({"consistent": "否", "differing": "住址"}, "differing", "允许的值"),
])
def test_bad_answers_name_their_column(cells, column, message):
    _, problems = parse_answers(cells)
    assert len(problems) == 1
    assert problems[0][0] == column and message in problems[0][1]


def test_results_read_their_cells_with_the_import_parser_and_its_wider_spellings():
    # Spellings the import always took and the result entry used to refuse: 没有 for no, n/a
    # for blank, the import's other names for a screening method, a number typed as a note.
    answers, problems = parse_answers({"visited": "没有", "method": "入户走访", "leaflet_given": "N/A",
                                       "consistent": "否", "differing": "是否入户；排查方式", "note": 123.0})
    assert problems == []
    assert (answers.visited, answers.method, answers.leaflet_given, answers.differing, answers.note) == (
        False, "home_visit", None, "visited,method", "123")


def test_the_domain_refuses_a_differing_field_that_is_not_checked():
    with pytest.raises(ValueError, match="不是核查字段"):
        answers_from({"consistent": False, "differing": ["address"]})


def test_stored_answers_turn_back_into_the_words_a_checker_writes():
    answers, _ = parse_answers({"visited": "是", "method": "村级研判", "consistent": "否",
                                "differing": "排查方式、是否发放明白纸", "leaflet_given": "否"})
    labels = answer_labels(answers.as_dict())
    assert labels["differing"] == "排查方式、是否发放明白纸" and labels["leaflet_given"] == "否"
    again, problems = parse_answers(labels)
    assert problems == [] and again == answers
    assert set(answer_labels({})) == set(ANSWER_COLUMNS)


@pytest.mark.parametrize(("income", "band"), [
    (7499, IncomeBand.below_line), (7500, IncomeBand.near_line), (11249, IncomeBand.near_line),
    (11250, IncomeBand.above), (None, None), (math.nan, None)])
def test_income_bands_are_relative_to_the_monitoring_line(income, band):
    assert income_band(income, 7500) == band


# --------------------------------------------------------------------------- verdicts


def test_error_rates_per_unit_carry_wilson_intervals_and_skip_unchecked():
    table = error_rates(items([
        ("V1", "甲", "T", 0.5, "random", True), ("V1", "甲", "T", 0.5, "random", False),
        ("V1", "乙", "T", 0.5, "random", None), ("V2", "乙", "T", 0.5, "random", None),
    ]), "village_code")
    v1, v2 = table.to_dict("records")
    assert (v1["sampled"], v1["checked"], v1["errors"], v1["error_rate"]) == (3, 2, 1, 0.5)
    assert (v1["low"], v1["high"]) == pytest.approx(stats.wilson_interval(1, 2))
    assert v2["checked"] == 0 and np.isnan(v2["error_rate"]) and np.isnan(v2["low"])


def test_the_district_estimate_undoes_the_oversampling_of_flagged_households():
    # Flagged households drawn with π = 1 are all wrong; random ones with π = 0.1 all right.
    rows = [("V", "甲", "T", 1.0, "far_visit", False)] * 2 + [("V", "甲", "T", 0.1, "random", True)] * 2
    e = estimate(items(rows))
    assert e.overall.rate == 0.5
    assert e.weighted_rate == pytest.approx(2 / (2 + 20))
    assert (e.flagged.checked, e.flagged.errors, e.flagged.rate) == (2, 2, 1.0)
    assert (e.random.checked, e.random.errors, e.random.rate) == (2, 0, 0.0)


def test_nothing_checked_means_no_estimate():
    e = estimate(items([("V", "甲", "T", 0.5, "random", None)]))
    assert e.weighted_rate is None and e.overall.rate is None and e.overall.sampled == 1


def test_lqas_villages_pass_fail_or_wait():
    designs = {code: {"population": 100, "n": 5, "d": 4} for code in ("PASS", "FAIL", "WAIT")}
    rows = ([("PASS", "s", "T", 0.05, "random", True)] * 4
            + [("FAIL", "s", "T", 0.05, "random", False)] * 2 + [("FAIL", "s", "T", 0.05, "random", None)] * 3
            + [("WAIT", "s", "T", 0.05, "random", True)] * 3 + [("WAIT", "s", "T", 0.05, "random", False)])
    verdicts = lqas_verdicts(items(rows), designs).set_index("village_code")["verdict"].to_dict()
    assert verdicts == {"PASS": Verdict.passed, "FAIL": Verdict.failed, "WAIT": Verdict.pending}


def test_screeners_strictly_above_the_configured_rate_are_followed_up():
    table = error_rates(items(
        [("V", "甲", "T", 0.2, "random", c) for c in (True, True, True, True, False)]   # 20 %: not above
        + [("V", "乙", "T", 0.2, "random", c) for c in (True, False, False)]          # 67 %
        + [("V", "丙", "T", 0.2, "random", c) for c in (True, True, False)]),          # 33 %
        "screener")
    assert follow_up_screeners(table, 0.2)["screener"].tolist() == ["乙", "丙"]
