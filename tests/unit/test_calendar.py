"""The working-day calendar reproduces the official 2024 arrangement around 中秋节 and 国庆节."""

import datetime as dt

import pytest

from paicha.calendar import (
    CalendarRangeError,
    add_workdays,
    add_workdays_within,
    covered_range,
    is_workday,
    last_workdays,
    latest_start,
    workdays_between,
)

D = dt.date


def test_saturday_14_september_2024_is_a_working_day():
    assert D(2024, 9, 14).weekday() == 5
    assert is_workday(D(2024, 9, 14))


@pytest.mark.parametrize("day", [15, 16, 17])
def test_mid_autumn_holidays_are_not_working_days(day):
    assert not is_workday(D(2024, 9, day))


def test_report_deadline_22_september_is_a_sunday_and_not_a_working_day():
    assert D(2024, 9, 22).weekday() == 6
    assert not is_workday(D(2024, 9, 22))


def test_campaign_24_august_to_20_september_holds_19_working_days():
    assert workdays_between(D(2024, 8, 24), D(2024, 9, 20)) == 19


def test_latest_start_for_ten_working_days_ending_20_september_is_6_september():
    assert latest_start(D(2024, 9, 20), 10) == D(2024, 9, 6)


def test_workdays_between_counts_both_ends_and_is_zero_when_reversed():
    assert workdays_between(D(2024, 9, 13), D(2024, 9, 13)) == 1
    assert workdays_between(D(2024, 9, 13), D(2024, 9, 12)) == 0


def test_add_workdays_skips_the_holiday_and_lands_on_the_working_saturday():
    assert add_workdays(D(2024, 9, 13), 1) == D(2024, 9, 14)
    assert add_workdays(D(2024, 9, 14), 1) == D(2024, 9, 18)
    assert add_workdays(D(2024, 9, 30), 1) == D(2024, 10, 8)  # 国庆节 and the 10-12 make-up day


def test_last_workdays_reaches_back_over_the_weekend():
    assert last_workdays(D(2024, 9, 9), 2) == [D(2024, 9, 6), D(2024, 9, 9)]


def test_years_without_official_data_fail_loudly_rather_than_guessing():
    with pytest.raises(CalendarRangeError, match="没有"):
        is_workday(D(2099, 3, 3))


def test_the_calendar_covers_whole_years_up_to_2026():
    assert covered_range() == (dt.date(2004, 1, 1), dt.date(2026, 12, 31))


def test_counting_past_the_calendars_end_says_none_instead_of_guessing():
    assert add_workdays_within(dt.date(2026, 12, 30), 1) == dt.date(2026, 12, 31)
    assert add_workdays_within(dt.date(2026, 12, 30), 2) is None
    assert add_workdays_within(dt.date(2024, 9, 12), 10**6) is None


def test_add_workdays_past_the_end_still_fails_loudly():
    with pytest.raises(CalendarRangeError, match="超出工作日历范围"):
        add_workdays(dt.date(2026, 12, 30), 2)


def test_a_chosen_date_outside_the_calendar_is_an_error_even_for_the_safe_count():
    with pytest.raises(CalendarRangeError, match="2027-01-05 超出工作日历范围"):
        add_workdays_within(dt.date(2027, 1, 5), 1)


# -- holidays by name (the progress page's captions and charts) --------------------------------

def test_every_holiday_the_calendar_knows_has_a_chinese_label():
    import chinese_calendar

    from paicha.vocab import Holiday

    assert {h.name for h in chinese_calendar.Holiday} == {h.value for h in Holiday}
    assert Holiday.mid_autumn_festival.label == "中秋节" and Holiday.national_day.label == "国庆节"


@pytest.mark.parametrize("day", [15, 16, 17])
def test_the_mid_autumn_rest_days_are_named(day):
    from paicha.calendar import holiday_of
    from paicha.vocab import Holiday

    assert holiday_of(D(2024, 9, day)) is Holiday.mid_autumn_festival


def test_the_working_saturday_makes_up_for_mid_autumn_and_a_plain_weekend_has_no_name():
    from paicha.calendar import holiday_of, makeup_workday_of
    from paicha.vocab import Holiday

    assert holiday_of(D(2024, 9, 14)) is None and makeup_workday_of(D(2024, 9, 14)) is Holiday.mid_autumn_festival
    assert makeup_workday_of(D(2024, 9, 29)) is Holiday.national_day  # a working Sunday before 国庆节
    assert holiday_of(D(2024, 9, 21)) is None and makeup_workday_of(D(2024, 9, 21)) is None
    assert makeup_workday_of(D(2024, 9, 13)) is None  # an ordinary Friday


def test_rest_runs_name_their_holiday():
    from paicha.calendar import rest_runs
    from paicha.vocab import Holiday

    runs = rest_runs(D(2024, 9, 13), D(2024, 10, 8))
    assert [(r.first, r.last, r.holiday) for r in runs] == [
        (D(2024, 9, 15), D(2024, 9, 17), Holiday.mid_autumn_festival),
        (D(2024, 9, 21), D(2024, 9, 22), None),
        (D(2024, 9, 28), D(2024, 9, 28), None),
        (D(2024, 10, 1), D(2024, 10, 7), Holiday.national_day),
    ]


def test_holiday_names_outside_the_calendar_fail_loudly():
    from paicha.calendar import holiday_of

    with pytest.raises(CalendarRangeError):
        holiday_of(D(2027, 10, 1))
