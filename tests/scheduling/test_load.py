"""The load page's pure parts: the busiest 30%'s share and the bar chart's geometry."""

from __future__ import annotations

import pytest

from portal.scheduling.load import ChartLayout, bar_chart, busiest_count, busiest_share


@pytest.mark.parametrize(
    ("people", "expected"),
    [(0, 0), (1, 1), (2, 1), (3, 1), (4, 2), (10, 3), (11, 4), (20, 6), (70, 21)],
)
def test_busiest_count_rounds_up_to_at_least_one_person(people: int, expected: int) -> None:
    assert busiest_count(people) == expected


def test_busiest_share_of_nobody_is_zero() -> None:
    assert busiest_share([]) == 0.0


def test_busiest_share_when_nobody_interviewed_is_zero() -> None:
    assert busiest_share([0, 0, 0]) == 0.0


def test_busiest_share_of_one_person_is_everything() -> None:
    assert busiest_share([7]) == 1.0


def test_busiest_share_takes_the_top_three_of_ten() -> None:
    counts = [1, 9, 2, 0, 8, 3, 7, 1, 0, 0]  # the top three carry 9 + 8 + 7 of 31
    assert busiest_share(counts) == pytest.approx(24 / 31)


def test_busiest_share_with_ties_at_the_cut_counts_one_of_them() -> None:
    # 4 people: the top two; three people tie on 5, whichever is taken carries 5.
    assert busiest_share([5, 5, 5, 1]) == pytest.approx(10 / 16)


def test_busiest_share_when_everyone_ties_is_their_fraction() -> None:
    assert busiest_share([2] * 10) == pytest.approx(0.3)


def test_busiest_share_takes_another_fraction() -> None:
    assert busiest_share([6, 3, 1], fraction=0.5) == pytest.approx(9 / 10)


def test_bar_chart_scales_bars_to_the_largest() -> None:
    layout = ChartLayout(width=300, label_width=100, value_width=40, bar_height=20, gap=10)
    chart = bar_chart([("Li Na", 8), ("Sun Hao", 4), ("Zhang Wei", 0)], layout)
    assert [bar.width for bar in chart.bars] == [160, 80, 0]  # the track is 300 - 100 - 40
    assert [bar.y for bar in chart.bars] == [10, 40, 70]
    assert [bar.value_x for bar in chart.bars] == [264, 184, 104]
    assert (chart.width, chart.height, chart.bar_x, chart.maximum) == (300, 100, 100, 8)


def test_bar_chart_of_nobody_is_empty() -> None:
    chart = bar_chart([])
    assert (chart.bars, chart.maximum, chart.height) == ((), 0, ChartLayout().gap)


def test_bar_chart_when_nobody_interviewed_draws_no_width() -> None:
    chart = bar_chart([("Li Na", 0), ("Sun Hao", 0)])
    assert [(bar.width, bar.value) for bar in chart.bars] == [(0, 0), (0, 0)]


def test_bar_chart_cuts_long_names_but_keeps_them_whole() -> None:
    name = "A very long interviewer name indeed"
    bar = bar_chart([(name, 1)], ChartLayout(label_chars=10)).bars[0]
    assert (bar.label, bar.name) == ("A very lo…", name)
