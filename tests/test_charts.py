"""Server-drawn charts: the bars and the line say the figures the table beside them says."""
from __future__ import annotations

import re

from search.charts import YearPoint, rate_bar, year_chart, year_points
from search.engine import FacetValue


def test_year_points_run_oldest_first_with_rates_over_both_outcomes():
    values = [FacetValue("2017", 4, 4, rate_items=10, rate_overturned=4), FacetValue("2015", 5, 1)]
    assert year_points(values) == [YearPoint("2015", 5, 1), YearPoint("2017", 10, 4)]


def test_bar_heights_and_the_rate_line_follow_the_figures():
    svg = year_chart([YearPoint("2015", 20, 5), YearPoint("2016", 10, 10)], title="t")
    heights = [float(h) for h in re.findall(r'class="chart-bar"[^>]* height="([\d.]+)"', svg)]
    assert heights[0] == 2 * heights[1]  # 20 items against 10
    dots = [float(y) for y in re.findall(r'class="chart-rate-dot"[^>]* cy="([\d.]+)"', svg)]
    assert dots[1] < dots[0]  # 100% overturned sits above 25%
    assert ">20</text>" in svg and ">100%</text>" in svg and 'aria-hidden="true"' in svg


def test_a_chart_of_nothing_is_empty_and_titles_are_escaped():
    assert year_chart([], title="t") == ""
    assert "<script>" not in year_chart([YearPoint("2016", 1, 0)], title="<script>")


def test_a_rate_bar_is_as_long_as_its_rate():
    assert 'width="30.0"' in rate_bar(0.5) and 'width="60.0"' in rate_bar(3) and 'width="0.0"' in rate_bar(-1)
