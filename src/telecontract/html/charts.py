"""Static SVG charts for the HTML reports, drawn by pygal and inlined (no script or style to fetch)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pygal
from markupsafe import Markup
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="#fbfbfd",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#ccc",
    colors=("#2f6fb0", "#d9822b", "#c23030", "#2d8a4e", "#7a4fb5"),
    font_family="system-ui, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    title_font_size=13,
    legend_font_size=11,
    opacity="1",  # solid colours: the browser test finds the plots by their pixels
    opacity_hover="1",
)
SERIES_COLOURS = STYLE.colors
COMMON = {
    "style": STYLE,
    "js": [],  # pygal's tooltips load a script from a CDN: the report must open offline
    "disable_xml_declaration": True,
    "explicit_size": True,
    "show_dots": False,
    "truncate_legend": -1,
    "truncate_label": -1,
}


def histogram(values_ms: Sequence[float], *, title: str, bins: int = 12) -> Markup:
    """How the latencies of one operation spread: counts per latency band."""
    chart = pygal.Histogram(
        width=420,
        height=200,
        show_legend=False,
        title=title,
        x_title="ms",
        x_value_formatter=lambda value: f"{value:.3g}",
        x_label_rotation=30,
        **COMMON,
    )
    chart.add("responses", _bars(values_ms, bins))
    return Markup(chart.render(is_unicode=True))


def over_time(
    series: dict[str, Sequence[tuple[float, float | None]]], *, title: str, y_title: str, width: int = 900
) -> Markup:
    """Lines over the run's seconds: `series` maps a label to (seconds since start, value) points."""
    chart = pygal.XY(
        width=width,
        height=280,
        title=title,
        x_title="seconds since start",
        y_title=y_title,
        legend_at_bottom=True,
        stroke_style={"width": 2},
        **COMMON,
    )
    for label, points in series.items():
        chart.add(label, [(x, y) for x, y in points])
    return Markup(chart.render(is_unicode=True))


def _bars(values: Sequence[float], bins: int) -> list[tuple[int, float, float]]:
    """(count, start, end) per band, pygal's histogram format; equal bands from the least to the most."""
    if not values:
        return []
    low, high = min(values), max(values)
    if math.isclose(low, high):
        return [(len(values), low, high + 1)]
    width = (high - low) / bins
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int((value - low) / width))] += 1
    return [(count, low + i * width, low + (i + 1) * width) for i, count in enumerate(counts) if count]
