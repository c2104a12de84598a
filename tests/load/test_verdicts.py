"""Load verdicts that mean what they say: the thresholds decide, on the figures of Locust's own table.

Each run is short (2 s of load) and its failures are made on purpose: the target is the mock
behind a wrapper that answers every Nth request 500, so the failure ratio is about 1/N.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread

IDLE_LOCUSTFILE = '''
from locust import User, constant, task

class Idle(User):
    """Never sends anything: a run with no request at all."""
    wait_time = constant(60)

    @task
    def nothing(self) -> None:
        pass
'''


class EveryNthFails:
    """ASGI: the mock, except that every Nth request is answered 500 (counted across all paths)."""

    def __init__(self, app: Any, every: int) -> None:
        self.app, self.every, self.seen = app, every, 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.seen += 1
            if self.seen % self.every == 0:
                await send(
                    {"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]}
                )
                await send({"type": "http.response.body", "body": b"injected failure"})
                return
        await self.app(scope, receive, send)


@pytest.fixture
def flaky_target(request: pytest.FixtureRequest) -> Iterator[tuple[str, EveryNthFails]]:
    app = EveryNthFails(create_app(MockConfig(credentials=Credentials.from_env())), every=request.param)
    with serve_in_thread(app) as url:
        yield url, app


def telecontract(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "telecontract.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tempfile.gettempdir())


def numbers_for(report_dir: Path) -> list[str]:
    """Against --target-url the users' parties come from a list: two numbers of the mock's populations."""
    path = report_dir.parent / f"{report_dir.name}-numbers.txt"
    path.write_text("12010000001\n12020000002\n")
    return ["--numbers", str(path)]


def load(report_dir: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = telecontract(
        "load", "--users", "2", "--spawn-rate", "2", "--run-time", "2s", "--report-dir", str(report_dir), *args
    )
    summary = report_dir / "summary.json"
    return result, json.loads(summary.read_text()) if summary.exists() else {}


def junit_failures(report_dir: Path) -> dict[str, bool]:
    suite = ElementTree.parse(report_dir / "junit.xml").getroot()
    return {str(case.get("name")): case.find("failure") is not None for case in suite.iter("testcase")}


@pytest.mark.parametrize("flaky_target", [40], indirect=True)
def test_a_few_failures_under_the_threshold_pass(
    tmp_path: Path, flaky_target: tuple[str, EveryNthFails], locust_table: Callable[[str], dict[str, int]]
) -> None:
    url, app = flaky_target
    result, summary = load(
        tmp_path,
        "--scenario",
        "masking_sessions",
        "--target-url",
        url,
        *numbers_for(tmp_path),
        "--thresholds",
        "fail_ratio<0.05;p95<1000000",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert summary["locust"]["failures"] > 0 and summary["passed"] is True  # failures, all under the limit
    assert "threshold fail_ratio<0.05 ok" in result.stdout and "limit <1000000" in result.stdout
    assert "PASS: load run of masking_sessions" in result.stdout
    assert junit_failures(tmp_path) == {"fail_ratio<0.05": False, "p95<1000000": False}
    # What summary.json says is what Locust's table says, row by row.
    counted = locust_table(result.stderr)
    assert counted["Aggregated"] == summary["locust"]["requests"]
    assert {name.split(" ", 1)[1]: row["requests"] for name, row in summary["per_request"].items()} == {
        name: count for name, count in counted.items() if name != "Aggregated"
    }
    assert app.seen >= summary["locust"]["requests"]


@pytest.mark.parametrize("flaky_target", [5], indirect=True)
def test_failures_over_the_threshold_fail_naming_it(tmp_path: Path, flaky_target: tuple[str, EveryNthFails]) -> None:
    url, _ = flaky_target
    result, summary = load(
        tmp_path,
        "--scenario",
        "masking_sessions",
        "--target-url",
        url,
        *numbers_for(tmp_path),
        "--thresholds",
        "fail_ratio<0.05;fail_ratio<0.00001",
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "threshold fail_ratio<0.00001 BREACHED: measured 0." in result.stdout  # a verdict, not a crash
    assert "FAIL (threshold fail_ratio<0.05; threshold fail_ratio<0.00001)" in result.stdout
    assert summary["passed"] is False and summary["locust_exit_code"] == 0
    assert junit_failures(tmp_path) == {"fail_ratio<0.05": True, "fail_ratio<0.00001": True}


def test_a_run_with_no_request_is_a_verdict_with_its_reports(tmp_path: Path) -> None:
    locustfile = tmp_path / "idle.py"
    locustfile.write_text(IDLE_LOCUSTFILE)
    reports = tmp_path / "reports"
    reports.mkdir()
    for stale in ("junit.xml", "summary.json", "thresholds.json", "locust_stats.csv", "locust.html", "report.html"):
        (reports / stale).write_text("an earlier run's")
    with serve_in_thread(create_app(MockConfig(credentials=Credentials.from_env()))) as url:
        result, summary = load(reports, "--scenario", str(locustfile), "--target-url", url)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "threshold fail_ratio<0.01 BREACHED: measured no data" in result.stdout
    assert "run: no request was sent" in result.stdout and "Traceback" not in result.stderr
    assert summary["locust"]["requests"] == 0 and summary["locust"]["p95_ms"] is None
    assert junit_failures(reports) == {"fail_ratio<0.01": True, "requests sent": True}
    assert "no request was sent" in (reports / "report.html").read_text()
    assert not (reports / "thresholds.json").exists()
    assert "an earlier run's" not in (reports / "locust.html").read_text()


def test_a_voice_calls_run_that_checked_no_journey_fails(tmp_path: Path) -> None:
    """Unsigned events never reach the receiver's store: every dial is answered, no call is seen through."""
    result, summary = load(tmp_path, "--scenario", "voice_calls", "--defect", "callback_unsigned")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "threshold requests[call_events_in_order]>0 BREACHED: measured 0" in result.stdout
    assert "voice_calls checked nothing" in result.stdout
    assert summary["per_request"]["POST dial"]["requests"] > 0


def test_voice_calls_against_a_separate_target_refuses_to_start(tmp_path: Path) -> None:
    result = telecontract("load", "--scenario", "voice_calls", "--target-url", "https://staging.example.com")
    assert result.returncode == 2
    assert "no journey could be checked" in result.stderr and "without --target-url" in result.stderr


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (("--run-time", "0s"), "no time at all"),
        (("--run-time", "5S"), "Cannot read --run-time '5S'"),
        (("--thresholds", "p95<1.2.3"), "Cannot read threshold 'p95<1.2.3'"),
        (("--thresholds", "rps>."), "Cannot read threshold 'rps>.'"),
        (("--thresholds", "lost_callbacks==0"), "masking_sessions does not measure lost_callbacks"),
        (("--target-url", "127.0.0.1:8080"), "is not an http(s) URL"),
        (("--duplicates", "5"), "a share between 0 and 1"),
    ],
)
def test_a_bad_option_is_exit_2_before_any_request(tmp_path: Path, option: tuple[str, str], words: str) -> None:
    started = time.monotonic()
    result = telecontract("load", "--scenario", "masking_sessions", "--report-dir", str(tmp_path / "r"), *option)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert words in result.stderr and "hint:" in result.stderr
    assert not (tmp_path / "r").exists()  # nothing started, nothing written
    assert time.monotonic() - started < 20
