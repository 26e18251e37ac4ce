"""Screener figures from per-screener, per-village, per-day counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from paicha.screeners import screener_matrix, screener_summary, village_dependence

D = dt.date


def days(rows):
    return pd.DataFrame(rows, columns=["village_code", "screener", "day", "records", "home_visits", "over_limit"])


DAYS = days([
    ("v1", "甲", D(2024, 9, 13), 10, 8, False),
    ("v1", "甲", D(2024, 9, 14), 20, 20, False),
    ("v2", "甲", D(2024, 9, 14), 15, 15, True),   # 35 home visits on the working Saturday, two villages
    ("v2", "乙", D(2024, 9, 18), 4, 0, False),
    ("v2", None, D(2024, 9, 18), 1, 1, False),    # a record without a name is kept
])


def test_a_screener_summary_counts_days_rates_and_days_over_the_limit():
    s = screener_summary(DAYS).set_index("screener")
    a = s.loc["甲"]
    assert (a.days_active, a.records, a.home_visits, a.villages) == (2, 45, 43, 2)
    assert a.records_per_day == 22.5 and a.home_per_day == 21.5 and a.max_home_visits == 35
    assert a.over_limit_days == [D(2024, 9, 14)] and a.days_over_limit == 1
    assert a.village_codes == ["v1", "v2"]
    assert s.loc["乙"].days_over_limit == 0 and s.loc[""].records == 1
    assert screener_summary(DAYS)["screener"].tolist() == ["甲", "乙", ""]  # most records first


def test_the_matrix_shows_a_village_depending_on_one_person():
    m = screener_matrix(DAYS)
    assert m.loc["甲", "v1"] == 30 and m.loc["乙", "v1"] == 0 and m.loc["", "v2"] == 1
    dep = village_dependence(DAYS, 0.8).set_index("village_code")
    assert dep.loc["v1", "depends_on_one"] and dep.loc["v1", "top_screener"] == "甲"
    assert dep.loc["v1", "top_share"] == 1.0 and dep.loc["v1", "screeners"] == 1
    assert not dep.loc["v2", "depends_on_one"]  # 15 of 20 = 75 %
    assert village_dependence(DAYS, 0.75).set_index("village_code").loc["v2", "depends_on_one"]


def test_no_records_give_empty_figures():
    empty = days([])
    assert screener_summary(empty).empty and screener_matrix(empty).empty and village_dependence(empty, 0.8).empty
