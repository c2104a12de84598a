"""The processes of a load run: the embedded mock, and Locust headless with its running figures shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from telecontract.errors import UsageError
from telecontract.load import stats_files
from telecontract.progress import ProgressDisplay
from telecontract.server import wait_until_serving

MOCK_STARTUP_SECONDS = 30.0
LISTENING = re.compile(rb"listening on (http://127\.0\.0\.1:[0-9]+)")


def start_mock(sink_url: str, defects: tuple[str, ...], spec: Path | None) -> tuple[subprocess.Popen[bytes], str]:
    """`telecontract mock` on a port the system picks (`--port 0`): the process and the URL its banner names.

    The mock binds its socket once and says where: no port is picked here, closed and bound again
    by the mock, which another process could take in between.
    """
    args = [sys.executable, "-m", "telecontract.cli", "mock", "--port", "0", "--time-scale", "0.01"]
    args += ["--voice-event-url", f"{sink_url}/voiceEvent"]
    for defect in defects:
        args += ["--defect", defect]
    if spec is not None:
        args += ["--spec", str(spec)]
    # Unbuffered: the banner arrives when printed, not when a pipe's buffer fills.
    process = subprocess.Popen(args, stdout=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    found: list[str] = []
    named = threading.Event()
    reading = threading.Thread(target=_read_banner, args=(process, found, named), name="mock-banner", daemon=True)
    reading.start()
    if not named.wait(MOCK_STARTUP_SECONDS) or not found:
        process.kill()
        raise UsageError(f"The embedded mock did not start within {MOCK_STARTUP_SECONDS:g} s.")
    try:
        wait_until_serving(found[0] + "/")
    except TimeoutError:
        process.kill()
        raise UsageError(f"The embedded mock did not answer within {MOCK_STARTUP_SECONDS:g} s.") from None
    return process, found[0]


def _read_banner(process: subprocess.Popen[bytes], found: list[str], named: threading.Event) -> None:
    """Finds the URL in the mock's banner, then reads on to the end, so the mock never blocks on a full pipe."""
    assert process.stdout is not None
    for line in process.stdout:
        if not found and (listening := LISTENING.search(line)):
            found.append(listening.group(1).decode())
            named.set()
    named.set()  # the mock exited without a banner: found stays empty


def run_locust(args: list[str], env: dict[str, str], report_dir: Path, display: ProgressDisplay) -> int:
    """Locust headless, with its running figures (from the stats history it writes each second) shown."""
    process = subprocess.Popen(args, env=env)
    started = time.monotonic()
    while True:
        figures = (stats_files.history(report_dir) or [{}])[-1]
        detail = (
            f"{figures.get('Total Request Count', '0')} requests, {_number(figures.get('Requests/s')):.0f}/s, "
            f"{figures.get('Total Failure Count', '0')} failed, {figures.get('User Count', '0')} users"
            if figures
            else "starting"
        )
        display.update(min(time.monotonic() - started, display.total), phase="load", detail=detail)
        try:
            return process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            continue


def _number(text: str | None) -> float:
    """Locust's CSV says N/A before the first answer."""
    try:
        return float(text or 0)
    except ValueError:
        return 0.0
