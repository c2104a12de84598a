"""`telecontract spec export`: the bundled spec out of an installed package, for `drift spec` and `--spec`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runs import ROOT, Ran, unpack

BUNDLED = ROOT / "specs" / "openapi.yaml"


def installed_run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`telecontract ARGS` with the package imported from `site` (an installed layout), from `cwd`."""
    env = {k: v for k, v in os.environ.items() if k not in ("TELECONTRACT_SPEC",)} | {"PYTHONPATH": str(site)}
    command = [sys.executable, "-m", "telecontract.cli", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack(wheel, tmp_path_factory.mktemp("site-packages"))


def test_export_writes_the_shipped_spec_from_an_installed_package(site: Path, tmp_path: Path) -> None:
    where = installed_run(site, tmp_path, "--version")  # the package really comes from the unpacked wheel
    assert where.returncode == 0, where.stderr
    imported = subprocess.run(
        [sys.executable, "-c", "import telecontract; print(telecontract.__file__)"],
        env=os.environ | {"PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert imported.stdout.startswith(str(site)), imported.stdout
    # From an empty folder, the newcomer's way: the file drift spec needs.
    missing = installed_run(site, tmp_path, "drift", "spec", "openapi.yaml", "edited.yaml")
    assert missing.returncode == 2
    assert "`telecontract spec export openapi.yaml`" in missing.stderr and "TELECONTRACT_SPEC" not in missing.stderr
    wrote = installed_run(site, tmp_path, "spec", "export", "openapi.yaml")
    assert wrote.returncode == 0, wrote.stderr
    assert "wrote the bundled spec (info.version " in wrote.stdout
    assert (tmp_path / "openapi.yaml").read_bytes() == BUNDLED.read_bytes()
    same = installed_run(site, tmp_path, "drift", "spec", "openapi.yaml", "openapi.yaml")
    assert same.returncode == 0 and "no drift" in same.stdout
    # To standard output too, byte for byte, for `> file` and pipes.
    printed = subprocess.run(
        [sys.executable, "-m", "telecontract.cli", "spec", "export"],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": str(site)},
        capture_output=True,
        timeout=120,
    )
    assert printed.returncode == 0 and printed.stdout == BUNDLED.read_bytes()


def test_export_keeps_an_existing_file_unless_forced(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "openapi.yaml"
    target.write_text("our edited copy")
    kept: Ran = run("spec", "export", str(target))
    assert kept.code == 2 and "exists" in kept.err and "--force" in kept.err
    assert target.read_text() == "our edited copy"
    forced: Ran = run("spec", "export", str(target), "--force")
    assert forced.code == 0 and target.read_bytes() == BUNDLED.read_bytes()
