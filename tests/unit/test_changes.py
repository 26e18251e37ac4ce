"""Changes since a date by the replay rule: figure(as-of) − figure(since); statuses compared."""

from __future__ import annotations

import pandas as pd

from paicha.changes import changes_since, light_changes, transition
from paicha.vocab import Status, Transition
from tests.unit.handmade import D, Village, every_workday, report

FINISHING = Village("v_fin", "完村", 10, {D(2024, 9, 9): 5, D(2024, 9, 13): 3, D(2024, 9, 14): 2},
                    key_households=2, key_home={D(2024, 9, 9): 1, D(2024, 9, 14): 1})
STALLING = Village("v_stall", "停村", 100, every_workday(D(2024, 8, 26), D(2024, 9, 9), 7))
LATE = Village("v_late", "晚村", 40, {D(2024, 9, 13): 4, D(2024, 9, 14): 4, D(2024, 9, 18): 4})


def test_the_monday_after_mid_autumn_compared_with_the_last_meeting_is_not_zero():
    # On 9-16 (a holiday) against 9-09: everything screened 9-10..9-14 shows, Saturday 9-14 included.
    r = report([FINISHING, LATE], D(2024, 9, 16), since=D(2024, 9, 9)).villages.set_index("code")
    assert r.loc["v_fin", "screened_delta"] == 5 and r.loc["v_fin", "key_home_delta"] == 1
    assert r.loc["v_late", "screened_delta"] == 8
    # 5 of 10 on 9-09 (expected 5.8: 7.9 points behind) was lagging; done on 9-14.
    assert (r.loc["v_fin", "status_before"], r.loc["v_fin", "status"], r.loc["v_fin", "transition"]) == (
        "lagging", "done", "finished")


def test_against_the_previous_working_day_the_holiday_adds_nothing():
    r = report([FINISHING, LATE], D(2024, 9, 16), since=D(2024, 9, 14)).villages
    assert r["screened_delta"].tolist() == [0, 0]


def test_a_village_that_stops_turns_red():
    r = report([STALLING], D(2024, 9, 13), since=D(2024, 9, 9)).villages.iloc[0]
    # 77 of 100 on 9-09 (expected 57.9): on track; still 77 on 9-13 (expected 78.9 → 1.9 behind)…
    assert r["status_before"] == "on_track"
    later = report([STALLING], D(2024, 9, 20), since=D(2024, 9, 9)).villages.iloc[0]
    assert later["status"] == "severely_lagging" and later["transition"] == "turned_red"
    assert later["screened_delta"] == 0


def test_the_change_is_the_difference_of_the_two_replayed_figures():
    now = report([FINISHING, STALLING], D(2024, 9, 13)).villages
    before = report([FINISHING, STALLING], D(2024, 9, 10)).villages
    changes = changes_since(now, before).set_index("code")
    for code in ("v_fin", "v_stall"):
        assert changes.loc[code, "screened_delta"] == (now.set_index("code").loc[code, "screened"]
                                                       - before.set_index("code").loc[code, "screened"])


def test_a_since_date_after_the_as_of_date_gives_negative_changes():
    r = report([FINISHING], D(2024, 9, 9), since=D(2024, 9, 14)).villages.iloc[0]
    assert r["screened_delta"] == -5 and (r["status_before"], r["status"]) == ("done", "lagging")
    assert r["transition"] == "turned_amber"


def test_a_unit_new_since_the_comparison_counts_from_zero():
    now = report([FINISHING], D(2024, 9, 14)).villages
    changes = changes_since(now, now.iloc[0:0])
    assert changes.loc[0, "screened_delta"] == 10 and changes.loc[0, "status_before"] == "not_started"


def test_transitions_follow_the_status_colours():
    assert transition(Status.lagging, Status.on_track) is Transition.turned_green
    assert transition(Status.on_track, Status.lagging) is Transition.turned_amber
    assert transition(Status.severely_lagging, Status.lagging) is Transition.turned_amber
    assert transition(Status.done, Status.done) is Transition.unchanged
    assert transition(Status.not_started, Status.done) is Transition.finished


def test_town_lights_that_changed_are_listed_one_per_light():
    now = pd.DataFrame([{"town_code": "t1", "town_name": "甲镇", "plan_training": "green", "screening": "amber",
                         "finish": "red", "report": "grey"}])
    before = now.assign(screening="green", finish="red")
    changed = light_changes(now, before)
    assert changed[["town_code", "light", "before", "after"]].values.tolist() == [["t1", "screening", "green", "amber"]]
    assert light_changes(now, now).empty
