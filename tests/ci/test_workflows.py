"""The CI workflows to copy (examples/ci/) and the composite action (action.yml) stay valid.

Each is checked against GitHub's own schema (SchemaStore's, as vendored by check-jsonschema, so no
network), and every `telecontract` command in them is parsed by the CLI as it is today, with the
example config file: a renamed flag or a profile that is gone fails here, not in a team's CI.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from telecontract import config
from telecontract.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "ci"
WORKFLOWS = sorted(EXAMPLES.glob("*.yml"))
ACTION = ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
SHELL_WORDS = {"then", "else", "do", "!", "time"}


def validate(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_there_is_a_workflow_for_each_job_a_team_runs() -> None:
    triggers = {path.stem: yaml.safe_load(path.read_text())[True] for path in WORKFLOWS}  # YAML reads `on` as True
    assert "pull_request" in triggers["gate"]
    assert triggers["drift-spec"]["pull_request"]["paths"] == ["specs/openapi.yaml"]
    assert "schedule" in triggers["nightly-drift-traffic"]
    assert "release" in triggers["release-load"]


def test_the_workflows_follow_githubs_schema() -> None:
    result = validate("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_action_follows_githubs_schema() -> None:
    result = validate("vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOWS[0].read_text().replace("runs-on:", "run-on:"))
    result = validate("vendor.github-workflows", broken)
    assert result.returncode != 0 and "runs-on" in result.stdout + result.stderr


def commands_in(script: str) -> list[list[str]]:
    """Every `telecontract ...` command of a shell script, as argument lists (expressions as 1)."""
    script = EXPRESSION.sub("1", script.replace("\\\n", " "))
    found = []
    for line in script.splitlines():
        for segment in re.split(r"\|\||&&|;|\||>>|>", line):
            words = shlex.split(segment, comments=True)
            while words and words[0] in SHELL_WORDS:
                words = words[1:]
            if words[:1] == ["telecontract"]:  # a command, not `pip install telecontract`
                found.append(words[1:])
    return found


def every_command() -> list[tuple[str, list[str]]]:
    found = []
    for path in WORKFLOWS:
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            for step in job["steps"]:
                found += [(f"{path.name} {name}", args) for args in commands_in(step.get("run", ""))]
                if str(step.get("uses", "")).startswith("telecontract/telecontract@"):
                    given = step["with"]
                    args = [*given["command"].split(), "--report-dir", given["report-dir"], *given["args"].split()]
                    found.append((f"{path.name} {name} (action)", commands_in(" ".join(["telecontract", *args]))[0]))
    return found


def parse(args: list[str]) -> click.Context:
    """Parse as `telecontract ARGS` would, with the example config, without running anything.

    The workflows give the root command no options, so the first word is always a command's name.
    """
    context = click.Context(cli, info_name="telecontract", obj=config.read(EXAMPLES / "telecontract.toml"))
    command: click.Command = cli
    rest = list(args)
    while isinstance(command, click.Group):
        name, found, rest = command.resolve_command(context, rest)
        assert found is not None and name is not None
        if isinstance(found, click.Group):
            context = click.Context(found, info_name=name, parent=context)
        else:
            context = found.make_context(name, rest, parent=context)
        command = found
    return context


COMMANDS = every_command()


def test_every_workflow_runs_telecontract() -> None:
    assert {where.split()[0] for where, _ in COMMANDS} == {path.name for path in WORKFLOWS}


@pytest.mark.parametrize(("where", "args"), COMMANDS, ids=[f"{w}: {' '.join(a)[:60]}" for w, a in COMMANDS])
def test_every_command_in_a_workflow_parses_with_todays_cli(where: str, args: list[str]) -> None:
    context = parse(args)
    assert context.command.name in {"gate", "load", "spec", "traffic"}, where


def test_a_renamed_flag_would_be_caught() -> None:
    with pytest.raises(click.UsageError, match="No such option"):
        parse(["gate", "--report-folder", "reports"])
    with pytest.raises(Exception, match="No load profile named 'nightly'"):
        parse(["load", "--profile", "nightly"])


def unset_secrets(text: str) -> str:
    """A workflow's text as GitHub runs it for a repository that set no secret or variable: each
    `secrets.*` / `vars.*` expression empty (GitHub's value for a missing one), the run number 1."""
    text = re.sub(r"\$\{\{\s*github\.run_number\s*\}\}", "1", text)
    return re.sub(r"\$\{\{\s*(?:secrets|vars)\.\w+\s*\}\}", "", text)


def test_the_gate_workflow_passes_on_the_embedded_mock_with_no_secret_set(tmp_path: Path) -> None:
    """A fork or a new repository has none of the secrets: the gate runs on the embedded mock and
    passes, instead of testing VTS paths like /v1/Account//Masking/Session (an empty auth id)."""
    steps = yaml.safe_load((EXAMPLES / "gate.yml").read_text())["jobs"]["gate"]["steps"]
    step = next(step for step in steps if step.get("name") == "gate")
    given = {name: unset_secrets(value) for name, value in step["env"].items()}
    assert set(given.values()) == {""}, "every secret and variable is empty, as GitHub hands it over"
    env = os.environ | given | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env["TELECONTRACT_HYPOTHESIS_PROFILE"] = "quick"  # fewer generated cases; every operation still runs
    (tmp_path / ".git").mkdir()  # the team's repository, with no config file
    result = subprocess.run(
        ["bash", "-e", "-c", unset_secrets(step["run"])],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "PASS" in result.stdout and "Contract gate against embedded mock" in result.stdout
    kept = next(step for step in steps if step.get("name") == "keep the reports")["with"]["path"].split()
    assert all((tmp_path / path).is_file() for path in kept), sorted(p.name for p in (tmp_path / "reports").rglob("*"))
