"""An acknowledged callback is on disk: the receiver survives kill -9 under load with nothing lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from telecontract import callback_signing
from telecontract.credentials import Credentials
from telecontract.server import free_port, wait_until_serving
from telecontract.sink import read_deliveries


def start_sink(port: int, database: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "telecontract.cli", "sink", "--port", str(port), "--db", str(database)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_serving(f"http://127.0.0.1:{port}/_sink/deliveries/x", timeout=20)
    return process


async def blast(url: str, credentials: Credentials, acknowledged: list[str], stop_after: float) -> None:
    keys = {"customer_id": credentials.telesign_customer_id, "api_key": credentials.telesign_api_key}

    async def sender(client: httpx.AsyncClient, worker: int) -> None:
        n = 0
        while time.monotonic() < stop_after:
            n += 1
            reference = f"{worker:04X}{n:028X}"
            body = (
                f'{{"reference_id":"{reference}","status":{{"code":100,"description":"Call answered",'
                f'"updated_on":"2026-01-01T00:00:00.000000Z"}}}}'
            ).encode()
            signature = callback_signing.sign_telesign_callback(body=body, **keys)
            # TeleSign sends both headers, and the sink checks both.
            headers = {"Authorization": signature, "X-TS-Authorization": signature, "Content-Type": "application/json"}
            try:
                response = await client.post(f"{url}/voiceTransactionCallback", content=body, headers=headers)
            except httpx.HTTPError:
                return  # the sink is gone
            if response.status_code == 200:
                acknowledged.append(reference)

    async with httpx.AsyncClient(timeout=5) as client:
        await asyncio.gather(*(sender(client, w) for w in range(20)))


def test_kill_9_under_load_loses_no_acknowledged_delivery(tmp_path: Path, credentials: Credentials) -> None:
    database, port = tmp_path / "deliveries.sqlite3", free_port()
    sink = start_sink(port, database)
    acknowledged: list[str] = []
    killer_at = time.monotonic() + 1.5

    async def run() -> None:
        async def kill_later() -> None:
            await asyncio.sleep(max(0.0, killer_at - time.monotonic()))
            os.kill(sink.pid, signal.SIGKILL)

        await asyncio.gather(blast(f"http://127.0.0.1:{port}", credentials, acknowledged, killer_at + 5), kill_later())

    asyncio.run(run())
    sink.wait(timeout=10)
    assert sink.returncode == -signal.SIGKILL
    assert len(acknowledged) > 100, "the sink should have been under load when it was killed"

    restarted = start_sink(port, database)  # a restart must open the same file cleanly
    try:
        stored = {d.reference for d in read_deliveries(database)}
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)
    lost = set(acknowledged) - stored
    assert not lost, f"{len(lost)} acknowledged deliveries are not on disk"
