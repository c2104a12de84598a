"""The wheel works anywhere: built, unpacked away from the checkout, and run from another folder.

Nothing here may depend on the checkout's layout: the suite, the load scenarios and the spec
ship inside the package. The unpacked wheel comes first on PYTHONPATH, so it (not the editable
install) is what every command and every process it starts imports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("telecontract-*.whl")
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    yield site


def telecontract(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(site)}
    command = [sys.executable, "-c", "from telecontract.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


def test_the_wheel_carries_the_suite_the_scenarios_and_the_spec(unpacked_wheel: Path, tmp_path: Path) -> None:
    env = os.environ | {"PYTHONPATH": str(unpacked_wheel)}
    probe = "import telecontract, telecontract.suite, telecontract.load.scenarios as s; print(telecontract.__file__)"
    where = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert where.stdout.strip().startswith(str(unpacked_wheel)), where.stdout + where.stderr
    assert (unpacked_wheel / "telecontract" / "specs" / "openapi.yaml").is_file()
    assert (unpacked_wheel / "telecontract" / "suite" / "test_operations.py").is_file()
    assert (unpacked_wheel / "telecontract" / "load" / "scenarios" / "masking_sessions.py").is_file()


def test_commands_work_from_another_folder(unpacked_wheel: Path, tmp_path: Path) -> None:
    defects = telecontract(unpacked_wheel, tmp_path, "mock", "--list-defects")
    assert defects.returncode == 0 and "auth_ignored" in defects.stdout, defects.stderr
    docs = telecontract(unpacked_wheel, tmp_path, "drift", "docs")
    assert docs.returncode == 0, docs.stdout + docs.stderr
    gate = telecontract(
        unpacked_wheel, tmp_path, "gate", "--operation", "createSmsMaskedSession", "--", "--hypothesis-profile=quick"
    )
    assert gate.returncode == 0, gate.stdout[-3000:] + gate.stderr[-2000:]
    assert "PASS" in gate.stdout
    load = telecontract(
        unpacked_wheel,
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
    assert (tmp_path / "load" / "summary.json").is_file()
    assert not (tmp_path / ".pytest_cache").exists()


def test_a_team_suite_outside_the_repository_uses_the_fixtures(unpacked_wheel: Path, tmp_path: Path) -> None:
    # The example's own tests, copied out of the checkout, with only the unpacked wheel importable
    # beyond the installed dependencies: its fixtures come from the wheel's pytest11 entry point.
    suite = tmp_path / "ride_app"
    shutil.copytree(ROOT / "examples" / "ride_app", suite)
    env = os.environ | {"PYTHONPATH": str(unpacked_wheel)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout
