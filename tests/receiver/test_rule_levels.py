"""A rule's level, the team's call: --warn-on-rule lowers an error, --fail-on-rule raises a warning.

Both as flags and as `warn_on_rule = [...]` / `fail_on_rule = [...]` in the config file; a name
that is not a rule is a usage error (exit 2), wherever it was written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telecontract.cli import main
from telecontract.contract.rules import check_rule_levels, finding, promoted
from telecontract.errors import UsageError
from telecontract.server import serve_in_thread
from telecontract.spec import load_spec
from telecontract.webhooks import kinds

FORGED = "receiver_refuses_forged_callback"


def test_a_lowered_rule_warns_and_a_raised_one_fails() -> None:
    error = finding(FORGED, "accepted an unsigned callback")
    assert error.severity == "error"  # TeleSign's pages document callback authentication
    assert promoted(error, (), (FORGED,)).severity == "warning"
    assert promoted(error, (), ()).severity == "error"
    warning = finding("masked_id_serves_one_session_per_party", "reused")
    assert warning.severity == "warning"
    assert promoted(warning, ("masked_id_serves_one_session_per_party",), ()).severity == "error"


def test_unknown_names_and_a_rule_both_raised_and_lowered_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="--warn-on-rule receiver_refuses_forged_callbacks: no such rule"):
        check_rule_levels((), ("receiver_refuses_forged_callbacks",))
    with pytest.raises(UsageError, match="named by both --fail-on-rule and --warn-on-rule"):
        check_rule_levels((FORGED,), (FORGED,))
    assert check_rule_levels(("receiver_answers_in_time",), (FORGED,)) == (("receiver_answers_in_time",), (FORGED,))


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`telecontract ARGS` in this process: exit code, stdout, stderr."""
    old = sys.argv
    sys.argv = ["telecontract", *args]
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team's repository with a telecontract.toml; commands run from inside it."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELECONTRACT_CONFIG", raising=False)
    return tmp_path


def test_an_unknown_rule_to_warn_on_is_a_usage_error(project: Path, capsys) -> None:
    code, _, err = run(["gate", "--warn-on-rule", "receiver_refuses_forged_callbacks", "--dry-run"], capsys)
    assert code == 2
    assert "--warn-on-rule receiver_refuses_forged_callbacks: no such rule" in err
    assert "--list-rules" in err


def test_the_config_file_sets_rule_levels_and_checks_their_names(project: Path, capsys) -> None:
    (project / "telecontract.toml").write_text(f'[gate]\nwarn_on_rule = ["{FORGED}"]\n')
    code, out, _ = run(["config", "gate"], capsys)
    assert code == 0, out
    assert FORGED in next(line for line in out.splitlines() if "warn_on_rule" in line)
    assert run(["gate", "--dry-run"], capsys)[0] == 0
    (project / "telecontract.toml").write_text('[gate]\nwarn_on_rule = ["receiver_refuses_forged"]\n')
    code, _, err = run(["gate", "--dry-run"], capsys)
    assert code == 2
    assert "--warn-on-rule receiver_refuses_forged: no such rule" in err


def test_list_rules_says_how_to_set_a_rule_s_level(capsys) -> None:
    code, out, _ = run(["gate", "--list-rules"], capsys)
    assert code == 0
    flat = " ".join(out.split())
    assert "--warn-on-rule RULE (warn_on_rule = [...])" in flat
    assert "a name that is not a rule above is a usage error (exit 2)" in flat


@pytest.fixture
def accepting_everything() -> Iterator[str]:
    """A receiver that checks no signature at all: every callback, forged or not, is answered 204."""

    async def receive(request: Request) -> Response:
        await request.body()
        return Response(status_code=204)

    with serve_in_thread(Starlette(routes=[Route("/{kind}", receive, methods=["POST"])])) as url:
        yield url


def test_a_team_that_authenticates_otherwise_lowers_the_forgery_rule_in_its_config(
    project: Path, accepting_everything: str
) -> None:
    flags = [arg for kind in kinds(load_spec()) for arg in ("--receiver-url", f"{kind}={accepting_everything}/{kind}")]
    gate = [sys.executable, "-m", "telecontract.cli", "gate", *flags, "--seed", "2", "--", "--hypothesis-profile=quick"]
    env = {name: value for name, value in os.environ.items() if name != "TELECONTRACT_CONFIG"}
    failed = subprocess.run(gate, capture_output=True, text=True, timeout=300, cwd=project, env=env)
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert f"error: {FORGED} x12" in failed.stdout
    (project / "telecontract.toml").write_text(f'report_dir = "reports"\n[gate]\nwarn_on_rule = ["{FORGED}"]\n')
    lowered = subprocess.run(gate, capture_output=True, text=True, timeout=300, cwd=project, env=env)
    assert lowered.returncode == 0, lowered.stdout[-3000:]
    assert f"warning: {FORGED} x12" in lowered.stdout
    assert "PASS" in lowered.stdout and "12 warnings" in lowered.stdout
    # Each webhook's row counts its own 3 forgeries, in the terminal and in summary.md alike.
    summary = (project / "reports" / "gate" / "summary.md").read_text()
    rows = [line for line in summary.splitlines() if line.startswith("| `")]
    assert len(rows) == 4 and all(line.endswith("| 3 |") for line in rows), rows
