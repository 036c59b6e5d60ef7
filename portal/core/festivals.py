"""The statutory public holidays of a year, computed from the holiday law alone.

《全国年节及纪念日放假办法》 as revised in 2024 (in force 2025-01-01) gives everyone these days off:

======  =============================================================  ====
元旦    January 1                                                       1
春节    lunar New Year's Eve through the 3rd day of the 1st lunar month  4
清明    the day of the Qingming solar term                              1
劳动节  May 1–2                                                         2
端午    the 5th day of the 5th lunar month                              1
中秋    the 15th day of the 8th lunar month                             1
国庆    October 1–3                                                     3
======  =============================================================  ====

The lunar dates come from ``lunardate`` (its tables cover 1900–2099), the solar term from
``chinese_calendar.get_solar_terms``. The yearly State Council notice adds bridging days and
make-up working days (调休); those cannot be computed and are not here. Pure functions, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from lunardate import LunarDate

__all__ = ["FIRST_YEAR", "LAST_YEAR", "Festival", "festivals", "statutory_holidays", "supported"]

FIRST_YEAR, LAST_YEAR = 1901, 2099  # lunar New Year's Eve of 1900 lies in 1899, before lunardate's table


@dataclass(frozen=True)
class Festival:
    """One statutory holiday and the dates it gives off, in order."""

    name: str
    days: tuple[date, ...]


def supported(year: int) -> bool:
    """Whether the festival dates of ``year`` can be computed."""
    return FIRST_YEAR <= year <= LAST_YEAR


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> date:
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    for day, name in terms:
        if name == "清明":
            return day
    raise ValueError(f"{year} 年的清明节气无法计算")


@cache
def festivals(year: int) -> tuple[Festival, ...]:
    """The seven statutory holidays of ``year`` in calendar order; ``ValueError`` outside 1901–2099."""
    if not supported(year):
        raise ValueError(f"只能计算 {FIRST_YEAR}–{LAST_YEAR} 年的法定节假日，{year} 年不在其中")
    new_year = _lunar(year, 1, 1)
    return (
        Festival("元旦", (date(year, 1, 1),)),
        Festival("春节", tuple(new_year + timedelta(days=offset) for offset in range(-1, 3))),
        Festival("清明", (_qingming(year),)),
        Festival("劳动节", (date(year, 5, 1), date(year, 5, 2))),
        Festival("端午", (_lunar(year, 5, 5),)),
        Festival("中秋", (_lunar(year, 8, 15),)),
        Festival("国庆", (date(year, 10, 1), date(year, 10, 2), date(year, 10, 3))),
    )


def statutory_holidays(year: int) -> dict[date, str]:
    """Every statutory holiday date of ``year`` with the festival's name (13 dates, fewer on overlaps)."""
    holidays: dict[date, str] = {}
    for festival in festivals(year):
        for day in festival.days:
            holidays.setdefault(day, festival.name)
    return holidays
