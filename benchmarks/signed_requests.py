"""TSA-signed requests by the 300,000: is the last fifth as fast as the first? (the nonce cache's cost)

    python benchmarks/signed_requests.py [--requests 300000] [--concurrency 32]

The mock runs as `telecontract mock` in its own process. Each request is a TSA HMAC-SHA256
signed GET of a call status (a new nonce each, so the mock verifies the signature and spends the
nonce, then answers 404: nothing else is measured). The client signs as it goes, from one process.
Prints the pace of each fifth and the last fifth's against the first's; the target is >= 90 %.
The nonce cache once rebuilt itself on every request past 100,000 nonces: 7 ms per request at
100,000, 18 ms at 200,000.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import subprocess
import sys
import time

import aiohttp

from telecontract.auth import telesign_hmac_headers
from telecontract.credentials import Credentials
from telecontract.server import free_port, wait_until_serving

PATH = "/v1/voice/" + "AB" * 16


async def send_all(url: str, total: int, concurrency: int) -> list[float]:
    """When each request was answered, in seconds from the start."""
    credentials = Credentials.from_env()
    answered: list[float] = []
    counter = itertools.count()
    unexpected = 0
    started = time.monotonic()

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal unexpected
        while next(counter) < total:
            headers = telesign_hmac_headers(
                customer_id=credentials.telesign_customer_id,
                api_key=credentials.telesign_api_key,
                method="GET",
                resource=PATH,
            )
            async with session.get(url + PATH, headers=headers) as response:
                await response.read()
                unexpected += response.status != 404
            answered.append(time.monotonic() - started)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    if unexpected:
        raise SystemExit(f"{unexpected} answers were not 404: signing or the nonce cache refused them")
    return answered


def fifths(answered: list[float]) -> list[float]:
    """Requests per second within each fifth of the requests."""
    size = len(answered) // 5
    paces = []
    for i in range(5):
        chunk = answered[i * size : (i + 1) * size]
        paces.append(len(chunk) / (chunk[-1] - chunk[0]) if len(chunk) > 1 else float("nan"))
    return paces


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300_000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    port = free_port()
    mock = subprocess.Popen(
        [sys.executable, "-m", "telecontract.cli", "mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", timeout=60)
        answered = asyncio.run(send_all(f"http://127.0.0.1:{port}", args.requests, args.concurrency))
    finally:
        mock.terminate()
        mock.wait(timeout=10)
    paces = fifths(answered)
    print(f"{args.requests:,} TSA-signed GETs, {args.concurrency} connections, {answered[-1]:.0f} s")
    print("requests/s per fifth: " + ", ".join(f"{pace:,.0f}" for pace in paces))
    ratio = paces[-1] / paces[0]
    print(f"last fifth / first fifth: {ratio:.0%} (target >= 90 %)")
    return 0 if ratio >= 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main())
