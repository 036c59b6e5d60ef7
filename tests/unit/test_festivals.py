"""Statutory holidays computed from the holiday law: known dates, and the official calendar's own years."""

from datetime import date

import chinese_calendar
import pytest

from portal.core.festivals import festivals, statutory_holidays, supported

# Published dates (lunar New Year, Qingming, Dragon Boat, Mid-Autumn) for 2024–2027.
KNOWN = {
    2024: {"春节": (date(2024, 2, 9), date(2024, 2, 10), date(2024, 2, 11), date(2024, 2, 12)),
           "清明": (date(2024, 4, 4),), "端午": (date(2024, 6, 10),), "中秋": (date(2024, 9, 17),)},
    2025: {"春节": (date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30), date(2025, 1, 31)),
           "清明": (date(2025, 4, 4),), "端午": (date(2025, 5, 31),), "中秋": (date(2025, 10, 6),)},
    2026: {"春节": (date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19)),
           "清明": (date(2026, 4, 5),), "端午": (date(2026, 6, 19),), "中秋": (date(2026, 9, 25),)},
    2027: {"春节": (date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)),
           "清明": (date(2027, 4, 5),), "端午": (date(2027, 6, 9),), "中秋": (date(2027, 9, 15),)},
}


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_known_festival_dates(year):
    found = {festival.name: festival.days for festival in festivals(year)}
    assert list(found) == ["元旦", "春节", "清明", "劳动节", "端午", "中秋", "国庆"]
    assert found["元旦"] == (date(year, 1, 1),)
    assert found["劳动节"] == (date(year, 5, 1), date(year, 5, 2))
    assert found["国庆"] == (date(year, 10, 1), date(year, 10, 2), date(year, 10, 3))
    for name, days in KNOWN[year].items():
        assert found[name] == days, name


def test_thirteen_days_off_a_year_unless_two_festivals_share_a_day():
    assert len(statutory_holidays(2027)) == 13
    assert statutory_holidays(2027)[date(2027, 2, 5)] == "春节"  # New Year's Eve (除夕)
    # 2020: Mid-Autumn fell on National Day; the date is off once.
    assert len(statutory_holidays(2020)) == 12 and statutory_holidays(2020)[date(2020, 10, 1)] == "中秋"


NAMES = {"元旦": "New Year's Day", "春节": "Spring Festival", "清明": "Tomb-sweeping Day", "劳动节": "Labour Day",
         "端午": "Dragon Boat Festival", "中秋": "Mid-autumn Festival", "国庆": "National Day"}


@pytest.mark.parametrize("year", range(2008, 2027))
def test_every_main_festival_day_is_a_holiday_in_the_official_calendar(year):
    """2008–2026 (the years the package knows since Qingming, Dragon Boat and Mid-Autumn became holidays)."""
    for festival in festivals(year):
        # Before the 2025 revision New Year's Eve and May 2 were not statutory: check the main day.
        main = festival.days[1] if festival.name == "春节" else festival.days[0]
        holiday, name = chinese_calendar.get_holiday_detail(main)
        assert holiday, (year, festival.name, main)
        if name is None:  # a festival on a weekend is off without being named (2012's Dragon Boat)
            assert main.weekday() >= 5, (year, festival.name, main)
        else:
            assert name in (NAMES[festival.name], "National Day", "Mid-autumn Festival"), (year, festival.name)


@pytest.mark.parametrize("year", [2025, 2026])
def test_under_the_2025_law_every_statutory_day_is_off_in_the_official_calendar(year):
    for day, name in statutory_holidays(year).items():
        assert chinese_calendar.is_holiday(day), (day, name)


def test_lunar_new_year_always_falls_between_january_21_and_february_20():
    for year in range(1901, 2100):
        new_year = festivals(year)[1].days[1]
        assert date(year, 1, 21) <= new_year <= date(year, 2, 20), year
        assert festivals(year)[2].days[0] in (date(year, 4, 4), date(year, 4, 5), date(year, 4, 6))


def test_years_the_lunar_tables_do_not_cover_are_refused():
    assert supported(2099) and not supported(2100) and not supported(1900)
    with pytest.raises(ValueError, match="2100"):
        festivals(2100)
