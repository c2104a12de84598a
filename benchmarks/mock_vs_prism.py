"""Session creation throughput: our mock beside its ceiling and Prism mocking the same spec.

    python benchmarks/mock_vs_prism.py [--connections 50] [--rounds 5] [--duration 4]

The ceiling is a bare Starlette handler on the same uvicorn setup (`bare_starlette.py`, with the
same connection limits): what the stack costs before the mock does any work. The same handler on
uvicorn's stock protocol shows what the connection limits cost. Prism is skipped, and said so,
when not installed.

Needs `wrk` (Debian package) and Prism (`npm install @stoplight/prism-cli` in a folder given by
$PRISM_DIR, default /tmp/prism). Both servers get the same wrk load: POST
/v1/anonymous/session/sms_voice with Basic auth, pairing parties at random from a population of
20,000 riders and 5,000 drivers, so our mock verifies auth, validates the body, derives countries
and allocates masked ids (never shared within a party) on every request. Prints requests/s,
p50/p99 latency, non-2xx counts, the server process's CPU time per request, and the ratios. On a
shared machine throughput follows whoever else is running; CPU time per request (from /proc, the
server's own) moves much less, so both ratios are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from telecontract.server import free_port, wait_until_serving
from wrk_load import cpu_seconds, run_wrk, session_script

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=4, help="seconds per server per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    prism = Path(os.environ.get("PRISM_DIR", "/tmp/prism")) / "node_modules" / ".bin" / "prism"
    if not shutil.which("wrk"):
        print("needs wrk (apt-get install wrk)")
        return 2
    ours_port, ceiling_port, stock_port, prism_port = free_port(), free_port(), free_port(), free_port()
    bare = str(Path(__file__).with_name("bare_starlette.py"))
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "telecontract.cli", "mock", "--port", str(ours_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, bare, str(ceiling_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ),
        subprocess.Popen(
            [sys.executable, bare, str(stock_port), "--stock"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ),
    ]
    targets = {
        "telecontract mock": f"http://127.0.0.1:{ours_port}",
        "bare starlette": f"http://127.0.0.1:{ceiling_port}",
        "bare, stock uvicorn": f"http://127.0.0.1:{stock_port}",
    }
    if prism.exists():
        targets["prism"] = f"http://127.0.0.1:{prism_port}"
        servers.append(
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
            )
        )
    else:
        print("Prism not installed (npm install @stoplight/prism-cli in $PRISM_DIR): measuring without it")
    try:
        for url in targets.values():
            wait_until_serving(url, timeout=60)
        script = session_script()
        for url in targets.values():
            run_wrk(url, script, args.connections, 5)  # warm up (JIT, caches: riders and drivers recur)
        # Rounds, the servers taking turns: on a shared machine the load of others comes and goes,
        # and a ratio is only fair between measurements taken side by side.
        pids = dict(zip(targets, (server.pid for server in servers), strict=False))
        rounds: list[dict[str, dict[str, float]]] = []
        for _ in range(args.rounds):
            one: dict[str, dict[str, float]] = {}
            for name, url in targets.items():
                before = cpu_seconds(pids[name])
                one[name] = run_wrk(url, script, args.connections, args.duration)
                spent = cpu_seconds(pids[name]) - before
                one[name]["cpu_us"] = spent / max(one[name]["requests"], 1) * 1e6
            rounds.append(one)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    print(
        f"POST /v1/anonymous/session/sms_voice, {args.connections} connections, "
        f"{args.rounds} rounds of {args.duration} s per server, wrk -t1; medians over the rounds"
    )
    print(f"{'server':<20}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'CPU us/req':>12}{'requests':>10}{'non-2xx':>10}")
    for name in targets:
        r = {key: statistics.median(one[name][key] for one in rounds) for key in rounds[0][name]}
        total = sum(one[name]["requests"] for one in rounds)
        non_2xx = sum(one[name]["non_2xx"] for one in rounds)
        print(
            f"{name:<20}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}{r['cpu_us']:>12.0f}"
            f"{total:>10.0f}{non_2xx:>10.0f}"
        )
    ratios = [one["telecontract mock"]["rps"] / one["bare starlette"]["rps"] for one in rounds]
    p99s = [one["telecontract mock"]["p99"] for one in rounds]
    print(
        f"ours / bare starlette (the ceiling), per round: {', '.join(f'{r:.0%}' for r in ratios)}; "
        f"median {statistics.median(ratios):.0%}; mock p99 median {statistics.median(p99s):.1f} ms"
    )
    cpu = [one["bare starlette"]["cpu_us"] / one["telecontract mock"]["cpu_us"] for one in rounds]
    print(
        f"by CPU time per request, ours / the ceiling, per round: {', '.join(f'{r:.0%}' for r in cpu)}; "
        f"median {statistics.median(cpu):.0%}"
    )
    limits = [one["bare starlette"]["cpu_us"] / one["bare, stock uvicorn"]["cpu_us"] - 1 for one in rounds]
    print(
        f"connection limits: {statistics.median(limits):+.0%} CPU time per request for the bare handler "
        "against uvicorn's stock protocol (median)"
    )
    if "prism" in targets:
        versus = [one["telecontract mock"]["rps"] / one["prism"]["rps"] for one in rounds]
        print(f"throughput ratio (ours / prism), median: {statistics.median(versus):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
