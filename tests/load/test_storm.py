"""The callback storm against scripted receivers: its thresholds catch what they name."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from telecontract.server import serve_in_thread


def storm(url: str, report_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "telecontract.cli", "load", "--scenario", "callback_storm"]
    args += ["--receiver-url", url, "--users", "5", "--spawn-rate", "5", "--run-time", "3s"]
    args += ["--report-dir", str(report_dir), *extra]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def app(handler) -> Starlette:  # type: ignore[no-untyped-def]
    return Starlette(routes=[Route("/{kind}", handler, methods=["POST"])])


def test_answers_that_are_not_actions_breach_invalid_answers(tmp_path: Path) -> None:
    async def wrong_action(request: Request) -> Response:
        body = await request.json()
        if body.get("event") == "dial_completed":
            return JSONResponse({"jsonrpc": "2.0", "method": "dance"})
        return Response(status_code=204)

    with serve_in_thread(app(wrong_action)) as url:
        run = storm(f"voiceEvent={url}/events", tmp_path)
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    assert "threshold invalid_answers==0 BREACHED" in run.stdout + run.stderr


def test_a_slow_receiver_breaches_timeouts_and_gets_retries(tmp_path: Path) -> None:
    attempts: Counter[bytes] = Counter()

    async def slow_first(request: Request) -> Response:
        body = await request.body()
        attempts[body] += 1
        if attempts[body] == 1:
            await asyncio.sleep(0.6)  # past the timeout: the provider gives up and retries
        return Response(status_code=204)

    with serve_in_thread(app(slow_first)) as url:
        run = storm(f"maskingTransactionStatus={url}/m", tmp_path, "--receiver-timeout", "0.3", "--time-scale", "0.01")
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    assert "threshold timeouts==0 BREACHED" in run.stdout + run.stderr
    stats = (tmp_path / "locust_stats.csv").read_text()
    assert "maskingTransactionStatus (retry)" in stats
    assert max(attempts.values()) >= 2


def test_duplicates_and_out_of_order_events_are_sent_as_asked(
    tmp_path: Path, locust_table: Callable[[str], dict[str, int]]
) -> None:
    seen: list[dict] = []

    async def record(request: Request) -> Response:
        seen.append(await request.json())
        return Response(status_code=204)

    with serve_in_thread(app(record)) as url:
        run = storm(f"voiceEvent={url}/events", tmp_path, "--duplicates", "0.5", "--out-of-order", "1")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    per_call: dict[str, list[str]] = {}
    for event in seen:
        per_call.setdefault(event["reference_id"], []).append(event["event"])
    orders = [events for events in per_call.values() if len(set(events)) == 3]
    assert orders, "no whole call arrived"
    assert all(events.index("call_completed") < events.index("play_completed") for events in orders)
    assert sum(len(events) > 3 for events in per_call.values()) > 0  # some arrived twice
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["per_kind"]["voiceEvent"]["requests"] > 0
    # The deliveries printed per kind are the ones in Locust's table, not a lagging CSV's.
    assert summary["per_kind"]["voiceEvent"]["requests"] == locust_table(run.stderr)["voiceEvent"]
    assert f"voiceEvent: {summary['per_kind']['voiceEvent']['requests']:.0f} deliveries" in run.stdout
