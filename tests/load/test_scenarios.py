"""Short, bounded load runs of every scenario: they pass on the faithful mock and breach on a broken one.

Locust runs in subprocesses: importing it here would monkey-patch this process with gevent.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from telecontract.load import scenarios
from telecontract.load.run import known_scenarios

FOLDER = Path(scenarios.__file__).parent
SCENARIOS = known_scenarios()


def telecontract(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "telecontract.cli", *args]
    # From a folder that is not the checkout: the scenarios ship with the package.
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tempfile.gettempdir())


def load(report_dir: Path, scenario: str, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = telecontract(
        "load",
        "--scenario",
        scenario,
        "--users",
        "4",
        "--spawn-rate",
        "4",
        "--run-time",
        "3s",
        "--report-dir",
        str(report_dir),
        *extra,
    )
    summary_path = report_dir / "summary.json"
    return result, json.loads(summary_path.read_text()) if summary_path.exists() else {}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_locustfile_loads(scenario: str) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(FOLDER / f"{scenario}.py"), "--list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "User" in listed.stdout


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s != "callback_storm"])  # tests/load/test_storm.py
def test_short_run_passes_on_the_faithful_mock(tmp_path: Path, scenario: str) -> None:
    result, summary = load(tmp_path, scenario, "--thresholds", "fail_ratio<0.01;p99<1000;rps>5")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert summary["locust"]["requests"] > 20 and summary["locust"]["failures"] == 0
    assert (tmp_path / "locust.html").exists() and (tmp_path / "locust_stats.csv").exists()
    assert (tmp_path / "report.html").exists()
    # Not a terminal: plain progress lines, no escape codes; the run ends with the command that repeats it.
    assert "progress: load, " in result.stderr and "\x1b[" not in result.stderr
    assert re.search(r"seed \d+; repeat this run with: telecontract load --scenario " + scenario, result.stdout)


def test_callbacks_are_all_stored_exactly_once(tmp_path: Path) -> None:
    result, summary = load(tmp_path, "callbacks")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    callbacks = summary["callbacks"]
    assert callbacks["placed"] > 20
    assert callbacks["lost_callbacks"] == 0 and callbacks["duplicate_callbacks"] == 0
    assert callbacks["deliveries_per_s"] > 0 and 0 < callbacks["delay_p50_ms"] <= callbacks["delay_p99_ms"]
    assert "threshold lost_callbacks==0 ok" in result.stdout


def test_a_broken_target_breaches_a_threshold(tmp_path: Path) -> None:
    result, summary = load(
        tmp_path, "masking_sessions", "--defect", "masking_missing_field", "--thresholds", "fail_ratio<0.01"
    )
    assert result.returncode == 1
    assert "threshold fail_ratio<0.01 BREACHED" in result.stdout + result.stderr
    assert summary["locust"]["failures"] > 0


def test_an_impossible_latency_threshold_is_reported_with_its_value(tmp_path: Path) -> None:
    result, _ = load(tmp_path, "masking_sessions", "--thresholds", "p50[create_sms_voice_session]<0")
    assert result.returncode == 1
    assert "threshold p50[create_sms_voice_session]<0 BREACHED: measured" in result.stdout + result.stderr


def test_distributed_run_aggregates_all_workers(tmp_path: Path, locust_table: Callable[[str], dict[str, int]]) -> None:
    result, summary = load(tmp_path, "callbacks", "--processes", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert len(list((tmp_path / "ledger").glob("placed-*.txt"))) == 2  # both workers placed calls
    # summary.json counts what the master's table counts, the sum over both workers.
    table = locust_table(result.stderr)
    placed_requests = summary["per_request"]["POST place_call"]["requests"]
    assert (table["Aggregated"], table["place_call"]) == (summary["locust"]["requests"], placed_requests)
    # It matches what the workers wrote down (a call cut off by the stop may be in one and not the other).
    assert abs(placed_requests - summary["callbacks"]["placed"]) <= 8
    assert summary["callbacks"]["lost_callbacks"] == 0


def test_a_misspelt_threshold_is_a_usage_error(tmp_path: Path) -> None:
    result = telecontract(
        "load", "--scenario", "masking_sessions", "--thresholds", "p95 under 200", "--report-dir", str(tmp_path)
    )
    assert result.returncode == 2
    assert "Cannot read threshold 'p95 under 200'" in result.stderr
