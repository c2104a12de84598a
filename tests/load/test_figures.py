"""Locust's final figures: its percentile and rate formulas, read from the JSON its hook writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from telecontract.load import figures


def test_percentiles_follow_locusts_own_formula() -> None:
    # Locust's calculate_response_time_percentile on {10: 90, 500: 10}: p89 is 10 ms, p90 already 500 ms.
    row = figures.Figures("x", requests=100, response_times={10: 90, 500: 10})
    assert (row.percentile(0.5), row.percentile(0.89), row.percentile(0.9), row.percentile(0.99)) == (10, 10, 500, 500)
    assert figures.Figures("x").percentile(0.5) is None  # nothing timed: no latency, not 0


def test_a_request_name_with_two_methods_is_judged_as_one() -> None:
    stats = figures.FinalStats(
        entries=(
            figures.Figures("s", "GET", requests=2, failures=1, response_times={5: 2}),
            figures.Figures("s", "POST", requests=2, response_times={9: 2}),
        )
    )
    merged = stats.entry("s")
    assert merged is not None and (merged.requests, merged.failures, merged.fail_ratio) == (4, 1, 0.25)
    assert merged.response_times == {5: 2, 9: 2}


def test_the_hook_writes_what_locust_counted(tmp_path: Path) -> None:
    """Locust's own RequestStats, turned into figures in a Locust process (gevent stays out of this one)."""
    probe = (
        "from locust.stats import RequestStats\n"
        "from telecontract.load import figures\n"
        "stats = RequestStats()\n"
        "for ms in (3, 7, 7, 120):\n"
        "    stats.log_request('POST', 'dial', ms, 10)\n"
        "stats.log_error('POST', 'dial', 'timeout: no answer within 5 s')\n"
        "row = stats.entries[('dial', 'POST')]\n"
        "print(row.get_response_time_percentile(0.95), row.fail_ratio)\n"
        f"figures.write(__import__('pathlib').Path({str(tmp_path / 'f.json')!r}), figures.from_locust(stats))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    p95, fail_ratio = done.stdout.split()
    stats = figures.read(tmp_path / "f.json")
    assert stats is not None
    dial = stats.entry("dial")
    assert dial is not None and dial.percentile(0.95) == int(p95) and dial.fail_ratio == float(fail_ratio)
    assert stats.total.requests == 4 and stats.errors[0].error == "timeout: no answer within 5 s"
    assert json.loads((tmp_path / "f.json").read_text())["total"]["name"] == "Aggregated"
    assert figures.read(tmp_path / "absent.json") is None
