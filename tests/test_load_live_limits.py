"""`telecontract load --target-url` keeps the gate's promises, judged from what the target received.

The target is the mock behind the recording upstream of `tests/wire_recording.py`; the judgement
(numbers written anywhere in a request, calls by path) is that test's own reading of the wire.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from wire_recording import LISTED, calls_placed, numbers_answered, numbers_received, upstream


def load(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "telecontract.cli", "load", "--users", "4", "--spawn-rate", "4", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tempfile.gettempdir())


@pytest.fixture
def numbers_file(tmp_path: Path) -> Path:
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"+{n}\n" for n in LISTED))
    return path


def test_a_load_run_sends_only_listed_numbers_within_its_budget(tmp_path: Path, numbers_file: Path) -> None:
    with upstream() as (url, up):
        result = load(
            "--scenario", "masking_sessions", "--target-url", url, "--numbers", str(numbers_file),
            "--max-requests", "150", "--run-time", "4s", "--report-dir", str(tmp_path / "r"),
        )  # fmt: skip
    assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr[-3000:]
    assert 100 <= len(up.requests) <= 150, len(up.requests)  # the users would have sent thousands
    assert f"live-run guard: {len(up.requests)} requests sent of at most 150" in result.stdout
    sent = numbers_received(up)
    assert sent & set(LISTED)
    assert not sent - set(LISTED) - numbers_answered(up), "an unlisted number reached the target"
    assert calls_placed(up) == []


@pytest.mark.parametrize(
    ("scenario", "flags", "needed"),
    [
        ("masking_sessions", [], "--numbers FILE"),
        ("callbacks", ["--numbers"], "--allow-calls"),
    ],
)
def test_a_scenario_that_needs_what_was_not_allowed_refuses_to_start(
    tmp_path: Path, numbers_file: Path, scenario: str, flags: list[str], needed: str
) -> None:
    with upstream() as (url, up):
        args = [a for flag in flags for a in (["--numbers", str(numbers_file)] if flag == "--numbers" else [flag])]
        result = load("--scenario", scenario, "--target-url", url, *args, "--report-dir", str(tmp_path / "r"))
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert needed in result.stderr and "Traceback" not in result.stderr
    assert up.requests == []  # refused before anything was sent
