"""Interviewer load: how much of it the busiest carry, and the bar chart's geometry.

Pure: the load page's counts come in, numbers and shapes the template draws come out. The
chart is plain data so the page can draw it as inline SVG (no script, CSP stays strict).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

BUSIEST_FRACTION = 0.3


def busiest_count(people: int, fraction: float = BUSIEST_FRACTION) -> int:
    """How many people "the busiest `fraction`" is: rounded up, at least one (none of none)."""
    if people <= 0:
        return 0
    # round() first: 0.3 * 10 must be 3, not a float a hair above it that ceil makes 4.
    return min(people, max(1, math.ceil(round(people * fraction, 9))))


def busiest_share(counts: Sequence[int], fraction: float = BUSIEST_FRACTION) -> float:
    """The share (0 to 1) of all interviews carried by the busiest `fraction` of people.

    0 when nobody has any. Ties at the cut do not matter: any of the tied people carries the
    same number, so the share is the same whichever is taken.
    """
    total = sum(counts)
    if total <= 0:
        return 0.0
    top = sorted(counts, reverse=True)[: busiest_count(len(counts), fraction)]
    return sum(top) / total


@dataclass(frozen=True, slots=True)
class Bar:
    """One horizontal bar: a person's name (whole, and cut to fit) and count, and where to
    draw them."""

    name: str
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart: bars start at `bar_x`; the whole is `width` × `height`."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_x: int
    bar_height: int
    maximum: int


@dataclass(frozen=True, slots=True)
class ChartLayout:
    width: int = 360  # fits a 390 px phone; the SVG scales down with its viewBox
    label_width: int = 110
    value_width: int = 36
    bar_height: int = 18
    gap: int = 8
    label_chars: int = 14  # longer names are cut with an ellipsis (the <title> has them whole)


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows: Sequence[tuple[str, int]], layout: ChartLayout | None = None) -> BarChart:
    """Bars for `(label, value)` rows in the given order, scaled so the largest fills the
    track; a zero is a bar of no width (its count still shows)."""
    shape = layout or ChartLayout()
    track = shape.width - shape.label_width - shape.value_width
    maximum = max((value for _, value in rows), default=0)
    step = shape.bar_height + shape.gap
    bars = []
    for index, (label, value) in enumerate(rows):
        width = round(track * value / maximum) if maximum else 0
        y = shape.gap + index * step
        bars.append(
            Bar(
                name=label,
                label=_short(label, shape.label_chars),
                value=value,
                y=y,
                width=width,
                text_y=y + shape.bar_height - 5,
                value_x=shape.label_width + width + 4,
            )
        )
    return BarChart(
        bars=tuple(bars),
        width=shape.width,
        height=shape.gap + len(bars) * step,
        bar_x=shape.label_width,
        bar_height=shape.bar_height,
        maximum=maximum,
    )
