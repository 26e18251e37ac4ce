"""Progress definitions of ARCHITECTURE §4 on small hand-made cases."""

import datetime as dt

import pandas as pd
import pytest

from paicha.calendar import CalendarRangeError, is_workday, workdays_between
from paicha.config import load_settings
from paicha.progress import (
    UNIT_SUMS,
    FinishProjection,
    Policy,
    classify,
    compute_progress,
    cumulative_curve,
    deadline_light,
    deadlines,
    expected_screened,
    projected_finish,
    recent_rate,
    span_shortfall,
    town_lights,
)
from paicha.vocab import Light, Status

D = dt.date
SETTINGS = load_settings()
POLICY = Policy(SETTINGS.campaign, SETTINGS.thresholds)


def facts(rows):
    base = {"town_code": "210311006000", "town_name": "汤岗子街道", "kind": "village",
            "key_households": 0, "key_home_visited": 0, "key_screened": 0, "proposed": 0,
            "leaflet": 0, "confirmed_online": 0, "first_record_on": None, "last_record_on": None}
    return pd.DataFrame([{**base, **r} for r in rows])


def daily(rows):
    return pd.DataFrame(rows, columns=["village_code", "day", "screened"])


def test_expected_is_linear_in_working_days_and_clipped():
    assert expected_screened(190, POLICY, D(2024, 8, 23)) == 0
    assert expected_screened(190, POLICY, D(2024, 8, 26)) == pytest.approx(10)
    assert expected_screened(190, POLICY, D(2024, 9, 12)) == pytest.approx(140)
    assert expected_screened(190, POLICY, D(2024, 10, 8)) == 190


def test_expected_does_not_move_over_the_mid_autumn_holiday():
    assert expected_screened(190, POLICY, D(2024, 9, 15)) == expected_screened(190, POLICY, D(2024, 9, 14))


def test_recent_rate_uses_the_last_five_working_days_including_the_as_of_date():
    counts = pd.Series({D(2024, 9, 5): 100, D(2024, 9, 6): 5, D(2024, 9, 9): 5, D(2024, 9, 12): 10})
    # 9-06, 9-09, 9-10, 9-11, 9-12 → 5 + 5 + 0 + 0 + 10 = 20
    assert recent_rate(counts, D(2024, 9, 12), 5) == 4.0


def test_projected_finish_is_the_kth_working_day_after_as_of():
    # remaining 7 at 2 a day → k = 4: 9-13, 9-14 (working Saturday), 9-18, 9-19
    assert projected_finish(7, 2.0, D(2024, 9, 12)) == FinishProjection(D(2024, 9, 19))


def test_no_recent_rate_gives_no_projected_date():
    assert projected_finish(7, 0.0, D(2024, 9, 12)) == FinishProjection(None, beyond_calendar=False)


def test_a_finish_past_the_calendar_is_an_outcome_not_an_error():
    # 300 households at 0.2 a day: 1,500 working days after 2024-08-26 lies past 2026-12-31.
    assert projected_finish(300, 0.2, D(2024, 8, 26)) == FinishProjection(None, beyond_calendar=True)
    # The last working day the calendar knows is still a date.
    last = projected_finish(workdays_between(D(2024, 8, 27), D(2026, 12, 31)), 1.0, D(2024, 8, 26))
    assert last == FinishProjection(D(2026, 12, 31))
    assert projected_finish(workdays_between(D(2024, 8, 27), D(2026, 12, 31)) + 1, 1.0, D(2024, 8, 26)).beyond_calendar


def test_an_as_of_date_outside_the_calendar_stays_an_error():
    with pytest.raises(CalendarRangeError, match="超出工作日历范围"):
        projected_finish(10, 1.0, D(2027, 1, 5))


def test_a_village_projected_past_the_calendar_is_flagged_and_its_town_light_is_red():
    f = facts([{"village_code": "v1", "village_name": "甲村", "households": 400, "screened": 1,
                "first_record_on": D(2024, 8, 26), "last_record_on": D(2024, 8, 26)}])
    out = compute_progress(f, daily([("v1", D(2024, 8, 26), 1)]), POLICY, D(2024, 8, 26), "village")
    assert out.loc[0, "projected_finish"] is None and bool(out.loc[0, "finish_beyond_calendar"])
    towns = compute_progress(f.assign(town_code="210311006000"), daily([("v1", D(2024, 8, 26), 1)]), POLICY,
                             D(2024, 8, 26), "town")
    milestones = pd.DataFrame([{"town_code": "210311006000", "town_name": "汤岗子街道", "plan_done_on": None,
                                "training_done_on": None, "report_submitted_on": None, "report_approved": None}])
    lights = town_lights(milestones, towns, POLICY, D(2024, 8, 26)).iloc[0]
    assert lights["finish"] == Light.red.value and lights["finish_beyond_calendar"]


def test_span_counts_the_working_saturday_before_mid_autumn():
    f = facts([{"village_code": "v1", "village_name": "甲村", "households": 10, "screened": 3,
                "first_record_on": D(2024, 9, 9), "last_record_on": D(2024, 9, 18)}])
    out = compute_progress(f, daily([]), POLICY, D(2024, 9, 18), "village")
    assert out.loc[0, "span_workdays"] == 7  # 9-09..9-13, 9-14, 9-18


@pytest.mark.parametrize(("screened", "expected", "status"), [
    (100, 50, Status.done), (0, 50, Status.not_started), (48, 50, Status.on_track),
    (40, 50, Status.lagging), (30, 50, Status.severely_lagging),
])
def test_status_cut_offs_in_percentage_points(screened, expected, status):
    assert classify(100, screened, expected, SETTINGS.thresholds) is status


def test_towns_and_district_are_sums_of_their_villages():
    f = facts([
        {"village_code": "v1", "village_name": "甲村", "households": 10, "screened": 4,
         "first_record_on": D(2024, 8, 26), "last_record_on": D(2024, 9, 10)},
        {"village_code": "v2", "village_name": "乙村", "households": 30, "screened": 30,
         "first_record_on": D(2024, 8, 28), "last_record_on": D(2024, 9, 12)},
    ])
    d = daily([("v1", D(2024, 9, 10), 4), ("v2", D(2024, 9, 12), 30)])
    town = compute_progress(f, d, POLICY, D(2024, 9, 12), "town")
    assert town.loc[0, ["households", "screened"]].tolist() == [40, 34]
    assert town.loc[0, "first_screened_on"] == D(2024, 8, 26)
    assert town.loc[0, "recent_rate"] == pytest.approx(34 / 5)
    district = compute_progress(f, d, POLICY, D(2024, 9, 12), "district", ("210311", "千山区"))
    assert district.loc[0, "code"] == "210311"
    assert district.loc[0, "lag"] == pytest.approx(40 * 14 / 19 - 34, abs=0.05)


def test_a_village_not_started_after_6_september_cannot_reach_ten_working_days():
    f = facts([
        {"village_code": "late", "village_name": "晚村", "households": 10, "screened": 0},
        {"village_code": "ok", "village_name": "早村", "households": 10, "screened": 2,
         "first_record_on": D(2024, 8, 30), "last_record_on": D(2024, 9, 9)},
    ])
    villages = compute_progress(f, daily([]), POLICY, D(2024, 9, 9), "village")
    short = span_shortfall(villages, POLICY, D(2024, 9, 9))
    assert short["code"].tolist() == ["late"]
    on_6th = span_shortfall(compute_progress(f, daily([]), POLICY, D(2024, 9, 5), "village"), POLICY, D(2024, 9, 5))
    assert on_6th.empty  # starting on 9-06 still gives exactly 10


def test_a_village_finished_in_five_days_is_reported_as_too_short():
    f = facts([{"village_code": "rush", "village_name": "快村", "households": 5, "screened": 5,
                "first_record_on": D(2024, 9, 2), "last_record_on": D(2024, 9, 6)}])
    villages = compute_progress(f, daily([]), POLICY, D(2024, 9, 12), "village")
    assert span_shortfall(villages, POLICY, D(2024, 9, 12))["possible_span"].tolist() == [5]


def test_deadline_lights():
    assert deadline_light(D(2024, 8, 22), D(2024, 8, 23), D(2024, 9, 1)) is Light.green
    assert deadline_light(D(2024, 8, 27), D(2024, 8, 23), D(2024, 9, 1)) is Light.amber
    assert deadline_light(None, D(2024, 8, 23), D(2024, 9, 1)) is Light.red
    assert deadline_light(None, D(2024, 9, 22), D(2024, 9, 1)) is Light.grey
    # done later than the view's date: not done yet in that view
    assert deadline_light(D(2024, 8, 22), D(2024, 8, 23), D(2024, 8, 21)) is Light.grey


def test_deadlines_count_working_days_left_and_say_overdue():
    states = {s.key: s for s in deadlines(POLICY, D(2024, 9, 12))}
    assert states["plan_training"].overdue
    assert states["screening"].workdays_left == 5  # 9-13, 9-14, 9-18, 9-19, 9-20
    assert not states["report"].overdue


def test_cumulative_curve_carries_rest_day_screenings_to_the_next_working_day():
    d = daily([("v1", D(2024, 8, 26), 3), ("v1", D(2024, 8, 31), 2), ("v1", D(2024, 9, 2), 1)])
    curve = cumulative_curve(d, 19, POLICY, D(2024, 9, 2))
    assert curve["screened"].tolist() == [3, 3, 3, 3, 3, 6]
    assert curve["expected"].tolist() == [1, 2, 3, 4, 5, 6]


def grouped_unit_sums(facts: pd.DataFrame) -> pd.DataFrame:
    """The straightforward ``unit_sums``: pandas' group-by."""
    return facts.groupby(["code", "name", "parent_code"], sort=True).agg(
        **{c: (c, "sum") for c in UNIT_SUMS},
        first_screened_on=("first_record_on", "min"),
        last_screened_on=("last_record_on", "max"),
    ).reset_index()


def test_units_summed_in_numpy_equal_the_group_by(demo_db_path, settings, monkeypatch):
    """On the demo district, on days before, during and after the screening, every figure of
    every level equals the one built on pandas' group-by.
    """
    from data_loaders.store import Store
    from paicha import progress
    from paicha.scope import Scope

    store, district = Store(demo_db_path), Scope.district(settings.district_code)
    policy, named = Policy(settings.campaign, settings.thresholds), (settings.district_code, settings.district_name)
    for day in (D(2024, 8, 20), D(2024, 8, 26), D(2024, 9, 14), D(2024, 9, 16), D(2024, 10, 8)):
        village_facts = store.village_facts(district, day)
        first = store.daily_first_screenings(district, day)
        for level in ("village", "town", "district"):
            fast = compute_progress(village_facts, first, policy, day, level, named)
            with monkeypatch.context() as patched:
                patched.setattr(progress, "unit_sums", grouped_unit_sums)
                straight = compute_progress(village_facts, first, policy, day, level, named)
            assert len(fast) > 0
            pd.testing.assert_frame_equal(fast, straight)
    # Hand-made: a town of two villages, one never screened.
    f = facts([{"village_code": "v1", "village_name": "甲村", "households": 10, "screened": 0},
               {"village_code": "v2", "village_name": "乙村", "households": 5, "screened": 5,
                "first_record_on": D(2024, 8, 27), "last_record_on": D(2024, 9, 2)}])
    f["code"], f["name"], f["parent_code"] = f["town_code"], f["town_name"], "210311"
    pd.testing.assert_frame_equal(progress.unit_sums(f), grouped_unit_sums(f), check_dtype=False)
    # The cached working-day count is the count of the calendar's working days.
    start = D(2024, 8, 26)
    for end in (D(2024, 8, 25), D(2024, 9, 14), D(2024, 9, 17), D(2024, 10, 8)):
        assert workdays_between(start, end) == sum(
            is_workday(start + dt.timedelta(days=i)) for i in range((end - start).days + 1))
