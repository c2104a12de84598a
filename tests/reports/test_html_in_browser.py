"""Both report.html files in a real browser (Debian's chromium, headless): no console error, every plot drawn.

Part of the default run: `.ci/run` installs chromium, and with `CI` set a missing browser fails
these tests; elsewhere they are skipped, with the reason shown. A plot counts as drawn when each
of its series leaves marks of its colour inside the chart's plot area, which the browser itself
measures (pygal's plot background rectangle), so legend swatches outside it count for nothing: a
copy of the load page with its data removed and its legends kept proves it. Screenshots stay in
pytest's temporary folder for a person to look at.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image

from telecontract.html.charts import SERIES_COLOURS

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
WINDOW = (1280, 3000)
MARKER = "telecontract-charts "
# Run after layout: where each chart's plot area is on screen (CSS pixels, which the screenshot
# has at a scale factor of 1) and its series' names. URI-encoded, so the console line is one word.
MEASURE = """<script>
addEventListener("load", () => {
  const charts = [...document.querySelectorAll("svg.pygal-chart")].map((svg) => {
    const plot = svg.querySelector(".plot > rect.background");
    const box = plot && plot.getBoundingClientRect();
    return {
      title: svg.querySelector(".titles .title")?.textContent ?? "",
      box: box && [box.left, box.top, box.right, box.bottom],
      series: plot ? plot.parentNode.querySelectorAll(":scope > .series").length : 0,
      legend: [...svg.querySelectorAll(".legends .legend text")].map((text) => text.textContent),
    };
  });
  console.log("telecontract-charts " + encodeURIComponent(JSON.stringify(charts)));
});
</script>"""
# A series drawn over a 50 px stretch of its plot leaves some 100 marks; a legend swatch, 144 outside it.
LEAST_MARKS = 60
# pygal's data marks: the lines of an XY chart, the bars of a histogram (legend swatches are `color-N reactive`).
DATA_MARK = re.compile(r'<(?:path|rect)\b[^>]*class="(?:line|rect) reactive[^"]*"[^>]*/>')


@dataclass(frozen=True)
class Chart:
    title: str
    box: tuple[int, int, int, int]  # the plot area on screen: left, top, right, bottom
    series: list[str]  # legend names, or one name per series for a chart without a legend


@dataclass(frozen=True)
class Opened:
    console: list[str]  # what the page itself wrote to the console
    charts: list[Chart]
    screenshot: Path


@pytest.fixture(scope="module")
def browser() -> str:
    if BROWSER is None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(
                "CI runs the browser tests: chromium is missing (.ci/run installs it: apt-get install chromium)"
            )
        pytest.skip("no chromium on this machine (apt-get install chromium); CI runs these")
    return BROWSER


def open_in_browser(browser: str, page: Path, screenshot: Path) -> Opened:
    """Render a copy of `page` (plus the measuring script) headless: its console, its charts, a screenshot."""
    measured = page.with_name(page.stem + ".measured.html")
    text = page.read_text(encoding="utf-8")
    measured.write_text(text.replace("</body>", MEASURE + "</body>") if "</body>" in text else text + MEASURE)
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    command += ["--force-device-scale-factor=1", f"--window-size={WINDOW[0]},{WINDOW[1]}"]
    command += [f"--user-data-dir={screenshot.parent / 'chromium-profile'}", "--enable-logging=stderr", "--log-level=0"]
    command += [f"--screenshot={screenshot}", measured.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert screenshot.exists(), result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    measures = [line for line in console if MARKER in line]
    assert len(measures) == 1, f"the measuring script did not report: {result.stderr[-2000:]}"
    found = json.loads(unquote(measures[0].split(MARKER, 1)[1].split('"', 1)[0]))
    charts = [
        Chart(
            chart["title"],
            (math.floor(b[0]), math.floor(b[1]), math.ceil(b[2]), math.ceil(b[3])),
            chart["legend"] or [f"series {i}" for i in range(chart["series"])],
        )
        for chart in found
        if (b := chart["box"])
    ]
    return Opened([line for line in console if MARKER not in line], charts, screenshot)


def marks_of(colour: str, image: Image.Image) -> int:
    """Pixels of this colour drawn over any grey: the plot background, a guide, an axis.

    The charts' own colours are greys (STYLE), and pygal strokes a line at 80% opacity and
    antialiased, so a line's pixels are its colour mixed with whatever grey lies beneath; a
    pixel counts when at least 30% of it is the colour and its hue is the colour's.
    """
    wanted = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    grey = sum(wanted) / 3
    hue = [c - grey for c in wanted]  # the colour less its grey part
    norm = sum(h * h for h in hue)
    counted = 0
    for count, rgb in image.getcolors(maxcolors=1 << 24) or []:
        level = sum(rgb) / 3
        share = sum((c - level) * h for c, h in zip(rgb, hue, strict=True)) / norm
        off_hue = math.dist([c - level for c in rgb], [share * h for h in hue])
        beneath = level - share * grey  # the grey it was drawn over, times (1 - share)
        if share >= 0.3 and off_hue < 10 and -10 <= beneath <= (1 - share) * 255 + 10:
            counted += count
    return counted


def undrawn(opened: Opened) -> list[str]:
    """Every series that left too few marks inside its own chart's plot area."""
    image = Image.open(opened.screenshot).convert("RGB")
    assert all(chart.box[3] <= image.height for chart in opened.charts), "a chart lies below the screenshot"
    return [
        f"{chart.title}: {name} ({marks} marks)"
        for chart in opened.charts
        for name, colour in zip(chart.series, SERIES_COLOURS, strict=False)
        if (marks := marks_of(colour, image.crop(chart.box))) < LEAST_MARKS
    ]


@pytest.fixture(scope="module")
def reports(browser: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """One gate and one load run side by side (two cores, and the load run mostly waits): their pages."""
    folder = tmp_path_factory.mktemp("runs")

    def start(*args: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "telecontract.cli", *args]
        return subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    gate = start("gate", "--seed", "1", "--operation", "createSmsMaskedSession", "--report-dir", "gate")
    # 8 s, though it costs little beside the gate: Locust's run-time timer starts before the
    # start-up (spec loading), which a busy machine stretches past a 5 s run, leaving no plot.
    load = start("load", "--scenario", "masking_sessions", "--users", "2", "--run-time", "8s", "--report-dir", "load")
    try:
        for name, run in (("gate", gate), ("load", load)):
            output, _ = run.communicate(timeout=600)
            assert run.returncode == 0, f"{name}: {output[-3000:]}"
    finally:
        for run in (gate, load):
            run.kill()
    yield {"gate": folder / "gate" / "report.html", "load": folder / "load" / "report.html"}


def test_the_browser_check_sees_a_console_error_and_no_plot(browser: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><body><p>no plot here</p><script>console.error('boom'); missing();</script>")
    opened = open_in_browser(browser, broken, tmp_path / "broken.png")
    assert any("boom" in line for line in opened.console), opened.console
    assert any("ReferenceError" in line for line in opened.console), opened.console
    assert opened.charts == []


def test_legend_swatches_without_data_are_no_plot(browser: str, reports: dict[str, Path], tmp_path: Path) -> None:
    # The real load page with every line taken out: titles, axes, guides and legends stay.
    page = reports["load"].read_text(encoding="utf-8")
    control = tmp_path / "legends_only.html"
    control.write_text(DATA_MARK.sub("", page), encoding="utf-8")
    assert DATA_MARK.search(page) and not DATA_MARK.search(control.read_text(encoding="utf-8"))
    opened = open_in_browser(browser, control, tmp_path / "legends_only.png")
    assert opened.console == []
    image = Image.open(opened.screenshot).convert("RGB")
    for colour in SERIES_COLOURS[:3]:  # the swatches are on screen, in the series' colours...
        assert marks_of(colour, image) >= 144, colour
    series = [f"{chart.title}: {name}" for chart in opened.charts for name in chart.series]
    assert len(series) == 6  # ...and no series has drawn anything
    assert [line.rsplit(" (", 1)[0] for line in undrawn(opened)] == series


def test_the_gate_report_opens_cleanly_with_its_latency_plots(
    browser: str, reports: dict[str, Path], tmp_path: Path
) -> None:
    opened = open_in_browser(browser, reports["gate"], tmp_path / "gate.png")
    assert opened.console == []
    assert [chart.title for chart in opened.charts] == ["POST /v1/anonymous/session/sms: latency"]
    assert undrawn(opened) == []  # the histogram's bars


def test_the_load_report_opens_cleanly_with_its_plots_over_time(
    browser: str, reports: dict[str, Path], tmp_path: Path
) -> None:
    opened = open_in_browser(browser, reports["load"], tmp_path / "load.png")
    assert opened.console == []
    assert {chart.title: chart.series for chart in opened.charts} == {
        "Throughput": ["requests/s", "failures/s"],
        "Latency percentiles": ["p50", "p95", "p99"],
        "Users": ["users"],
    }
    assert undrawn(opened) == []  # every line, the failures' along the x axis included
