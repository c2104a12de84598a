"""A load run against an earlier one: regressions are named, exit 1, and shown in the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from telecontract.errors import UsageError
from telecontract.load import baseline

EARLIER = {"requests": 1000.0, "failures": 0.0, "rps": 200.0, "p50_ms": 10.0, "p95_ms": 40.0, "p99_ms": 80.0}


def test_limits_are_read_as_percentages() -> None:
    assert baseline.parse_limits("p95=10%, rps=5%,fail_ratio=0.5") == {"p95": 0.1, "rps": 0.05, "fail_ratio": 0.005}


@pytest.mark.parametrize(
    ("text", "words"),
    [("p96=10%", "unknown metric 'p96'"), ("p95=ten", "needs a percentage"), ("p95=-1%", "negative"), ("", "empty")],
)
def test_a_bad_limit_is_a_usage_error(text: str, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        baseline.parse_limits(text)


@pytest.mark.parametrize(
    ("current", "limits", "regressed"),
    [
        ({**EARLIER, "p95_ms": 45.0}, {"p95": 0.1}, []),  # exactly at the bound: 10% is 4 ms, the floor 5 ms
        ({**EARLIER, "p95_ms": 45.5}, {"p95": 0.1}, ["p95"]),
        ({**EARLIER, "p99_ms": 88.0}, {"p99": 0.1}, []),  # 10% of 80 is more than the floor
        ({**EARLIER, "p99_ms": 88.5}, {"p99": 0.1}, ["p99"]),
        ({**EARLIER, "p95_ms": 20.0}, {"p95": 0.1}, []),  # faster is never a regression
        ({**EARLIER, "rps": 181.0}, {"rps": 0.1}, []),
        ({**EARLIER, "rps": 179.0}, {"rps": 0.1}, ["rps"]),
        ({**EARLIER, "rps": 900.0}, {"rps": 0.1}, []),
        ({**EARLIER, "failures": 10.0}, {"fail_ratio": 0.01}, []),  # 1 percentage point
        ({**EARLIER, "failures": 11.0}, {"fail_ratio": 0.01}, ["fail_ratio"]),
    ],
)
def test_worse_by_more_than_the_limit_is_a_regression(current: dict, limits: dict, regressed: list[str]) -> None:
    comparisons = baseline.compare(current, baseline.figures_of(EARLIER), limits)
    assert [c.metric for c in comparisons if c.regressed] == regressed


def test_a_comparison_reads_as_a_sentence() -> None:
    (comparison,) = baseline.compare({**EARLIER, "p95_ms": 50.0}, baseline.figures_of(EARLIER), {"p95": 0.1})
    assert comparison.line() == "baseline p95: 40ms -> 50ms (+25.0%, allowed 10% or 5ms, whichever is more): REGRESSED"


@pytest.mark.parametrize(
    ("before", "after", "regressed"),
    [(1.0, 2.0, False), (1.0, 6.0, False), (1.0, 7.0, True), (3.0, 8.0, False), (100.0, 111.0, True)],
)
def test_a_fast_targets_latency_does_not_flip_on_jitter(before: float, after: float, regressed: bool) -> None:
    """Locust counts whole milliseconds: 1ms -> 2ms is +100%, and jitter. The floor is 5 ms."""
    earlier = baseline.figures_of({**EARLIER, "p95_ms": before})
    (comparison,) = baseline.compare({**EARLIER, "p95_ms": after}, earlier, {"p95": 0.1})
    assert comparison.regressed is regressed, comparison.line()


def test_throughput_has_a_floor_too() -> None:
    earlier = baseline.figures_of({**EARLIER, "rps": 5.0})
    (slower,) = baseline.compare({**EARLIER, "rps": 4.1}, earlier, {"rps": 0.1})  # -18%, but 0.9/s
    assert not slower.regressed and slower.to_dict()["floor"] == 1.0


def test_a_baseline_that_is_not_a_load_summary_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        baseline.read(tmp_path / "missing.json")
    (tmp_path / "gate.json").write_text(json.dumps({"verdict": {"label": "PASS"}}))
    with pytest.raises(UsageError, match="no load figures"):
        baseline.read(tmp_path / "gate.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(UsageError, match="not readable JSON"):
        baseline.read(tmp_path / "broken.json")


def test_a_profile_with_a_baseline_fails_the_run_on_a_regression(tmp_path: Path) -> None:
    """The config file alone drives the run (`--profile`); the baseline is one no mock can match."""
    (tmp_path / "last-release.json").write_text(json.dumps({"locust": {**EARLIER, "rps": 1e9}}))
    (tmp_path / "telecontract.toml").write_text(
        "[load.profiles.release]\n"
        'scenario = "masking_sessions"\n'
        "users = 2\n"
        "spawn_rate = 2\n"
        'run_time = "2s"\n'
        'baseline = "last-release.json"\n'
        'max_regression = "rps=10%"\n'
        'report_dir = "out"\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "telecontract.cli", "load", "--profile", "release", "--seed", "3"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "baseline rps: 1e+09/s ->" in result.stdout and "REGRESSED" in result.stdout
    assert "seed 3; repeat this run with: telecontract load --scenario masking_sessions --users 2" in result.stdout
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["passed"] is False
    assert summary["locust_exit_code"] == 0  # the thresholds held: the baseline alone failed it
    assert [c["metric"] for c in summary["baseline"]["comparisons"] if c["regressed"]] == ["rps"]
    page = (tmp_path / "out" / "report.html").read_text()
    assert 'id="baseline"' in page and "REGRESSED" in page
    # junit.xml for a CI's test view: the thresholds held, the throughput regressed.
    suite = ElementTree.parse(tmp_path / "out" / "junit.xml").getroot()
    outcome = {case.get("name"): case.find("failure") is None for case in suite.iter("testcase")}
    assert outcome == {"fail_ratio<0.01": True, "rps": False}
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
