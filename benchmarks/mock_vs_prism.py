"""Session creation throughput: our mock against Prism mocking the same spec, side by side.

    python benchmarks/mock_vs_prism.py [--connections 50] [--duration 10]

Needs `wrk` (Debian package) and Prism (`npm install @stoplight/prism-cli` in a folder given by
$PRISM_DIR, default /tmp/prism). Both servers get the same wrk load: POST
/v1/anonymous/session/sms_voice with Basic auth, pairing parties at random from a population of
20,000 riders and 5,000 drivers, so our mock verifies auth, validates the body, derives countries
and allocates masked ids (never shared within a party) on every request. Prints requests/s,
p50/p99 latency, non-2xx counts and the throughput ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from telecontract.auth import basic_authorization
from telecontract.credentials import Credentials
from telecontract.server import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[1]
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
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": float(total.group(1)) if total else 0.0,
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    prism = Path(os.environ.get("PRISM_DIR", "/tmp/prism")) / "node_modules" / ".bin" / "prism"
    if not shutil.which("wrk") or not prism.exists():
        print("needs wrk (apt-get install wrk) and Prism (npm install @stoplight/prism-cli in $PRISM_DIR)")
        return 2
    credentials = Credentials.from_env()
    authorization = basic_authorization(credentials.telesign_customer_id, credentials.telesign_api_key)
    ours_port, prism_port = free_port(), free_port()
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "telecontract.cli", "mock", "--port", str(ours_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                str(prism),
                "mock",
                str(ROOT / "specs" / "openapi.yaml"),
                "-h",
                "127.0.0.1",
                "-p",
                str(prism_port),
                "--errors",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        targets = {"telecontract mock": f"http://127.0.0.1:{ours_port}", "prism": f"http://127.0.0.1:{prism_port}"}
        for url in targets.values():
            wait_until_serving(url, timeout=60)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA.format(authorization=authorization))
        results = {}
        for name, url in targets.items():
            run_wrk(url, Path(script.name), args.connections, 2)  # warm up (JIT, caches)
            results[name] = run_wrk(url, Path(script.name), args.connections, args.duration)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    print(f"POST /v1/anonymous/session/sms_voice, {args.connections} connections, {args.duration} s, wrk -t1")
    print(f"{'server':<20}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}{'non-2xx':>10}")
    for name, r in results.items():
        print(
            f"{name:<20}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}{r['requests']:>10.0f}{r['non_2xx']:>10.0f}"
        )
    ratio = results["telecontract mock"]["rps"] / results["prism"]["rps"]
    print(f"throughput ratio (ours / prism): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
