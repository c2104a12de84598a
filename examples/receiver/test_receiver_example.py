"""The example receiver against the receiver gate, a short callback storm and the mock.

The clean receiver passes both. Each planted bug (a copy's typical mistake) fails the gate without
--strict, and the finding names the rule meant for it: the gate proves it can tell.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import receiver
from receiver import Keys, Store, create_app
from telecontract.client_auth import HttpxAuth
from telecontract.credentials import Credentials
from telecontract.server import serve_in_thread
from telecontract.testing import MockProvider

ROUTES = {
    "voiceTransactionCallback": "/telesign/voice",
    "voiceEvent": "/telesign/events",
    "maskingTransactionStatus": "/telesign/masking",
    "vtsSessionCallback": "/vts/sessions",
}


def serve(tmp_path: Path, wrap: Callable[[Any], Any] = lambda app: app) -> Iterator[list[str]]:
    """The receiver on a loopback port, with the keys the gate signs with: its --receiver-url flags."""
    credentials = Credentials.from_env()
    keys = Keys(credentials.telesign_customer_id, credentials.telesign_api_key, credentials.vts_auth_token)
    with serve_in_thread(wrap(create_app(keys, tmp_path / "callbacks.sqlite3"))) as url:
        yield [f"--receiver-url={kind}={url}{path}" for kind, path in ROUTES.items()]


def gate(flags: list[str], *extra: str, report_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "telecontract.cli", "gate", *flags, "--seed", "1", *extra]
    if report_dir is not None:
        args += ["--report-dir", str(report_dir)]
    # The quick profile for the planted bugs: each one is met within the first payloads.
    quick = [] if report_dir is not None else ["--", "--hypothesis-profile=quick"]
    return subprocess.run([*args, *quick], capture_output=True, text=True, timeout=300)


@pytest.fixture
def receiver_flags(tmp_path: Path) -> Iterator[list[str]]:
    yield from serve(tmp_path)


def test_the_example_passes_the_receiver_gate(receiver_flags: list[str], tmp_path: Path) -> None:
    run = gate(receiver_flags, "--strict", report_dir=tmp_path / "report")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "PASS" in run.stdout
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "receiver_refuses_forged_callback" not in summary
    for kind in ROUTES:
        assert f"`{kind}`" in summary


@pytest.mark.slow  # storms against a receiver run by default in tests/load/test_storm.py
def test_a_short_storm_passes_with_latency_per_kind(receiver_flags: list[str], tmp_path: Path) -> None:
    flags = [flag.replace("--receiver-url=", "") for flag in receiver_flags]
    args = [sys.executable, "-m", "telecontract.cli", "load", "--scenario", "callback_storm"]
    for flag in flags:
        args += ["--receiver-url", flag]
    args += ["--users", "50", "--spawn-rate", "50", "--run-time", "4s", "--report-dir", str(tmp_path / "load")]
    run = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads((tmp_path / "load" / "summary.json").read_text())
    per_kind = summary["per_kind"]
    assert set(per_kind) == set(ROUTES)
    for figures in per_kind.values():
        assert figures["requests"] > 0
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert summary["locust"]["failures"] <= 0.01 * summary["locust"]["requests"]


# ---- planted bugs: each one fails the gate with its own rule ----------------------------------------


def table_rows(stdout: str) -> dict[str, list[int]]:
    """The gate table's figures by row (cases, checks, failed checks, errors, warnings)."""
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
        if len(cells) == 6 and all(cell.isdigit() for cell in cells[1:]):
            rows[cells[0]] = [int(cell) for cell in cells[1:]]
    return rows


def test_accepting_unsigned_callbacks_fails_the_gate_unless_the_team_lowers_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(receiver, "telesign_signature_ok", lambda *args: True)
    monkeypatch.setattr(receiver, "vts_signature_ok", lambda *args: True)
    for flags in serve(tmp_path):
        default = gate(flags)
        lowered = gate(flags, "--warn-on-rule", "receiver_refuses_forged_callback")
    # TeleSign's pages say how to authenticate callbacks and that TeleSign signs every one: an error.
    assert default.returncode == 1, default.stdout[-3000:]
    assert "error: receiver_refuses_forged_callback" in default.stdout
    assert "FAIL" in default.stdout
    rows = table_rows(default.stdout)
    per_webhook = [figures for row, figures in rows.items() if row != "total"]
    assert rows["total"] == [sum(column) for column in zip(*per_webhook, strict=True)]  # the rows add up
    assert rows["total"][3] == 12 and rows["vtsSessionCallback"][3] == 3  # 3 forgeries of each of 4 webhooks
    # A team that authenticates callbacks another way (an allow-list, mutual TLS) lowers the rule.
    assert lowered.returncode == 0, lowered.stdout[-3000:]
    assert "warning: receiver_refuses_forged_callback x12" in lowered.stdout
    assert "--warn-on-rule receiver_refuses_forged_callback" in lowered.stdout  # in the command that repeats it


def test_a_500_on_a_duplicate_fails_the_redelivery_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Store.add

    def add_or_crash(self: Store, kind: str, body: bytes) -> bool:
        if not original(self, kind, body):
            raise RuntimeError("UNIQUE constraint failed")  # the bug: a redelivery is treated as an error
        return True

    monkeypatch.setattr(Store, "add", add_or_crash)
    for flags in serve(tmp_path):
        run = gate(flags)
    assert run.returncode == 1, run.stdout[-3000:]
    assert "error: receiver_acknowledges_redelivery" in run.stdout


@pytest.mark.slow  # the same rule's planted bug is caught in tests/receiver (default run)
def test_an_invalid_v2_answer_fails_the_action_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(receiver, "next_action", lambda event: {"jsonrpc": "2.0", "method": "play", "params": {}})
    for flags in serve(tmp_path):
        run = gate(flags)
    assert run.returncode == 1, run.stdout[-3000:]
    assert "error: receiver_answers_with_valid_action" in run.stdout
    assert "error: receiver_acknowledges_callback" not in run.stdout  # acknowledged, only the answer is wrong


def test_answering_after_the_timeout_fails_the_timing_rule(tmp_path: Path) -> None:
    def slow(app: Any) -> Any:
        async def late(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                await asyncio.sleep(0.5)
            await app(scope, receive, send)

        return late

    for flags in serve(tmp_path, slow):
        run = gate(flags, "--receiver-timeout", "0.2", report_dir=tmp_path / "report")
    assert run.returncode == 1, run.stdout[-3000:]
    assert "error: receiver_answers_in_time x4" in run.stdout  # one finding per webhook, no --strict needed
    assert "outside any named rule" not in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "Answer 2xx as soon as the callback is stored" in summary  # what to change, not only what broke


def test_a_vts_session_called_back_by_get_is_verified_and_stored(tmp_path: Path) -> None:
    for flags in serve(tmp_path):
        url = flags[-1].split("=", 2)[2]  # the vtsSessionCallback route
        with MockProvider() as mock:
            sessions = f"{mock.url}/v1/Account/{mock.credentials.vts_auth_id}/Masking/Session/"
            session = {"first_party": "+14155552345", "second_party": "+12165554567", "session_expiry": 10}
            session |= {"callback_url": url, "callback_method": "GET"}
            created = httpx.post(sessions, json=session, auth=HttpxAuth(mock.credentials))
            assert created.status_code in (200, 201), created.text
            deadline = time.monotonic() + 5
            while not mock.callbacks:
                assert time.monotonic() < deadline, "no callback was sent"
                time.sleep(0.02)
            (sent,) = mock.callbacks
        assert sent.body == b"" and "event=session_expired" in sent.url
        assert sent.status == 204  # verified (a refusal is 401) and stored
