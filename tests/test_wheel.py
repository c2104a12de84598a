"""The wheel works anywhere: built, installed (not editable) into a fresh virtual environment, and
run from another folder.

Nothing here may depend on the checkout's layout: the suite, the load scenarios and the spec
ship inside the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtual environment with the wheel installed (not editable); its bin folder.

    The dependencies are borrowed from the test run's environment through a .pth line (that
    adds the folder without running its .pth files, so the editable install stays out), so no
    download is needed.
    """
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("telecontract-*.whl")
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "_borrowed_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    yield venv / "bin"


def telecontract(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, from `cwd`, with nothing of the checkout on the path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    command = [str(bin_dir / "telecontract"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


def test_the_installed_package_carries_the_suite_the_scenarios_and_the_spec(installed: Path, tmp_path: Path) -> None:
    probe = "import telecontract, telecontract.suite, telecontract.load.scenarios; print(telecontract.__file__)"
    where = subprocess.run([str(installed / "python"), "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    package = Path(where.stdout.strip()).parent
    assert package.is_relative_to(installed.parent), where.stdout + where.stderr  # not the checkout's src/
    assert (package / "specs" / "openapi.yaml").is_file()
    assert (package / "suite" / "test_operations.py").is_file()
    assert (package / "load" / "scenarios" / "masking_sessions.py").is_file()


def test_commands_work_from_another_folder(installed: Path, tmp_path: Path) -> None:
    defects = telecontract(installed, tmp_path, "mock", "--list-defects")
    assert defects.returncode == 0 and "auth_ignored" in defects.stdout, defects.stderr
    docs = telecontract(installed, tmp_path, "drift", "docs")
    assert docs.returncode == 0, docs.stdout + docs.stderr
    # The team's config file, in the folder the command runs from, sends the reports to out/gate.
    (tmp_path / "telecontract.toml").write_text('report_dir = "out"\n[gate]\noperation = ["createSmsMaskedSession"]\n')
    gate = telecontract(installed, tmp_path, "gate", "--", "--hypothesis-profile=quick")
    assert gate.returncode == 0, gate.stdout[-3000:] + gate.stderr[-2000:]
    assert "PASS" in gate.stdout
    assert "left out: POST /v1/voice: not selected (--operation)" in gate.stdout
    assert (tmp_path / "out" / "gate" / "report.html").is_file()  # templates ship in the wheel
    # The nightly workflow's second step: the gate's own traffic, its negative cases included, is no drift.
    drift = telecontract(installed, tmp_path, "drift", "traffic", "out/gate/traffic.ndjson", "--fail-on", "warning")
    assert drift.returncode == 0 and "no drift" in drift.stdout, drift.stdout[-3000:]
    load = telecontract(
        installed,
        tmp_path,
        "load",
        "--scenario",
        "masking_sessions",
        "--run-time",
        "3s",
        "--users",
        "2",
        "--spawn-rate",
        "2",
        "--report-dir",
        str(tmp_path / "load"),
    )
    assert load.returncode == 0, load.stdout[-3000:] + load.stderr[-2000:]
    assert (tmp_path / "load" / "summary.json").is_file() and (tmp_path / "load" / "report.html").is_file()
    assert not (tmp_path / ".pytest_cache").exists()
    assert not (tmp_path / ".hypothesis").exists()  # kept with the reports, not in the team's folder


def test_a_team_suite_outside_the_repository_uses_the_fixtures(installed: Path, tmp_path: Path) -> None:
    # The example's own tests, copied out of the checkout, run by the fresh environment: their
    # fixtures come from the installed wheel's pytest11 entry point.
    suite = tmp_path / "ride_app"
    shutil.copytree(ROOT / "examples" / "ride_app", suite)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(installed / "python"), "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout
