"""Why uvicorn: the same mock app under each candidate ASGI server, same load, one run.

    python benchmarks/asgi_servers.py [--connections 50] [--duration 10]

Needs `wrk`; granian is measured when installed (`pip install granian`). Each server runs the
stateful mock in one process (state cannot be shared between workers), with the load of
benchmarks/wrk_load.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys

from telecontract.server import free_port, wait_until_serving
from wrk_load import print_table, run_wrk, session_script

APP = "telecontract.mock.asgi:app"


def commands(port: int) -> dict[str, list[str]]:
    uvicorn = [sys.executable, "-m", "uvicorn", APP, "--port", str(port), "--log-level", "warning", "--no-access-log"]
    found = {
        "uvicorn (uvloop, httptools)": [*uvicorn, "--loop", "uvloop", "--http", "httptools"],
        "uvicorn (asyncio, h11)": [*uvicorn, "--loop", "asyncio", "--http", "h11"],
    }
    if importlib.util.find_spec("granian"):
        found["granian (asgi, 1 worker)"] = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            APP,
        ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("needs wrk (apt-get install wrk)")
        return 2
    script = session_script()
    results = {}
    for name, command in commands(port := free_port()).items():
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/")
            run_wrk(f"http://127.0.0.1:{port}", script, args.connections, 2)  # warm up
            results[name] = run_wrk(f"http://127.0.0.1:{port}", script, args.connections, args.duration)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print_table(
        f"mock under each ASGI server: session creation, {args.connections} connections, {args.duration} s", results
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
