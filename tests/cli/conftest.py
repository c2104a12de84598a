"""The `run` fixture: `telecontract ARGS...` in this process (see cli_runs.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_runs import ROOT, Ran

from telecontract import spec as spec_module
from telecontract.cli import main


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Ran]]:
    """`telecontract ARGS...` in this process: its exit code and what it printed."""

    def invoke(*args: str) -> Ran:
        monkeypatch.setattr(sys, "argv", ["telecontract", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        captured = capsys.readouterr()
        return Ran(int(exited.value.code or 0), captured.out, captured.err)

    chosen = spec_module._chosen
    yield invoke
    # `--spec` makes a spec the process's own: the next test must get the bundled one again.
    spec_module._chosen = chosen
    spec_module.load_spec.cache_clear()


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel as pip would install it, built from this checkout."""
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)]
    command.append(str(ROOT))
    built = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (found,) = dist.glob("telecontract-*.whl")
    return found
