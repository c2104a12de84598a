"""pyproject.toml's version ranges say what was tested, and CI tries the lowest of them.

Each direct dependency (the `test` extra's too) has a lower bound and a comment
`# tested LOW \u2013 HIGH` (an en dash) whose LOW is that bound; those that have broken us, or
whose internals we touch, have an upper bound that HIGH lies under. `.ci/lowest-versions` installs the lower bounds
(`uv pip install --resolution lowest-direct`) and runs the gate there; `.ci/run` calls it after
README's test command, which stays its own line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
REQUIREMENT = re.compile(r"^\s*\"(?P<spec>[^\"]+)\",\s*#.*?\btested (?P<low>\S+) \u2013 (?P<high>\S+)")
CAPPED = {"schemathesis", "pytest", "hypothesis", "locust", "jsonschema-rs", "respx"}


def declared() -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    return project["dependencies"] + project["optional-dependencies"]["test"]


def name_of(spec: str) -> str:
    return re.split(r"[\[<>=!~;\s]", spec, maxsplit=1)[0].lower()


def bounds(spec: str) -> tuple[str, str | None]:
    low = re.search(r">=\s*([^,;\s]+)", spec)
    high = re.search(r"<\s*([^,;\s=]+)", spec)
    assert low, f"{spec}: no lower bound (>=)"
    return low[1], high[1] if high else None


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def lines_with_tested_range() -> dict[str, re.Match[str]]:
    found = {}
    for line in PYPROJECT.read_text().splitlines():
        match = REQUIREMENT.match(line)
        if match:
            found[match["spec"]] = match
    return found


@pytest.mark.parametrize("spec", declared(), ids=name_of)
def test_each_dependency_states_the_range_it_was_tested_on(spec: str) -> None:
    line = lines_with_tested_range().get(spec)
    assert line, f'{spec}: its line in pyproject.toml needs a "# tested LOW \u2013 HIGH" comment'
    low, high = bounds(spec)
    assert line["low"] == low, f"{spec}: the lower bound is not the lowest version tested ({line['low']})"
    assert version(line["high"]) >= version(low)
    if high:
        assert version(line["high"]) < version(high), f"{spec}: the newest tested lies outside the range"
    if name_of(spec) in CAPPED:
        assert high, f"{spec}: has broken us or documents internals we touch, so it needs an upper bound"


def test_ci_runs_the_lowest_versions_after_readmes_test_command() -> None:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert ".venv/bin/python -m pytest" in lines
    after = lines[lines.index(".venv/bin/python -m pytest") + 1 :]
    assert any(".ci/lowest-versions" in line for line in after)
    script = (ROOT / ".ci" / "lowest-versions").read_text()
    assert "set -euo pipefail" in script and "--resolution lowest-direct" in script


def test_readme_gives_the_command_for_the_lowest_versions() -> None:
    readme = (ROOT / "README.md").read_text()
    development = readme.split("\n## Development", 1)[1].split("\n## ", 1)[0]
    assert "--resolution lowest-direct" in development and ".ci/lowest-versions" in development
