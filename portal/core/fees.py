"""信息处理费 under Art. 42 and 国办函〔2020〕109号: charged only for excessive use.

Per applicant per calendar month, one method per application. Both scales are marginal: each
band's price applies to the part that falls in it. Pure Python, amounts in whole yuan.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeeLine:
    """One band of a computed fee: which items or pages, the unit price, the subtotal."""

    first: int
    last: int
    unit_yuan: int

    @property
    def count(self) -> int:
        """How many items or pages fall in this band."""
        return self.last - self.first + 1

    @property
    def subtotal(self) -> int:
        """The band's amount in yuan."""
        return self.count * self.unit_yuan


def _bands_by_count(upto: int) -> list[tuple[int, int, int]]:
    bands = [(1, 10, 0), (11, 30, 100)]
    first, price = 31, 200
    while first <= upto:
        bands.append((first, first + 9, price))
        first, price = first + 10, price + 100
    return bands


_VOLUME_BANDS = [(1, 30, 0), (31, 100, 10), (101, 200, 20)]


def _charge(bands: list[tuple[int, int, int]], start: int, end: int) -> list[FeeLine]:
    lines = []
    for first, last, price in bands:
        low, high = max(first, start), min(last, end)
        if low <= high and price:
            lines.append(FeeLine(low, high, price))
    return lines


def fee_by_count(previous_this_month: int, new_items: int = 1) -> list[FeeLine]:
    """按件: the charge for ``new_items`` applications when the applicant already filed
    ``previous_this_month`` this calendar month (≤10 free; 11–30 100 元 each; then each band
    of 10 costs 100 元 more per item)."""
    if previous_this_month < 0 or new_items < 0:
        raise ValueError("件数不能为负数")
    start, end = previous_this_month + 1, previous_this_month + new_items
    return _charge(_bands_by_count(end), start, end)


def fee_by_volume(pages: int) -> list[FeeLine]:
    """按量: the charge for ``pages`` pages in one application (≤30 free; 31–100 10 元/页;
    101–200 20 元/页; from 201 40 元/页)."""
    if pages < 0:
        raise ValueError("页数不能为负数")
    return _charge([*_VOLUME_BANDS, (201, max(pages, 201), 40)], 1, pages)


def total(lines: list[FeeLine]) -> int:
    """The amount of a computed fee in yuan."""
    return sum(line.subtotal for line in lines)


def describe(lines: list[FeeLine], unit: str) -> str:
    """The calculation in Chinese, e.g. "第31—100页 70页 × 10元 = 700元"."""
    if not lines:
        return "未超出免费范围，不收费。"
    parts = [f"第{line.first}—{line.last}{unit} {line.count}{unit} × {line.unit_yuan}元 = {line.subtotal}元"
             for line in lines]
    return "；".join(parts) + f"；合计 {total(lines)} 元。"
