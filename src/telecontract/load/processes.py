"""The processes of a load run: the embedded mock, and Locust headless with its running figures shown."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from telecontract.errors import UsageError
from telecontract.load import stats_files
from telecontract.progress import ProgressDisplay
from telecontract.server import wait_until_serving


def start_mock(port: int, sink_url: str, defects: tuple[str, ...], spec: Path | None) -> subprocess.Popen[bytes]:
    args = [
        sys.executable,
        "-m",
        "telecontract.cli",
        "mock",
        "--port",
        str(port),
        "--time-scale",
        "0.01",
        "--voice-event-url",
        f"{sink_url}/voiceEvent",
    ]
    for defect in defects:
        args += ["--defect", defect]
    if spec is not None:
        args += ["--spec", str(spec)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/")
    except TimeoutError:
        process.kill()
        raise UsageError("The embedded mock did not start within 30 s.") from None
    return process


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
