"""The wheel works anywhere: built, installed (not editable) with the dependencies it declares and
nothing else into a fresh virtual environment, and run from another folder.

Nothing here may depend on the checkout's layout or on the test environment's packages: the suite,
the load scenarios and the spec ship inside the package, and a dependency that pyproject.toml
does not declare is not there.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Wheels of the declared dependencies, kept between runs so that every run after the first
# installs offline in seconds; delete the folder to start afresh.
WHEELHOUSE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "telecontract" / "test-wheelhouse"


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtual environment with the wheel and its declared dependencies (resolved by pip
    from the wheel's own metadata); its bin folder.

    Installed offline from WHEELHOUSE; when that lacks something the wheel asks for (the first run,
    a new dependency or bound), the registry fills it with what the wheel declares, and the offline
    install runs again.
    """
    dist = tmp_path_factory.mktemp("dist")
    built = pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT))
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("telecontract-*.whl")
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    offline = ("--python", str(python), "install", "-q", "--no-compile", "--no-index", "--find-links")
    offline += (str(WHEELHOUSE), str(wheel))
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    with (WHEELHOUSE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be filling it
        install = pip(*offline)
        if install.returncode != 0:
            download = pip("download", "-q", "-d", str(WHEELHOUSE), str(wheel))
            assert download.returncode == 0, download.stderr[-3000:]
            for ours in WHEELHOUSE.glob("telecontract-*.whl"):
                ours.unlink()  # this build's wheel, copied in by `pip download`: the next build brings its own
            install = pip(*offline)
    assert install.returncode == 0, install.stderr[-3000:]
    # Byte-compiled, as pip would by default, but on every core: with PYTHONDONTWRITEBYTECODE (set
    # on CI machines) no command writes its own, and a short load run would spend it compiling.
    subprocess.run([str(python), "-m", "compileall", "-q", "-j", "0", str(venv / "lib")], check=True, timeout=300)
    yield venv / "bin"


def clean_env(bin_dir: Path) -> dict[str, str]:
    """The environment less anything that points at the checkout or the test run's virtualenv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def command(bin_dir: Path, *args: str) -> list[str]:
    return [str(bin_dir / "telecontract"), *args]


def telecontract(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, from `cwd`, with nothing of the checkout on the path."""
    env = clean_env(bin_dir)
    return subprocess.run(command(bin_dir, *args), capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


def test_the_installed_package_carries_the_suite_the_scenarios_and_the_spec(installed: Path, tmp_path: Path) -> None:
    probe = "import telecontract, telecontract.suite, telecontract.load.scenarios; print(telecontract.__file__)"
    where = subprocess.run([str(installed / "python"), "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    package = Path(where.stdout.strip()).parent
    assert package.is_relative_to(installed.parent), where.stdout + where.stderr  # not the checkout's src/
    assert (package / "specs" / "openapi.yaml").is_file()
    assert (package / "suite" / "test_operations.py").is_file()
    assert (package / "load" / "scenarios" / "masking_sessions.py").is_file()
    # Only what the wheel declares: the test extras (here, the SDKs) are not borrowed from this run.
    borrowed = subprocess.run([str(installed / "python"), "-c", "import telesign"], capture_output=True, text=True)
    assert borrowed.returncode != 0 and "ModuleNotFoundError" in borrowed.stderr


def test_commands_work_from_another_folder(installed: Path, tmp_path: Path) -> None:
    defects = telecontract(installed, tmp_path, "mock", "--list-defects")
    assert defects.returncode == 0 and "auth_ignored" in defects.stdout, defects.stderr
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
    # 3 s, not 2: Locust's run-time timer counts from when gevent's loop last read its clock, before
    # the start-up (spec loading), so a busy machine cuts a 2 s run to nothing.
    args = ["--scenario", "masking_sessions", "--run-time", "3s", "--users", "2", "--spawn-rate", "2"]
    load = telecontract(installed, tmp_path, "load", *args, "--report-dir", str(tmp_path / "load"))
    assert load.returncode == 0, load.stdout[-3000:] + load.stderr[-2000:]
    assert (tmp_path / "load" / "summary.json").is_file() and (tmp_path / "load" / "report.html").is_file()
    assert not (tmp_path / ".pytest_cache").exists()
    assert not (tmp_path / ".hypothesis").exists()  # kept with the reports, not in the team's folder


def test_the_mock_serves_until_stopped(installed: Path, tmp_path: Path) -> None:
    mock = subprocess.Popen(
        command(installed, "mock", "--port", "0"),
        cwd=tmp_path,
        env=clean_env(installed),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert mock.stdout is not None
        first = mock.stdout.readline()  # printed once the port is bound
        if not first.startswith("telecontract mock listening on http://127.0.0.1:"):
            mock.wait(timeout=30)
            pytest.fail(first + mock.stdout.read()[-3000:])
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(first.split()[-1] + "/v1/anonymous/session/sms", data=b"", timeout=30)
        assert refused.value.code == 401 and b"Authorization" in refused.value.read()  # TeleSign's answer
        mock.send_signal(signal.SIGINT)  # Ctrl-C
        mock.wait(timeout=30)
        rest = mock.stdout.read()  # not communicate(): it would skip what readline() buffered
    finally:
        mock.kill()
    assert mock.returncode in (0, 130) and "Traceback" not in rest, rest[-3000:]


def test_drift_spec_compares_the_shipped_spec_with_a_changed_copy(installed: Path, tmp_path: Path) -> None:
    locate = "import telecontract.spec as s; print(s.default_spec_path())"
    env = clean_env(installed)
    where = subprocess.run(
        [str(installed / "python"), "-c", locate], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    shipped = Path(where.stdout.strip())
    assert shipped.is_relative_to(installed.parent), where.stdout + where.stderr
    document = yaml.safe_load(shipped.read_text())
    del document["paths"]["/v1/voice/{reference_id}"]
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    drift = telecontract(installed, tmp_path, "drift", "spec", str(shipped), "new.yaml")
    assert drift.returncode == 1, drift.stdout[-3000:] + drift.stderr[-2000:]
    assert "operation-removed" in drift.stdout and "GET /v1/voice/{reference_id} was removed" in drift.stdout


def test_a_team_suite_outside_the_repository_uses_the_fixtures(installed: Path, tmp_path: Path) -> None:
    # The example's own tests, copied out of the checkout, run by the fresh environment: their
    # fixtures come from the installed wheel's pytest11 entry point.
    suite = tmp_path / "ride_app"
    shutil.copytree(ROOT / "examples" / "ride_app", suite, ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [
            str(installed / "python"),
            "-m",
            "pytest",
            "-o",
            "addopts=",
            str(suite),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout
