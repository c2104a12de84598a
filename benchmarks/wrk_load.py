"""The session-creation load both mock benchmarks drive with wrk, and reading wrk's report."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

from telecontract.auth import basic_authorization
from telecontract.credentials import Credentials

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "{authorization}"
math.randomseed(7)
request = function()
  -- a ride-hailing population: 20,000 riders and 5,000 drivers, paired at random
  local body = string.format('{{"phone_number_1":"1201%07d","phone_number_2":"1202%07d","validity_period":60}}',
                             math.random(0, 19999), math.random(0, 4999))
  return wrk.format(nil, "/v1/anonymous/session/sms_voice", nil, body)
end
"""


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def session_script() -> Path:
    credentials = Credentials.from_env()
    authorization = basic_authorization(credentials.telesign_customer_id, credentials.telesign_api_key)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(authorization=authorization))
    return Path(script.name)


def run_wrk(url: str, script: Path, connections: int, duration: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": float(total.group(1)) if total else 0.0,
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
    }


def print_table(title: str, results: dict[str, dict[str, float]]) -> None:
    print(title)
    print(f"{'server':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}{'non-2xx':>10}")
    for name, r in results.items():
        print(
            f"{name:<28}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}{r['requests']:>10.0f}{r['non_2xx']:>10.0f}"
        )
