"""Working-day arithmetic on the official Chinese calendar (法定节假日 and 调休 make-up days).

Statutory periods (《政府信息公开条例》 Arts. 30–33) are counted in working days from the day
*after* an event: the event day itself is never counted. :class:`WorkCalendar` answers three
questions — is a day a working day, which day is the n-th working day after a start day, and how
many working days lie in ``(start, end]`` — from three sources, strongest first:

1. the administrator's override table (``date -> True`` working day / ``False`` holiday);
2. the ``chinese-calendar`` package (official holidays and make-up days, 2004–2026 in 1.11);
3. plain Monday–Friday for the years the administrator has declared complete (``covered_years``).

A year covered by none of them raises :class:`CalendarGap` instead of guessing. A *provisional*
result is available on request (:meth:`WorkCalendar.add_workdays_checked`, or
``weekends_only_for_gaps=True``) and always says which years it guessed: it counts Monday–Friday
through the gap, less the statutory holidays of the holiday law (:mod:`portal.core.festivals`),
so a provisional due date never lands on 元旦, 春节, 清明, 劳动节, 端午, 中秋 or 国庆.

Each year's working days are computed once (one ``chinese_calendar.is_workday`` call per day)
and kept as a sorted tuple of ordinals, so every question afterwards is a couple of bisections.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import chinese_calendar

from portal.core.festivals import statutory_holidays, supported

__all__ = [
    "CalendarGap",
    "WorkCalendar",
    "add_workdays",
    "count_workdays",
    "default_calendar",
    "is_workday",
    "package_covers",
]

_ONE_DAY = timedelta(days=1)


class CalendarGap(Exception):
    """A computation needs a year for which no holiday arrangement (节假日安排) is known."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的节假日安排尚未录入")
        self.year = year


@cache
def package_covers(year: int) -> bool:
    """Whether the installed ``chinese-calendar`` package has the official arrangement for ``year``."""
    if not date.min.year <= year <= date.max.year:
        return False
    try:
        chinese_calendar.is_workday(date(year, 7, 1))
    except NotImplementedError:
        return False
    return True


class _YearDays:
    """One year's working days: sorted ordinals for bisection and a set for membership."""

    __slots__ = ("members", "ordinals")

    def __init__(self, ordinals: tuple[int, ...]) -> None:
        self.ordinals = ordinals
        self.members = frozenset(ordinals)


@lru_cache(maxsize=256)
def _year_days(year: int, overrides: frozenset[tuple[date, bool]], covered: bool) -> _YearDays:
    """The working days of ``year`` given its overrides and whether it is covered, built once per
    process for each such combination (every calendar made from the same data shares it)."""
    changed = dict(overrides)
    use_package = package_covers(year)
    # A gap year: the holiday law's own days are off even before the year's notice is entered.
    law = statutory_holidays(year) if not covered and supported(year) else {}
    ordinals = []
    day = date(year, 1, 1)
    while day.year == year:
        working = changed.get(day)
        if working is None:
            working = chinese_calendar.is_workday(day) if use_package else day.weekday() < 5 and day not in law
        if working:
            ordinals.append(day.toordinal())
        if day == date.max:
            break
        day += _ONE_DAY
    return _YearDays(tuple(ordinals))


class WorkCalendar:
    """The working-day calendar: package data, administrator overrides and declared years.

    ``overrides`` maps a date to ``True`` (working day) or ``False`` (holiday) and wins over the
    package. ``covered_years`` lists years whose complete holiday list the administrator has
    entered as overrides, so that weekends plus overrides are authoritative for them.
    With ``weekends_only_for_gaps=True`` a year covered by neither source counts Monday–Friday
    less the statutory holidays (overrides still win) instead of raising :class:`CalendarGap`;
    each such year used is added to :attr:`gap_years_touched` so the caller can mark its result
    provisional.

    The calendar is immutable after construction (its inputs are copied), so one instance can be
    shared and its per-year cache reused freely.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        covered_years: Iterable[int] = (),
        *,
        weekends_only_for_gaps: bool = False,
    ) -> None:
        by_year: dict[int, dict[date, bool]] = {}
        for key, working in (overrides or {}).items():
            day = key.date() if isinstance(key, datetime) else key
            by_year.setdefault(day.year, {})[day] = bool(working)
        self._overrides = by_year
        self._covered_years = frozenset(int(y) for y in covered_years)
        self.weekends_only_for_gaps = weekends_only_for_gaps
        self.gap_years_touched: set[int] = set()
        self._cache: dict[int, _YearDays] = {}

    # -- coverage -------------------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """Whether ``year`` has an authoritative calendar (package data or declared by the administrator)."""
        return year in self._covered_years or package_covers(year)

    def _year(self, year: int, lenient: bool, gaps: set[int]) -> _YearDays:
        """The working days of ``year``; raises :class:`CalendarGap` unless covered or ``lenient``."""
        if not self.covers(year):
            if not lenient:
                raise CalendarGap(year)
            gaps.add(year)
        days = self._cache.get(year)
        if days is None:
            days = self._cache[year] = self._build_year(year)
        return days

    def _build_year(self, year: int) -> _YearDays:
        overrides = self._overrides.get(year, {})
        return _year_days(year, frozenset(overrides.items()), self.covers(year))

    # -- detailed primitives (return the gap years they had to guess) ---------------------------

    def is_workday_detail(self, day: date, *, lenient: bool = True) -> tuple[bool, frozenset[int]]:
        """``(is working day, gap years guessed)``; strict (may raise) when ``lenient`` is false."""
        gaps: set[int] = set()
        working = day.toordinal() in self._year(day.year, lenient, gaps).members
        return working, frozenset(gaps)

    def add_workdays_detail(self, start: date, n: int, *, lenient: bool = True) -> tuple[date, frozenset[int]]:
        """``(n-th working day after start, gap years guessed)``; strict when ``lenient`` is false.

        ``start`` itself is never counted, whether or not it is a working day; ``n == 0`` returns
        ``start`` unchanged without consulting the calendar.
        """
        if n < 0:
            raise ValueError(f"工作日数不能为负数：{n}")
        gaps: set[int] = set()
        if n == 0:
            return start, frozenset()
        after = start.toordinal()
        year = (start + _ONE_DAY).year
        remaining = n
        while True:
            ordinals = self._year(year, lenient, gaps).ordinals
            first = bisect_right(ordinals, after)
            available = len(ordinals) - first
            if remaining <= available:
                return date.fromordinal(ordinals[first + remaining - 1]), frozenset(gaps)
            remaining -= available
            year += 1
            if year > date.max.year:
                raise OverflowError("日期超出可计算范围")

    def count_workdays_detail(self, start: date, end: date, *, lenient: bool = True) -> tuple[int, frozenset[int]]:
        """``(working days d with start < d <= end, gap years guessed)``; strict when ``lenient`` is false."""
        gaps: set[int] = set()
        low, high = start.toordinal(), end.toordinal()
        if high <= low:
            return 0, frozenset()
        total = 0
        for year in range((start + _ONE_DAY).year, end.year + 1):
            ordinals = self._year(year, lenient, gaps).ordinals
            total += bisect_right(ordinals, high) - bisect_right(ordinals, low)
        return total, frozenset(gaps)

    def _record(self, gaps: frozenset[int]) -> None:
        if gaps:
            self.gap_years_touched.update(gaps)

    # -- public API -----------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (调休 make-up days included, overrides first).

        Raises :class:`CalendarGap` for an uncovered year unless the calendar was built with
        ``weekends_only_for_gaps=True``.
        """
        working, gaps = self.is_workday_detail(day, lenient=self.weekends_only_for_gaps)
        self._record(gaps)
        return working

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` never counted); ``n == 0`` returns ``start``.

        Raises :class:`CalendarGap` when the count runs into an uncovered year (unless
        ``weekends_only_for_gaps``) and ``ValueError`` for a negative ``n``.
        """
        result, gaps = self.add_workdays_detail(start, n, lenient=self.weekends_only_for_gaps)
        self._record(gaps)
        return result

    def count_workdays(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
        result, gaps = self.count_workdays_detail(start, end, lenient=self.weekends_only_for_gaps)
        self._record(gaps)
        return result

    def add_workdays_checked(self, start: date, n: int) -> tuple[date, bool]:
        """``(add_workdays(start, n), provisional)`` without ever raising :class:`CalendarGap`.

        The strict answer when every year involved is covered (``provisional`` false); otherwise
        the answer counted Monday–Friday less statutory holidays (overrides first) through the
        uncovered years, with
        ``provisional`` true. The guessed years are recorded in :attr:`gap_years_touched`.
        """
        result, gaps = self.add_workdays_detail(start, n, lenient=True)
        self._record(gaps)
        return result, bool(gaps)


_DEFAULT = WorkCalendar()


def default_calendar() -> WorkCalendar:
    """The shared strict calendar (package data only, no overrides) behind the module functions."""
    return _DEFAULT


def is_workday(day: date) -> bool:
    """:meth:`WorkCalendar.is_workday` on the default calendar."""
    return _DEFAULT.is_workday(day)


def add_workdays(start: date, n: int) -> date:
    """:meth:`WorkCalendar.add_workdays` on the default calendar."""
    return _DEFAULT.add_workdays(start, n)


def count_workdays(start: date, end: date) -> int:
    """:meth:`WorkCalendar.count_workdays` on the default calendar."""
    return _DEFAULT.count_workdays(start, end)
