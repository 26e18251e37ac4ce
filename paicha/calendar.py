"""Working days on the official Chinese calendar, holidays and adjusted workdays (调休) included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from paicha.text import t
from paicha.vocab import Holiday


class CalendarRangeError(ValueError):
    """A date outside the years the official calendar data covers.

    Falling back to Monday–Friday would silently miscount every 调休 Saturday, so we refuse.
    """


@lru_cache(maxsize=1)
def covered_range() -> tuple[dt.date, dt.date]:
    """The first and last day the official calendar data covers (2004-01-01 to 2026-12-31 with
    chinesecalendar 1.11): whole years, from its first to its last year of holidays.
    """
    years = [day.year for day in chinese_calendar.holidays]
    return dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)


def covers(day: dt.date) -> bool:
    first, last = covered_range()
    return first <= day <= last


def check_covered(day: dt.date) -> dt.date:
    """``day`` itself, or :class:`CalendarRangeError` when the calendar does not know its year."""
    if not covers(day):
        first, last = covered_range()
        raise CalendarRangeError(t("errors.calendar.out_of_range", day=day, first=first, last=last))
    return day


@lru_cache(maxsize=16384)
def is_workday(day: dt.date) -> bool:
    """True on official working days (e.g. Saturday 2024-09-14, made up for 中秋节)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarRangeError(t("errors.calendar.no_year", year=day.year, reason=exc)) from exc


@lru_cache(maxsize=65536)
def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end``, both included; 0 when ``end`` is before ``start``.

    Cached: every unit of a progress table asks for the same campaign days (a tenth of its build).
    """
    if end < start:
        return 0
    return sum(is_workday(start + dt.timedelta(days=i)) for i in range((end - start).days + 1))


def workdays_in(start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days from ``start`` to ``end`` inclusive, in order."""
    return [d for i in range((end - start).days + 1) if is_workday(d := start + dt.timedelta(days=i))]


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (n ≥ 1); ``day`` itself is never counted.

    Raises :class:`CalendarRangeError` when that day lies past the calendar's last covered
    day; :func:`add_workdays_within` says so with None instead.
    """
    found = add_workdays_within(day, n)
    if found is None:
        raise CalendarRangeError(t("errors.calendar.past_end", day=day, n=n, last=covered_range()[1]))
    return found


def add_workdays_within(day: dt.date, n: int) -> dt.date | None:
    """The n-th working day after ``day``, or None when the calendar ends before it.

    ``day`` itself must lie inside the calendar (:class:`CalendarRangeError` otherwise): only a
    date computed from it may run past the end, never one somebody chose.
    """
    if n < 1:
        raise ValueError(t("errors.calendar.n_positive"))
    last = covered_range()[1]
    current = check_covered(day)
    while n:
        if current >= last:
            return None
        current += dt.timedelta(days=1)
        n -= is_workday(current)
    return current


def last_workdays(day: dt.date, n: int) -> list[dt.date]:
    """The last n working days up to and including ``day``, oldest first."""
    found: list[dt.date] = []
    current = day
    while len(found) < n:
        if is_workday(current):
            found.append(current)
        current -= dt.timedelta(days=1)
    return found[::-1]


def latest_start(deadline: dt.date, workdays: int) -> dt.date:
    """The latest day a task can start and still get ``workdays`` working days by ``deadline``.

    With the 2024 calendar, 10 working days ending 2024-09-20 must start by 2024-09-06, because
    9-15..17 (中秋节) are holidays and Saturday 9-14 is a working day.
    """
    days = last_workdays(deadline, workdays)
    return days[0]


def _named(day: dt.date) -> tuple[bool, Holiday | None]:
    """(is a rest day, the holiday the library names for the day) for a covered day."""
    check_covered(day)
    rest, name = chinese_calendar.get_holiday_detail(day)
    return bool(rest), (Holiday(chinese_calendar.Holiday(name).name) if name else None)


def holiday_of(day: dt.date) -> Holiday | None:
    """The official holiday a rest day belongs to, None on working days and plain weekends.

    >>> holiday_of(dt.date(2024, 9, 16)).label
    '中秋节'
    >>> holiday_of(dt.date(2024, 9, 21)) is None  # an ordinary Saturday
    True
    """
    rest, holiday = _named(day)
    return holiday if rest else None


def makeup_workday_of(day: dt.date) -> Holiday | None:
    """The holiday a 调休 working day makes up for (Saturday 2024-09-14: 中秋节), else None.

    >>> makeup_workday_of(dt.date(2024, 9, 14)).label
    '中秋节'
    """
    rest, holiday = _named(day)
    return holiday if not rest and holiday is not None and day.weekday() >= 5 else None


@dataclass(frozen=True)
class RestRun:
    """Consecutive non-working days, with the holiday they belong to (None for a weekend)."""

    first: dt.date
    last: dt.date
    holiday: Holiday | None


def rest_runs(start: dt.date, end: dt.date) -> list[RestRun]:
    """The runs of rest days from ``start`` to ``end``, each named after its holiday if any.

    >>> [(r.first.day, r.last.day, r.holiday and r.holiday.label)
    ...  for r in rest_runs(dt.date(2024, 9, 12), dt.date(2024, 9, 22))]
    [(15, 17, '中秋节'), (21, 22, None)]
    """
    runs: list[RestRun] = []
    first: dt.date | None = None
    holiday: Holiday | None = None
    day = start
    while day <= end + dt.timedelta(days=1):
        if day <= end and not is_workday(day):
            first = first or day
            holiday = holiday or holiday_of(day)
        elif first is not None:
            runs.append(RestRun(first, day - dt.timedelta(days=1), holiday))
            first, holiday = None, None
        day += dt.timedelta(days=1)
    return runs


def workdays_after(day: dt.date, until: dt.date) -> int:
    """Working days strictly after ``day`` up to and including ``until`` (0 when none are left).

    >>> workdays_after(dt.date(2024, 9, 12), dt.date(2024, 9, 20))  # 9-13, 9-14, 9-18, 9-19, 9-20
    5
    """
    return workdays_between(day + dt.timedelta(days=1), until)
