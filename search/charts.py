"""Charts drawn on the server as SVG: no script, no CDN, the same in print as on screen.

Each chart is a picture for the eye; the page puts the same figures in a table beside it for a
screen reader (the SVG is ``aria-hidden``). Sizes are attributes, not styles: the site's
Content-Security-Policy allows no inline style. Colours come from classes in site.css and print.css.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class YearPoint:
    year: str
    items: int
    overturned: int

    @property
    def rate(self) -> float:
        return self.overturned / self.items if self.items else 0.0


def year_points(values) -> list[YearPoint]:
    """The decision-year facet's values (engine FacetValue) as points, oldest year first."""
    points = [YearPoint(v.value, v.items_either_outcome, v.overturned_either_outcome) for v in values if v.value.isdigit()]
    return sorted(points, key=lambda point: point.year)


_WIDTH, _HEIGHT = 640, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 52, 14, 30


def _nice_ceiling(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least ``value``."""
    step = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            if step * factor >= value and float(step * factor).is_integer():
                return int(step * factor)
        step *= 10


def year_chart(points: list[YearPoint], *, title: str) -> SafeString:
    """Items per decision year as bars (left axis) and the share overturned as a line (right axis)."""
    if not points:
        return mark_safe("")
    top = _nice_ceiling(max(point.items for point in points))
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    slot = plot_w / len(points)
    bar = max(4.0, min(48.0, slot * 0.6))
    parts = [(f'<svg class="chart year-chart" viewBox="0 0 {_WIDTH} {_HEIGHT}" width="100%" '
             f'preserveAspectRatio="xMidYMid meet" aria-hidden="true" focusable="false">'
             f'<title>{escape(title)}</title>')]
    for fraction in (0, 0.5, 1):
        y = _TOP + plot_h * (1 - fraction)
        parts.append(f'<line class="chart-grid" x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-axis" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{top * fraction:,.{0 if float(top * fraction).is_integer() else 1}f}</text>")
        parts.append(f'<text class="chart-axis chart-rate-axis" x="{_WIDTH - _RIGHT + 6}" y="{y + 4:.1f}">'
                     f'{int(fraction * 100)}%</text>')
    line = []
    label_every = max(1, round(len(points) / 12))
    for index, point in enumerate(points):
        centre = _LEFT + slot * (index + 0.5)
        height = plot_h * point.items / top
        parts.append(f'<rect class="chart-bar" x="{centre - bar / 2:.1f}" y="{_TOP + plot_h - height:.1f}" '
                     f'width="{bar:.1f}" height="{height:.1f}"/>')
        if index % label_every == 0 or index == len(points) - 1:
            parts.append(f'<text class="chart-axis" x="{centre:.1f}" y="{_HEIGHT - 10}" text-anchor="middle">'
                         f'{escape(point.year)}</text>')
        if point.items:
            line.append((centre, _TOP + plot_h * (1 - point.rate)))
    if len(line) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        parts.append(f'<polyline class="chart-rate" points="{path}"/>')
    parts += [f'<circle class="chart-rate-dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>' for x, y in line]
    parts.append("</svg>")
    return mark_safe("".join(parts))


def rate_bar(rate: float) -> SafeString:
    """A small bar for an overturn rate (0 to 1), beside the figure that says it."""
    width = max(0.0, min(1.0, rate)) * 60
    return mark_safe(f'<svg class="rate-bar" viewBox="0 0 60 8" width="60" height="8" aria-hidden="true" '
                     f'focusable="false"><rect class="rate-bar-track" width="60" height="8"/>'
                     f'<rect class="rate-bar-fill" width="{width:.1f}" height="8"/></svg>')
