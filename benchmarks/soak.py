"""A long run in minutes: sessions of each kind created and expired by the 100,000, the mock's RSS sampled.

    python benchmarks/soak.py [--count 100000] [--time-scale 0.00005] [--rate 500] [--concurrency 16]

The mock runs as `telecontract mock` in its own process. With --time-scale 0.00005 a masked
session's hour lasts 0.18 s, a VTS session's minute 3 ms, and the retention after the end (a
day) 4.3 s: a run creates many retention periods' worth. For each kind (masked sessions, VTS
sessions, Voice v1 calls) it creates `--count` at a steady `--rate` per second (what is retained
at any time is then the same: rate x retention), sampling the mock's RSS every 10,000, and says
whether memory stayed flat: after the first retention period the RSS must stay within 10 % of
its level after the first 10,000 (Python keeps freed memory for reuse, so flat, not falling, is
what bounded looks like). tests/mock/test_soak.py runs it (pytest -m slow).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from telecontract.auth import basic_authorization
from telecontract.credentials import Credentials
from telecontract.server import free_port, wait_until_serving

RETENTION_SECONDS = 24 * 3600
SAMPLE_EVERY = 10_000
FLAT_WITHIN = 0.10


@dataclass
class Run:
    kind: str
    rss_mib: list[tuple[int, float, float]] = field(default_factory=list)  # (created, seconds, RSS MiB)
    failures: int = 0
    retention_after: float = 0.0  # seconds of the run after which the first sessions are forgotten

    def flat(self) -> bool:
        """Every sample taken after the first retention period is within 10 % of the one at 10,000."""
        return all(rss <= self.baseline() * (1 + FLAT_WITHIN) for _, _, rss in self.after_retention())

    def baseline(self) -> float:
        return self.rss_mib[0][2]

    def after_retention(self) -> list[tuple[int, float, float]]:
        return [s for s in self.rss_mib if s[1] >= self.retention_after]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


Request = Callable[[int], tuple[str, str, dict[str, Any]]]  # n -> (method, path, json or form)


def requests_of(kind: str, credentials: Credentials) -> tuple[Request, dict[str, str]]:
    telesign = {"Authorization": basic_authorization(credentials.telesign_customer_id, credentials.telesign_api_key)}
    vts = {"Authorization": basic_authorization(credentials.vts_auth_id, credentials.vts_auth_token)}

    def masked(n: int) -> tuple[str, str, dict[str, Any]]:
        parties = {"phone_number_1": f"1201{n % 20_000:07d}", "phone_number_2": f"1202{n % 5_000:07d}"}
        return "json", "/v1/anonymous/session/sms_voice", parties | {"validity_period": 1}

    def vts_session(n: int) -> tuple[str, str, dict[str, Any]]:
        path = f"/v1/Account/{credentials.vts_auth_id}/Masking/Session"
        return (
            "json",
            path,
            {"first_party": f"+1415{n % 20_000:07d}", "second_party": f"+1216{n % 5_000:07d}", "session_expiry": 60},
        )

    def call(n: int) -> tuple[str, str, dict[str, Any]]:
        return (
            "form",
            "/v1/voice",
            {"phone_number": f"1555{n % 1_000_000:07d}", "message": "Your code is 1234", "message_type": "OTP"},
        )

    return {"masked": (masked, telesign), "vts": (vts_session, vts), "calls": (call, telesign)}[kind]


async def create_all(
    url: str, kind: str, count: int, concurrency: int, pid: int, time_scale: float, rate: float
) -> Run:
    request, headers = requests_of(kind, Credentials.from_env())
    run = Run(kind, retention_after=RETENTION_SECONDS * time_scale + 1.0)
    counter = itertools.count()
    started = time.monotonic()
    done = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal done
        while (n := next(counter)) < count:
            if (wait := started + n / rate - time.monotonic()) > 0:
                await asyncio.sleep(wait)  # a steady pace: the same number of sessions retained throughout
            how, path, body = request(n)
            sending = session.post(url + path, json=body) if how == "json" else session.post(url + path, data=body)
            async with sending as response:
                await response.read()
                run.failures += response.status >= 300
            done += 1
            if done % SAMPLE_EVERY == 0:
                run.rss_mib.append((done, time.monotonic() - started, rss_mib(pid)))

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return run


def soak(
    count: int,
    time_scale: float,
    concurrency: int,
    rate: float = 500.0,
    kinds: tuple[str, ...] = ("masked", "vts", "calls"),
) -> list[Run]:
    port = free_port()
    mock = subprocess.Popen(
        [sys.executable, "-m", "telecontract.cli", "mock", "--port", str(port), "--time-scale", str(time_scale)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, timeout=60)
        return [asyncio.run(create_all(url, kind, count, concurrency, mock.pid, time_scale, rate)) for kind in kinds]
    finally:
        mock.terminate()
        mock.wait(timeout=10)


def report(runs: list[Run]) -> str:
    lines = []
    for run in runs:
        samples = ", ".join(f"{created // 1000}k: {rss:.0f}" for created, _, rss in run.rss_mib)
        peak_after = max((rss for _, _, rss in run.after_retention()), default=float("nan"))
        verdict = "flat" if run.flat() else "GROWING"
        lines.append(
            f"{run.kind:<7} RSS MiB {samples}; after 10k {run.baseline():.0f}, highest after the first "
            f"retention period {peak_after:.0f} ({peak_after / run.baseline() - 1:+.0%}): {verdict}; "
            f"{run.failures} non-2xx"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--time-scale", type=float, default=0.00005)
    parser.add_argument("--rate", type=float, default=500.0, help="creations per second")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    started = time.monotonic()
    runs = soak(args.count, args.time_scale, args.concurrency, args.rate)
    retention = RETENTION_SECONDS * args.time_scale
    print(
        f"{args.count:,} of each kind at {args.rate:g}/s, --time-scale {args.time_scale} (retention {retention:.1f} s)"
    )
    print(report(runs))
    print(f"{time.monotonic() - started:.0f} s in all")
    return 0 if all(run.flat() and not run.failures for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
