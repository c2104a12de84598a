"""The config file: found the way a team expects, checked like the command line, overridden by flags."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from telecontract.cli import main

PYPROJECT = """\
[project]
name = "ride-app"

[tool.telecontract]
report_dir = "reports"

[tool.telecontract.gate]
max_requests = 300
numbers = "numbers.txt"
strict = true

[tool.telecontract.load.profiles.release]
scenario = "masking_sessions"
users = 50
spawn_rate = 50
run_time = "5m"
thresholds = "p95<100;fail_ratio<0.01"
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`telecontract ARGS` in this process, as a shell would run it: exit code, stdout, stderr."""
    old = sys.argv
    sys.argv = ["telecontract", *args]
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team's repository with the config in pyproject.toml; the test runs from a folder inside it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "numbers.txt").write_text("+14155550123\n")
    inside = tmp_path / "services" / "rides"
    inside.mkdir(parents=True)
    monkeypatch.chdir(inside)
    for name in ("TELECONTRACT_CONFIG", "TELECONTRACT_TARGET_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_config_prints_each_setting_and_where_it_came_from(project: Path, capsys) -> None:
    code, out, _ = run(["config", "load", "gate", "--profile", "release"], capsys)
    assert code == 0, out
    assert f"config file: {project / 'pyproject.toml'}" in out
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") >= 3}
    # max_requests is the gate's and the load run's: the gate's comes from its table.
    budgets = [line for line in out.splitlines() if "max_requests" in line]
    assert any("300" in line and "[tool.telecontract.gate]" in line for line in budgets), budgets
    # A path is relative to the file's folder, not to where the command runs.
    assert any("../../numbers.txt" in line for line in out.splitlines() if "│ numbers " in line)
    # A top-level report_dir is the root of every command's reports.
    assert "../../reports/gate" in out and "../../reports/load" in out
    assert "50" in lines["users"] and "[tool.telecontract.load.profiles.release]" in lines["users"]
    assert "default" in lines["rate_limit"]


def test_an_environment_variable_wins_over_the_file(project: Path, capsys, monkeypatch) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT + '\n[tool.telecontract.load]\ntarget_url = "http://a.example"\n')
    monkeypatch.setenv("TELECONTRACT_TARGET_URL", "http://from-env.example")
    code, out, _ = run(["config", "gate"], capsys)
    assert code == 0
    line = next(line for line in out.splitlines() if "target_url" in line)
    assert "http://from-env.example" in line and "env TELECONTRACT_TARGET_URL" in line
    code, out, _ = run(["config", "load"], capsys)
    line = next(line for line in out.splitlines() if "target_url" in line)
    assert "http://a.example" in line and "[tool.telecontract.load]" in line


def test_the_file_drives_the_gate_and_a_flag_overrides_it(project: Path, capsys) -> None:
    code, out, _ = run(["gate", "--target-url", "http://127.0.0.1:9", "--dry-run"], capsys)
    assert code == 0, out
    assert "at most 300 (--max-requests)" in out
    assert "numbers (1, only these go into party fields)" in out
    code, out, _ = run(["gate", "--target-url", "http://127.0.0.1:9", "--dry-run", "--max-requests", "7"], capsys)
    assert "at most 7 (--max-requests)" in out


def test_telecontract_toml_wins_over_pyproject(project: Path, capsys) -> None:
    (project / "telecontract.toml").write_text("[gate]\nmax_requests = 12\n")
    code, out, _ = run(["config", "gate"], capsys)
    assert code == 0
    assert "telecontract.toml" in out
    assert "12" in next(line for line in out.splitlines() if "max_requests" in line)


def test_the_search_stops_at_the_project_root(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / "telecontract.toml").write_text("[gate]\nmax_requests = 12\n")
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    monkeypatch.chdir(checkout)
    monkeypatch.delenv("TELECONTRACT_CONFIG", raising=False)
    code, out, _ = run(["config", "gate"], capsys)
    assert code == 0
    assert "config file: none found" in out


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[gate]\nstrikt = true\n", ["[tool.telecontract.gate]", "unknown key 'strikt'", "Allowed here:", "strict"]),
        ("[gate]\nmax_requests = 0\n", ["max_requests = 0", "Allowed: a number at least 1"]),
        ("[gate]\nvalidity_unit = 'weeks'\n", ["validity_unit = 'weeks'", "one of days, hours, minutes, seconds"]),
        ("colour = 'blue'\n", ["unknown key 'colour'", "Top-level keys:"]),
        ("[load.profiles.release]\nusers = 'many'\n", ["[tool.telecontract.load.profiles.release]", "users = 'many'"]),
        ("[drift.spek]\nfail_on = 'error'\n", ["[tool.telecontract.drift]", "unknown key 'spek'", "spec, traffic"]),
        ("[gate\n", ["not valid TOML"]),
    ],
    ids=["unknown key", "out of range", "bad choice", "top-level typo", "bad profile value", "subcommand", "toml"],
)
def test_a_bad_key_or_value_is_a_usage_error_naming_file_key_and_what_is_allowed(
    project: Path, capsys, toml: str, expected: list[str]
) -> None:
    # The cases are written as telecontract.toml would have them; in pyproject.toml tables get a prefix.
    in_pyproject = toml.replace("[", "[tool.telecontract.", 1) if toml.startswith("[") else toml
    (project / "pyproject.toml").write_text(f'[project]\nname = "x"\n[tool.telecontract]\n{in_pyproject}')
    code, out, err = run(["gate", "--dry-run"], capsys)
    assert code == 2, out
    assert "pyproject.toml" in err
    for text in expected:
        assert text in err, err
    assert "Traceback" not in err


def test_an_unknown_profile_names_the_ones_there(project: Path, capsys) -> None:
    code, _, err = run(["load", "--profile", "nightly"], capsys)
    assert code == 2
    assert "No load profile named 'nightly'" in err and "Profiles there: release" in err


def test_an_explicit_config_that_is_missing_is_a_usage_error(project: Path, capsys) -> None:
    code, _, err = run(["--config", "nowhere.toml", "gate", "--dry-run"], capsys)
    assert code == 2
    assert "Config file not found: nowhere.toml" in err
