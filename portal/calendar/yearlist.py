"""A year's holiday list as an administrator types it: parsing, and the checks that refuse it.

A list is one line per date, ``YYYY-MM-DD holiday|workday`` (or 节假日/休, 上班/班); ``#`` starts a
comment. :func:`check_year` refuses a list that could not be the State Council's notice for that
year: a date in another year, a make-up working day (调休上班) on a weekday, or a list that leaves
out one of the statutory holidays of the holiday law (:mod:`portal.core.festivals`). Contradictory
lines for one date are refused while parsing. Messages are for the administrator (Chinese).
"""

from __future__ import annotations

from datetime import date

from portal.core.festivals import LAST_YEAR, festivals, supported

_HOLIDAY = ("holiday", "节假日", "休")
_WORKDAY = ("workday", "上班", "班")
_WEEKDAYS = "一二三四五六日"


def parse_year_list(text: str) -> tuple[list[date], list[date]]:
    """Parse the lines into (holidays, make-up working days), each sorted and without repeats.

    Raises ``ValueError`` naming the line for a bad date or kind, and for a date given both as a
    holiday and as a working day.
    """
    kinds: dict[date, tuple[bool, int]] = {}  # date -> (is working day, first line that said so)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        try:
            day = date.fromisoformat(parts[0])
        except ValueError:
            raise ValueError(f"第 {number} 行：日期格式应为 YYYY-MM-DD") from None
        kind = parts[1] if len(parts) > 1 else ""
        if kind in _HOLIDAY:
            working = False
        elif kind in _WORKDAY:
            working = True
        else:
            raise ValueError(f"第 {number} 行：请注明 holiday（节假日）或 workday（调休上班）")
        earlier = kinds.setdefault(day, (working, number))
        if earlier[0] != working:
            raise ValueError(f"第 {number} 行与第 {earlier[1]} 行矛盾：{day.isoformat()} "
                             "不能既是节假日又是调休上班日")
    holidays = sorted(day for day, (working, _line) in kinds.items() if not working)
    workdays = sorted(day for day, (working, _line) in kinds.items() if working)
    return holidays, workdays


def check_year(year: int, holidays: list[date], workdays: list[date]) -> None:
    """Refuse (``ValueError``) a list that cannot be ``year``'s official arrangement."""
    for day in [*holidays, *workdays]:
        if day.year != year:
            raise ValueError(f"{day.isoformat()} 不在 {year} 年")
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise ValueError(f"{both[0].isoformat()} 不能既是节假日又是调休上班日")
    for day in workdays:
        if day.weekday() < 5:
            raise ValueError(f"{day.isoformat()} 是星期{_WEEKDAYS[day.weekday()]}，本来就是工作日；"
                             "调休上班日只能是周六或周日")
    if not supported(year):
        raise ValueError(f"无法核对 {year} 年的法定节假日（只能计算到 {LAST_YEAR} 年），不能录入")
    listed = set(holidays)
    missing = []
    for festival in festivals(year):
        absent = [day for day in festival.days if day not in listed]
        if absent:
            missing.append(f"{festival.name}（{'、'.join(day.isoformat() for day in absent)}）")
    if missing:
        raise ValueError(f"{year} 年的安排缺少《全国年节及纪念日放假办法》规定的法定节假日："
                         f"{'；'.join(missing)}。请对照国务院办公厅的放假通知补全后再录入")
