"""Both report.html files in a real browser (Debian's chromium, headless): no console error, plots drawn.

Slow and opt-in (`pytest -m slow`): it needs chromium (`apt-get install chromium`) and runs a gate
and a load run. The screenshots stay in pytest's temporary folder for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from telecontract.html.charts import SERIES_COLOURS

pytestmark = pytest.mark.slow
BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


def open_in_browser(page: Path, screenshot: Path) -> list[str]:
    """Render the page headless, save a screenshot, return what it wrote to the console."""
    if BROWSER is None:
        pytest.fail("The browser tests need chromium: apt-get install chromium")
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,3000"]
    command += ["--enable-logging=stderr", "--log-level=0", f"--screenshot={screenshot}", page.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert screenshot.exists(), result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


def pixels_of(colour: str, screenshot: Path) -> int:
    """How many pixels are (nearly) this colour: a plot's series drawn on screen."""
    wanted = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    image = Image.open(screenshot).convert("RGB")
    return sum(
        count
        for count, rgb in image.getcolors(maxcolors=1 << 24) or []
        if sum(abs(a - b) for a, b in zip(rgb, wanted, strict=True)) < 30
    )


def telecontract(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "telecontract.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=cwd)


def test_the_browser_check_sees_a_console_error_and_a_missing_plot(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><p>no plot here</p><script>console.error('boom'); missing();</script>")
    console = open_in_browser(broken, tmp_path / "broken.png")
    assert any("boom" in line for line in console) and any("ReferenceError" in line for line in console)
    assert pixels_of(SERIES_COLOURS[0], tmp_path / "broken.png") == 0


def test_the_gate_report_opens_cleanly_with_its_latency_plots(tmp_path: Path) -> None:
    result = telecontract(tmp_path, "gate", "--seed", "1", "--operation", "/v1/anonymous", "--report-dir", "out")
    assert result.returncode == 0, result.stdout[-2000:]
    screenshot = tmp_path / "gate.png"
    assert open_in_browser(tmp_path / "out" / "report.html", screenshot) == []
    assert pixels_of(SERIES_COLOURS[0], screenshot) > 500  # the histograms' bars


def test_the_load_report_opens_cleanly_with_its_plots_over_time(tmp_path: Path) -> None:
    result = telecontract(tmp_path, "load", "--scenario", "masking_sessions", "--users", "4", "--run-time", "5s")
    assert result.returncode == 0, result.stdout[-2000:]
    screenshot = tmp_path / "load.png"
    assert open_in_browser(tmp_path / "reports" / "load" / "report.html", screenshot) == []
    for colour in SERIES_COLOURS[:3]:  # requests/s, failures/s and the latency percentiles' lines
        assert pixels_of(colour, screenshot) > 100, colour
