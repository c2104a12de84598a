"""Callback receiver throughput: durable deliveries per second, with every acknowledged one on disk.

    python benchmarks/sink_throughput.py [--connections 50] [--duration 10]

Needs `wrk`. The receiver runs as `telecontract sink` (one process: verify the TeleSign signature,
validate against the spec's webhook schema, group-commit to SQLite with synchronous=FULL, then
answer). wrk posts distinct, correctly signed Voice v1 callbacks, read from a prepared file.
Afterwards the database is compared with wrk's count of 200 answers: lost must be 0.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from telecontract import callback_signing
from telecontract.credentials import Credentials
from telecontract.server import free_port, wait_until_serving
from telecontract.sink.store import tally

LUA = """
local lines = {}
for line in io.lines("%(bodies)s") do lines[#lines + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i %% #lines + 1
  local signature, body = lines[i]:match("([^\\t]+)\\t(.*)")
  wrk.headers["Authorization"] = signature
  wrk.headers["X-TS-Authorization"] = signature
  return wrk.format(nil, "/voiceTransactionCallback", nil, body)
end
"""


@dataclass(frozen=True)
class Intake:
    rps: float
    p99: str
    total: int
    non_2xx: int


def wrk_intake(
    base_url: str, credentials: Credentials, *, connections: int, duration: int, bodies: int = 200_000
) -> Intake:
    """wrk posting distinct, signed Voice v1 callbacks to a receiver at `base_url`."""
    scratch = Path(tempfile.mkdtemp())
    lines = scratch / "bodies.tsv"
    with lines.open("w") as out:
        for n in range(bodies):
            body = (
                f'{{"reference_id":"{n:032X}","status":{{"code":100,"description":"Call answered",'
                f'"updated_on":"2026-11-25T10:00:00.000000Z"}}}}'
            ).encode()
            signature = callback_signing.sign_telesign_callback(
                customer_id=credentials.telesign_customer_id, api_key=credentials.telesign_api_key, body=body
            )
            out.write(f"{signature}\t{body.decode()}\n")
    script = scratch / "post.lua"
    script.write_text(LUA % {"bodies": lines})
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), base_url],
        capture_output=True,
        text=True,
    ).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    return Intake(rps, p99.group(1) if p99 else "?", total, non_2xx)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--bodies", type=int, default=200_000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("needs wrk (apt-get install wrk)")
        return 2
    credentials = Credentials.from_env()
    scratch = Path(tempfile.mkdtemp())
    database, port = scratch / "deliveries.sqlite3", free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "telecontract.cli", "sink", "--port", str(port), "--db", str(database)],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/_sink/deliveries/x")
        intake = wrk_intake(
            f"http://127.0.0.1:{port}",
            credentials,
            connections=args.connections,
            duration=args.duration,
            bodies=args.bodies,
        )
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    stored = tally(database)
    acknowledged = intake.total - intake.non_2xx
    print(
        f"receiver: {intake.rps:.0f} deliveries/s over {args.duration} s, {args.connections} connections, "
        f"p99 {intake.p99}"
    )
    print(
        f"acknowledged (200) {acknowledged}, stored {stored.accepted}, lost {max(0, acknowledged - stored.accepted)}"
        f", non-2xx {intake.non_2xx}"
    )
    return 0 if acknowledged <= stored.accepted else 1


if __name__ == "__main__":
    raise SystemExit(main())
