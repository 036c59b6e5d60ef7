"""Server-rendered SVG bar charts (no scripts, no CDN); each sits beside a table of its numbers."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, MARGIN = 640, 220, 28


@dataclass(frozen=True)
class Bar:
    """One drawn bar: position, size, colour class and its value."""

    x: float
    y: float
    width: float
    height: float
    css: str
    value: int


@dataclass(frozen=True)
class Chart:
    """A grouped bar chart ready for the template."""

    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]
    series: list[tuple[str, str]]


def grouped_bars(groups: list[str], series: list[tuple[str, str, list[int]]]) -> Chart:
    """Bars for each group (month), one per series (name, css class, values)."""
    peak = max([1, *(v for _, _, values in series for v in values)])
    plot_height = HEIGHT - 2 * MARGIN
    slot = (WIDTH - 2 * MARGIN) / max(1, len(groups))
    bar_width = slot * 0.8 / max(1, len(series))
    bars, labels = [], []
    for index, group in enumerate(groups):
        left = MARGIN + index * slot + slot * 0.1
        labels.append((left + slot * 0.4, group[-5:]))
        for offset, (_name, css, values) in enumerate(series):
            height = plot_height * values[index] / peak
            bars.append(Bar(left + offset * bar_width, HEIGHT - MARGIN - height, bar_width * 0.9,
                            height, css, values[index]))
    return Chart(WIDTH, HEIGHT, bars, labels, [(name, css) for name, css, _ in series])


@dataclass(frozen=True)
class HorizontalBar:
    """One labelled row of a horizontal bar chart."""

    y: float
    width: float
    label: str
    value: int


@dataclass(frozen=True)
class HorizontalChart:
    """A horizontal bar chart (one bar per category) ready for the template."""

    width: int
    height: int
    label_width: int
    bar_height: float
    bars: list[HorizontalBar]


def horizontal_bars(items: list[tuple[str, int]], label_width: int = 190) -> HorizontalChart:
    """One bar per (label, value), longest for the largest value, labels on the left."""
    row, bar_height = 28, 20
    peak = max([1, *(value for _, value in items)])
    room = WIDTH - label_width - 2 * MARGIN  # the right margin keeps the value readable
    bars = [HorizontalBar(MARGIN / 2 + index * row, room * value / peak, label, value)
            for index, (label, value) in enumerate(items)]
    return HorizontalChart(WIDTH, int(MARGIN + len(items) * row), label_width, bar_height, bars)
