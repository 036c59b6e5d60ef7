"""Working-day arithmetic: official holidays, 调休 make-up days, overrides, gaps, provisional mode."""

import time
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core import workdays
from portal.core.workdays import CalendarGap, WorkCalendar, add_workdays, count_workdays, is_workday

CAL = WorkCalendar()

# A plausible 2027 arrangement entered by the administrator (not the official one, which is unpublished).
OVERRIDES_2027 = {
    date(2027, 1, 1): False,
    **{date(2027, 2, 5) + timedelta(days=i): False for i in range(7)},  # 02-05 .. 02-11
    date(2027, 2, 13): True,  # a Saturday worked in lieu
}
CAL_2027 = WorkCalendar(OVERRIDES_2027, covered_years={2027})


def naive_add(start: date, n: int) -> date:
    """Reference implementation: step one day at a time with the package."""
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


# -- known dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2025, 9, 26), date(2025, 10, 30)),  # National Day 2025: 10-01..10-08 off, 09-28 and 10-11 worked
        (date(2026, 9, 25), date(2026, 10, 29)),  # start on a workday before National Day 2026
        (date(2026, 2, 13), date(2026, 3, 19)),  # Spring Festival 2026: 02-15..02-23 off, 02-14 and 02-28 worked
        (date(2026, 1, 30), date(2026, 3, 5)),
        (date(2025, 10, 1), date(2025, 11, 4)),  # start on a holiday: counting still begins the next day
    ],
)
def test_twenty_working_days_after_known_receipts(start, due):
    assert add_workdays(start, 20) == due
    assert naive_add(start, 20) == due
    assert count_workdays(start, due) == 20


def test_find_workday_pitfall_is_avoided():
    # chinese_calendar.find_workday lands one day late when the start is a holiday (see STACK.md);
    # our count from the holiday 2026-10-01 must agree with the day-by-day reference.
    assert add_workdays(date(2026, 10, 1), 20) == naive_add(date(2026, 10, 1), 20)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 28), True),  # Sunday, 调休 make-up day
        (date(2025, 10, 11), True),  # Saturday, 调休 make-up day
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),  # Wednesday, holiday
        (date(2025, 10, 9), True),
        (date(2026, 2, 14), True),  # Saturday worked before Spring Festival 2026
        (date(2026, 2, 16), False),  # Monday in Spring Festival 2026
        (date(2026, 2, 23), False),
        (date(2026, 2, 28), True),  # Saturday worked after Spring Festival 2026
        (date(2026, 1, 4), True),  # Sunday worked after New Year 2026
        (date(2026, 3, 7), False),  # ordinary Saturday
    ],
)
def test_official_holidays_and_make_up_days(day, working):
    assert is_workday(day) is working
    assert CAL.is_workday(day) is working


def test_working_days_per_year_match_the_package():
    assert count_workdays(date(2024, 12, 31), date(2025, 12, 31)) == 248
    assert count_workdays(date(2025, 12, 31), date(2026, 12, 31)) == 248
    for year in range(2004, 2027):
        day = date(year, 1, 1)
        while day.year == year:
            assert CAL.is_workday(day) is chinese_calendar.is_workday(day), day
            day += timedelta(days=1)


# -- counting conventions ----------------------------------------------------------------------------


def test_start_is_never_counted():
    assert add_workdays(date(2025, 10, 9), 1) == date(2025, 10, 10)  # start a working day
    assert add_workdays(date(2025, 10, 4), 1) == date(2025, 10, 9)  # start a holiday
    assert add_workdays(date(2025, 9, 27), 1) == date(2025, 9, 28)  # start Saturday, next day a make-up Sunday


def test_zero_days_returns_start_even_outside_the_calendar():
    assert add_workdays(date(2025, 10, 1), 0) == date(2025, 10, 1)
    assert add_workdays(date(2027, 6, 1), 0) == date(2027, 6, 1)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="负数"):
        add_workdays(date(2025, 1, 2), -1)


def test_count_is_half_open():
    assert count_workdays(date(2025, 10, 30), date(2025, 10, 30)) == 0
    assert count_workdays(date(2025, 10, 30), date(2025, 10, 1)) == 0
    assert count_workdays(date(2025, 9, 30), date(2025, 10, 8)) == 0  # all holidays
    assert count_workdays(date(2025, 10, 8), date(2025, 10, 9)) == 1  # end counted
    assert count_workdays(date(2025, 10, 9), date(2025, 10, 10)) == 1  # start not counted
    assert count_workdays(date(2025, 12, 30), date(2026, 1, 5)) == 3  # 12-31, 01-04 (make-up Sunday), 01-05


# -- gaps, declared years and overrides -------------------------------------------------------------


def test_uncovered_year_raises_a_chinese_calendar_gap():
    with pytest.raises(CalendarGap, match="2027 年的节假日安排尚未录入") as caught:
        add_workdays(date(2026, 12, 15), 20)
    assert caught.value.year == 2027
    with pytest.raises(CalendarGap):
        is_workday(date(2027, 3, 1))
    with pytest.raises(CalendarGap):
        count_workdays(date(2026, 12, 30), date(2027, 1, 4))
    with pytest.raises(CalendarGap) as before:
        add_workdays(date(2003, 12, 1), 5)
    assert before.value.year == 2003


def test_last_covered_day_does_not_touch_the_next_year():
    assert count_workdays(date(2026, 12, 1), date(2026, 12, 31)) == 22
    assert add_workdays(date(2026, 12, 30), 1) == date(2026, 12, 31)


def test_covers():
    assert CAL.covers(2004) and CAL.covers(2026)
    assert not CAL.covers(2003) and not CAL.covers(2027)
    assert CAL_2027.covers(2027) and not CAL_2027.covers(2028)


def test_declared_year_with_administrator_holidays():
    assert CAL_2027.add_workdays(date(2026, 12, 25), 10) == date(2027, 1, 11)  # 2027-01-01 off
    assert CAL_2027.is_workday(date(2027, 2, 13)) is True  # make-up Saturday
    assert CAL_2027.is_workday(date(2027, 2, 8)) is False
    # 2027-02-01 +10: 02-02..02-04 (3), 02-12 (4), 02-13 (5), 02-15..02-19 (10)
    assert CAL_2027.add_workdays(date(2027, 2, 1), 10) == date(2027, 2, 19)
    # 261 weekdays in 2027, 6 of them declared holidays, one Saturday worked
    assert CAL_2027.count_workdays(date(2026, 12, 31), date(2027, 12, 31)) == 261 - 6 + 1
    with pytest.raises(CalendarGap, match="2028"):
        CAL_2027.add_workdays(date(2027, 12, 20), 20)


def test_overrides_win_over_the_package():
    base = add_workdays(date(2026, 11, 20), 5)
    assert base == date(2026, 11, 27)
    moved = WorkCalendar({date(2026, 11, 24): False})
    assert moved.is_workday(date(2026, 11, 24)) is False
    assert moved.add_workdays(date(2026, 11, 20), 5) == date(2026, 11, 30)
    assert moved.count_workdays(date(2026, 11, 20), date(2026, 11, 27)) == 4
    worked = WorkCalendar({date(2025, 10, 2): True})
    assert worked.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 2)
    assert CAL.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)  # the shared calendar is untouched


def test_weekends_only_mode_counts_through_gaps_and_says_so():
    lenient = WorkCalendar(weekends_only_for_gaps=True)
    assert lenient.add_workdays(date(2025, 9, 26), 20) == date(2025, 10, 30)
    assert lenient.gap_years_touched == set()
    # 12-16..12-31 give 12; Mon–Fri in 2027 less 01-01 (元旦, a statutory holiday whatever the notice says)
    assert lenient.add_workdays(date(2026, 12, 15), 20) == date(2027, 1, 13)
    assert lenient.gap_years_touched == {2027}
    assert lenient.is_workday(date(2028, 1, 3)) is True
    assert lenient.count_workdays(date(2028, 1, 7), date(2028, 1, 10)) == 1
    assert lenient.gap_years_touched == {2027, 2028}


def test_add_workdays_checked_reports_provisional_results():
    assert CAL.add_workdays_checked(date(2025, 9, 26), 20) == (date(2025, 10, 30), False)
    due, provisional = CAL.add_workdays_checked(date(2026, 12, 15), 20)
    assert (due, provisional) == (date(2027, 1, 13), True)
    assert due.weekday() < 5
    assert CAL_2027.add_workdays_checked(date(2026, 12, 15), 20) == (date(2027, 1, 13), False)


def test_detail_functions_are_strict_on_request():
    with pytest.raises(CalendarGap):
        CAL.add_workdays_detail(date(2026, 12, 15), 20, lenient=False)
    assert CAL.count_workdays_detail(date(2026, 12, 30), date(2027, 1, 4)) == (2, frozenset({2027}))
    assert CAL.is_workday_detail(date(2027, 1, 2)) == (False, frozenset({2027}))


def test_module_functions_use_the_shared_default_calendar():
    assert workdays.default_calendar().add_workdays(date(2025, 9, 26), 20) == add_workdays(date(2025, 9, 26), 20)


def test_sixty_days_take_microseconds_after_warm_up():
    start = date(2025, 9, 26)
    CAL.add_workdays(start, 60)
    rounds = 20_000
    began = time.perf_counter()
    for _ in range(rounds):
        CAL.add_workdays(start, 60)
    per_call = (time.perf_counter() - began) / rounds
    assert per_call < 50e-6, f"{per_call * 1e6:.1f} µs per call"


# -- properties --------------------------------------------------------------------------------------

starts = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 9, 30))
counts = st.integers(min_value=0, max_value=60)


@settings(max_examples=150, deadline=None)
@given(starts, st.integers(min_value=1, max_value=60))
def test_add_lands_on_a_working_day_and_counts_back(start, n):
    due = add_workdays(start, n)
    assert due > start
    assert is_workday(due)
    assert count_workdays(start, due) == n
    assert count_workdays(start, due - timedelta(days=1)) == n - 1


@settings(max_examples=150, deadline=None)
@given(starts, counts)
def test_add_is_strictly_monotonic_in_n(start, n):
    assert add_workdays(start, n) < add_workdays(start, n + 1)


@settings(max_examples=150, deadline=None)
@given(starts, st.integers(0, 30), st.integers(0, 30))
def test_add_composes(start, a, b):
    assert add_workdays(add_workdays(start, a), b) == add_workdays(start, a + b)


@settings(max_examples=150, deadline=None)
@given(starts, st.integers(0, 45), st.integers(0, 45))
def test_count_is_additive(start, a, b):
    middle = start + timedelta(days=a)
    end = middle + timedelta(days=b)
    assert count_workdays(start, end) == count_workdays(start, middle) + count_workdays(middle, end)


@settings(max_examples=100, deadline=None)
@given(starts, st.integers(0, 45))
def test_count_matches_a_day_by_day_reference(start, span):
    end = start + timedelta(days=span)
    expected = sum(chinese_calendar.is_workday(start + timedelta(days=i)) for i in range(1, span + 1))
    assert count_workdays(start, end) == expected


@settings(max_examples=100, deadline=None)
@given(starts, st.integers(0, 30))
def test_add_matches_a_day_by_day_reference(start, n):
    assert add_workdays(start, n) == naive_add(start, n)


# -- provisional calendar of a gap year: weekends plus the holiday law ------------------------------


def test_provisional_calendar_rests_on_every_statutory_holiday_of_a_gap_year():
    from portal.core.festivals import statutory_holidays

    lenient = WorkCalendar(weekends_only_for_gaps=True)
    for year in (2027, 2028, 2030):
        for day in statutory_holidays(year):
            assert lenient.is_workday(day) is False, day
    assert lenient.is_workday(date(2027, 2, 4)) is True  # the Thursday before New Year's Eve
    assert lenient.is_workday(date(2027, 2, 9)) is True  # the Tuesday after the 3rd of the 1st month
    # 2027-09-14 + 1: Mid-Autumn (Wed 09-15) is skipped
    assert lenient.add_workdays(date(2027, 9, 14), 1) == date(2027, 9, 16)
    # 2027-09-30 + 1: National Day 10-01 (Fri) off, then the weekend: the next working day is Monday 10-04
    assert lenient.add_workdays(date(2027, 9, 30), 1) == date(2027, 10, 4)
    # 261 weekdays in 2027; 10 of the 13 statutory days fall on a weekday
    weekday_holidays = sum(1 for day in statutory_holidays(2027) if day.weekday() < 5)
    assert lenient.count_workdays(date(2026, 12, 31), date(2027, 12, 31)) == 261 - weekday_holidays


def test_an_override_still_wins_over_the_holiday_law_in_a_gap_year():
    worked = WorkCalendar({date(2027, 10, 1): True}, weekends_only_for_gaps=True)
    assert worked.is_workday(date(2027, 10, 1)) is True
    assert worked.gap_years_touched == {2027}
    assert worked.add_workdays_checked(date(2027, 9, 30), 1) == (date(2027, 10, 1), True)


def test_a_year_the_administrator_entered_follows_the_entered_list_only():
    # CAL_2027 declares 2027 complete without listing National Day: its own list is authoritative
    # (which is why `portal calendar import` refuses a list that leaves out a statutory holiday).
    assert CAL_2027.is_workday(date(2027, 10, 1)) is True
    assert WorkCalendar(weekends_only_for_gaps=True).is_workday(date(2027, 10, 1)) is False


@settings(max_examples=200, deadline=None)
@given(start=st.dates(date(2026, 12, 1), date(2030, 12, 31)), n=st.integers(1, 60))
def test_a_provisional_due_date_never_falls_on_a_statutory_holiday(start, n):
    from portal.core.festivals import statutory_holidays

    due, provisional = CAL.add_workdays_checked(start, n)
    assert due.weekday() < 5
    if due.year >= 2027:
        assert provisional and due not in statutory_holidays(due.year)
