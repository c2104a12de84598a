"""The mock's outbound callbacks: signed deliveries per second to our receiver, beside the receiver's own intake.

    python benchmarks/outbound_deliveries.py [--deliveries 20000] [--duration 10]

Both figures come from one run on one machine. The receiver (`telecontract sink`: verify,
validate, group-commit to SQLite, answer) runs as its own process. First wrk posts distinct
signed callbacks to it (its intake ceiling); then the mock's own delivery code
(`telecontract.mock.callbacks.deliver`: sign, POST, retry schedule) sends `--deliveries`
callbacks to it from one process, as the mock does when thousands of calls complete at once.
Every delivery must be acknowledged and on disk.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, callbacks
from telecontract.mock.delivery_slots import PER_DESTINATION
from telecontract.mock.state import MockState
from telecontract.server import free_port, wait_until_serving
from telecontract.sink.store import tally
from telecontract.spec import load_spec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sink_throughput import wrk_intake


def body_of(n: int) -> bytes:
    return (
        f'{{"reference_id":"{n:032X}","status":{{"code":100,"description":"Call answered",'
        f'"updated_on":"2026-11-25T10:00:00.000000Z"}}}}'
    ).encode()


async def deliver_all(url: str, count: int, credentials: Credentials) -> tuple[float, int]:
    state = MockState(MockConfig(credentials=credentials), load_spec())
    offset = 10_000_000  # distinct from the reference ids wrk sent

    async def one(n: int) -> bool:
        body = body_of(offset + n)
        return await callbacks.deliver(
            state, url, body, callbacks.headers_for(state, "voiceTransactionCallback", url, body)
        )

    started = time.perf_counter()
    results = await asyncio.gather(*(one(n) for n in range(count)))
    elapsed = time.perf_counter() - started
    await callbacks.close(state)
    return elapsed, sum(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk against the receiver")
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
        intake = wrk_intake(f"http://127.0.0.1:{port}", credentials, connections=50, duration=args.duration)
        time.sleep(1)  # wrk's last deliveries are still being committed
        before = tally(database).accepted
        url = f"http://127.0.0.1:{port}/voiceTransactionCallback"
        elapsed, delivered = asyncio.run(deliver_all(url, args.deliveries, credentials))
        stored = tally(database).accepted - before
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    outbound = delivered / elapsed
    print(f"receiver intake (wrk, 50 connections, {args.duration} s): {intake.rps:,.0f} deliveries/s, p99 {intake.p99}")
    print(
        f"mock outbound (callbacks.deliver, {PER_DESTINATION} in flight per destination): {outbound:,.0f} deliveries/s "
        f"({delivered:,} of {args.deliveries:,} acknowledged in {elapsed:.1f} s, {stored:,} stored)"
    )
    print(f"outbound / intake: {outbound / intake.rps:.2f}")
    return 0 if delivered == stored == args.deliveries else 1


if __name__ == "__main__":
    raise SystemExit(main())
