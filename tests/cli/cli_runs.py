"""Running `telecontract` as a user does: in this process for answers that come before anything
starts (fast; the `run` fixture of conftest.py), in a subprocess for servers that keep running."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

CLI = [sys.executable, "-m", "telecontract.cli"]
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Ran:
    code: int
    out: str
    err: str


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`telecontract ARGS...` as its own process, its output readable line by line."""
    return subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def lines_until(process: subprocess.Popen[str], prefix: str, limit: int = 20) -> list[str]:
    """The lines it prints up to and with the first that starts with `prefix`."""
    seen: list[str] = []
    for _ in range(limit):
        line = process.stdout.readline()  # type: ignore[union-attr]
        if not line:
            break
        seen.append(line.rstrip("\n"))
        if line.startswith(prefix):
            return seen
    process.kill()
    _, err = process.communicate(timeout=10)
    raise AssertionError(f"no line starting {prefix!r} in {seen}; stderr: {err[-2000:]}")


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=10)


def unpack(wheel: Path, folder: Path) -> Path:
    """The wheel's files in `folder`, laid out as in site-packages (what installing a pure wheel does)."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder)
    return folder
