"""Static SVG charts for the HTML reports, drawn by pygal and inlined (no script or style to fetch).

Sized to be read where the pages put them (two to a row of a 1200 px page, `.charts` in
base.html.j2): a plot area of some 200 px, a handful of axis labels, titles that break between
words or before a `/` of a path, never inside a name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import pygal
from markupsafe import Markup
from pygal.style import Style
from pygal.util import reverse_text_len

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
    # pygal gives every line `stroke-width: 1` itself, over its series' own width: take the series'.
    stroke_width="inherit",
)
SERIES_COLOURS = STYLE.colors
WIDTH, HEIGHT = 560, 300  # drawn at this size, shown at the grid cell's width (about the same)
COMMON = {
    "style": STYLE,
    "js": [],  # pygal's tooltips load a script from a CDN: the report must open offline
    "disable_xml_declaration": True,
    "explicit_size": True,
    "truncate_legend": -1,
    "truncate_label": -1,
    "max_scale": 6,  # at most a handful of labels on the value axis: they never overlap
}
MOST_BANDS = 12
EDGE = 1e-9  # a value on a band's edge belongs to the band it starts (floating point aside)


def histogram(values_ms: Sequence[float], *, title: str) -> Markup:
    """How the latencies of one operation spread: answers per latency band, the slow tail in one band.

    Equal bands from the fastest answer to the slow tail's edge, so a single slow answer does not
    squeeze every other into the first band; the answers beyond share a last band, `≥ N`.
    """
    labels, counts = bands(values_ms)
    chart = pygal.Bar(
        width=WIDTH,
        height=HEIGHT,
        show_legend=False,
        title=wrapped(title, WIDTH),
        x_title="ms (a band from its label up)",
        y_title="answers",
        range=(0, max(counts, default=1) * 1.08),  # the tallest bar short of the top
        **COMMON,
    )
    chart.x_labels = labels
    chart.add("answers", counts)
    return Markup(chart.render(is_unicode=True))


def over_time(
    series: Mapping[str, Sequence[tuple[float, float | None]]],
    *,
    title: str,
    y_title: str,
    height: int = HEIGHT,
    widths: Mapping[str, float] | None = None,
    whole: bool = False,
) -> Markup:
    """Lines over the run's seconds: `series` maps a label to (seconds since start, value) points.

    The value axis starts at 0 and leaves room above the highest value, `widths`
    draws series that may coincide (whole-millisecond percentiles) in widths that leave each
    visible around the next, and `whole` labels the value axis in whole numbers (users).
    """
    top = max((y for points in series.values() for _, y in points if y is not None), default=0.0)
    options: dict[str, object] = {"range": (0, top * 1.1)} if top > 0 else {}
    if whole and top > 0:
        step = max(1, math.ceil(top / 5))
        options["y_labels"] = list(range(0, math.floor(top) + step, step))
    chart = pygal.XY(
        width=WIDTH,
        height=height,
        title=wrapped(title, WIDTH),
        x_title="seconds since start",
        y_title=y_title,
        legend_at_bottom=True,
        include_x_axis=True,
        show_dots=False,  # lines only: the browser test tells data from legend swatches by lines and bars
        **COMMON,
        **options,
    )
    for label, points in series.items():
        width = (widths or {}).get(label, 2.5)
        chart.add(label, [(x, y) for x, y in points], stroke_style={"width": width, "linecap": "round"})
    return Markup(chart.render(is_unicode=True))


def wrapped(title: str, width: int) -> str:
    """`title` in lines that fit the chart, broken at spaces or before a `/`: pygal alone cuts a long path mid-name."""
    fits = reverse_text_len(width, STYLE.title_font_size * 1.1)  # pygal's own measure of a title line
    lines: list[str] = []
    line = ""
    for piece in re.findall(r"\s*[^\s/]+|\s*/[^\s/]*", title):  # a word, or a path's step with its slash
        if line and len(line) + len(piece) > fits:
            lines.append(line.rstrip())
            line, piece = "", piece.lstrip()
        line += piece
    lines.append(line.rstrip())
    return "\n".join(part for part in lines if part)


def bands(values: Sequence[float]) -> tuple[list[str], list[int]]:
    """Labels and counts of equal 'nice' bands (1, 2, 2.5 or 5 times a power of ten) from the fastest
    answer to the tail's edge, then `≥ N` for the answers beyond it.

    The edge is Tukey's far fence (third quartile plus three interquartile ranges), which holds for
    a run of ten answers as for ten thousand: a percentile of ten answers is their slowest.
    """
    if not values:
        return [], []
    ordered = sorted(values)
    low = ordered[0]
    q1, q3 = _quantile(ordered, 0.25), _quantile(ordered, 0.75)
    tail = min(ordered[-1], q3 + 3 * (q3 - q1))
    # Answers all alike: bands of a tenth of their value, so the one bar stands where it is.
    spread = (tail - low) / MOST_BANDS if not math.isclose(low, tail) else max(low, 1.0) / 10
    step = _nice(spread)
    start = math.floor(low / step) * step
    count = max(1, math.floor((tail - start) / step + EDGE) + 1)
    counts = [0] * count
    beyond = 0
    for value in ordered:
        index = math.floor((value - start) / step + EDGE)
        if index < count:
            counts[max(0, index)] += 1
        else:
            beyond += 1
    labels = [_shown(start + i * step) for i in range(count)]
    if beyond:
        labels.append(f"≥{_shown(start + count * step)}")
        counts.append(beyond)
    return labels, counts


def _quantile(ordered: Sequence[float], fraction: float) -> float:
    """Linear between the two nearest answers (numpy's default)."""
    at = fraction * (len(ordered) - 1)
    below = math.floor(at)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (at - below)


def _nice(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `raw`."""
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)


def _shown(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:,.0f}"
