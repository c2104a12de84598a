"""Both report.html pages at 1400 px in headless Chromium: every chart is drawn at a readable size, its
title inside it, its value-axis labels apart. (Before: ten latency histograms shrank to plots some
45 px tall, labels piled on each other, titles cut mid-word.) Skipped without chromium, as the other
browser test is; CI installs it."""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from telecontract.contract.recording import Exchange, Recorder
from telecontract.contract.reports import html as gate_html
from telecontract.contract.summary import OperationTally, RunSummary
from telecontract.load import report as load_html
from telecontract.load.figures import Figures, FinalStats
from telecontract.load.run import LoadReport
from telecontract.spec import load_spec
from telecontract.verdict import decide

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
WIDTH = 1400
MARKER = "chart-sizes "
MEASURE = """<script>
addEventListener("load", () => {
  const box = (node) => { const r = node.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const charts = [...document.querySelectorAll("svg.pygal-chart")].map((svg) => ({
    svg: box(svg),
    plot: box(svg.querySelector(".plot > rect.background")),
    titles: [...svg.querySelectorAll(".titles .title")].map(box),
    labels: [...svg.querySelectorAll(".axis.y .guides text")].filter((t) => t.textContent.trim()).map(box),
  }));
  console.log("chart-sizes " + encodeURIComponent(JSON.stringify(charts)));
});
</script>"""
LEAST_PLOT_HEIGHT = 150  # CSS px: a plot a reader can read values off
LEAST_CHART_WIDTH = 450


def measured(page: Path, tmp_path: Path) -> list[dict[str, Any]]:
    if BROWSER is None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail("CI runs the browser tests: chromium is missing (apt-get install chromium)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    copy = tmp_path / f"{page.stem}.measured.html"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    command += ["--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]
    command += [
        "--force-device-scale-factor=1",
        f"--window-size={WIDTH},2000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    command += ["--enable-logging=stderr", "--log-level=0", f"--screenshot={tmp_path / (page.stem + '.png')}"]
    done = subprocess.run([*command, copy.as_uri()], capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stderr.splitlines() if MARKER in line]
    assert len(lines) == 1, done.stderr[-2000:]
    found: list[dict[str, Any]] = json.loads(unquote(lines[0].split(MARKER, 1)[1].split('"', 1)[0]))
    return found


def assert_readable(charts: list[dict[str, Any]]) -> None:
    assert charts
    for chart in charts:
        left, _, right, _ = chart["svg"]
        assert right - left >= LEAST_CHART_WIDTH, chart["svg"]
        assert chart["plot"][3] - chart["plot"][1] >= LEAST_PLOT_HEIGHT, chart["plot"]
        assert all(left <= t[0] and t[2] <= right for t in chart["titles"]), chart["titles"]  # no title cut off
        labels = sorted(chart["labels"], key=lambda b: b[1])
        for upper, lower in itertools.pairwise(labels):
            assert upper[3] <= lower[1] + 0.5, (upper, lower)  # value-axis labels do not overlap


def gate_page(tmp_path: Path) -> Path:
    """Every operation of the spec (long paths included), a few hundred answers each with a slow tail."""
    rng = random.Random(7)
    summary, recorder = RunSummary(), Recorder()
    for operation in load_spec().operations():
        summary.operations[operation.label] = OperationTally(cases=100, checks=900, statuses=Counter({200: 300}))
        for index in range(300):
            elapsed = rng.lognormvariate(0.5, 0.4) if index % 50 else rng.uniform(80, 250)
            recorder.exchanges.append(
                Exchange(operation.label, "GET", "http://127.0.0.1:1/", {}, "", 200, {}, "", elapsed, 0.0)
            )
    page = tmp_path / "gate.html"
    verdict = decide([], strict=False, suite_status=0, cases=1)
    gate_html.write(page, summary, recorder, verdict=verdict, target="the embedded mock", rerun="x", seed=1)
    return page


def load_page(tmp_path: Path) -> Path:
    history = [
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,99%,Total Request Count,Total Failure Count"
    ]
    for second in range(6):
        history.append(f"{1_796_000_000 + second},10,,Aggregated,0,0,2,2,2,{900 * second},0")  # 2 ms all along
    (tmp_path / "locust_stats_history.csv").write_text("\n".join(history) + "\n")
    row = Figures("create_sms_session", "POST", 4500, 0, max_response_time=9.0, response_times={2: 4400, 9: 100})
    report = LoadReport(
        scenario="masking_sessions",
        target="http://127.0.0.1:1",
        users=10,
        run_time="5s",
        thresholds="fail_ratio<0.01",
        locust={"requests": 4500.0, "failures": 0.0, "rps": 900.0, "p50_ms": 2.0, "p95_ms": 2.0, "p99_ms": 9.0},
        callbacks={},
        locust_exit_code=0,
        callback_verdicts=[],
        report_dir=tmp_path,
        stats=FinalStats(entries=(row,), start_time=0.0, last_request_timestamp=5.0),
    )
    page = tmp_path / "load.html"
    load_html.write(page, report)
    return page


def test_the_gate_pages_latency_histograms_are_readable_at_1400_px(tmp_path: Path) -> None:
    charts = measured(gate_page(tmp_path), tmp_path)
    assert len(charts) == len(load_spec().operations())
    assert_readable(charts)


def test_the_load_pages_charts_are_readable_at_1400_px(tmp_path: Path) -> None:
    assert_readable(measured(load_page(tmp_path), tmp_path))
