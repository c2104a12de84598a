"""`telecontract gate --self-test` as a user runs it, with each suite run stood in for (its summary file).

The real runs are `tests/test_detection_power.py`'s; here the command's own part is checked: every run
gets the gate's --spec and --operation, each defect's row names the finding that caught it, and a
run that produces its rule on another operation is not counted.
"""

from __future__ import annotations

import copy
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

from telecontract import spec as spec_module
from telecontract.cli import cli
from telecontract.cli import self_test as self_test_command
from telecontract.contract import selftest
from telecontract.contract.rules import finding
from telecontract.mock.defects import DEFECTS
from telecontract.spec import load_spec


class StandIn:
    """Answers each suite run as the run of a mock that shows its defect where it declares (or elsewhere)."""

    def __init__(self, elsewhere: frozenset[str] = frozenset()) -> None:
        self.elsewhere = elsewhere  # defects whose finding this stand-in puts on another operation
        self.calls: list[list[str]] = []
        self.lock = threading.Lock()

    def run(self, args: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        with self.lock:
            self.calls.append(args)
        options = dict(arg.removeprefix("--").split("=", 1) for arg in args if arg.startswith("--") and "=" in arg)
        found = []
        if defect := options.get("defect"):
            expected = DEFECTS[defect].expected
            where = "GET /nowhere" if defect in self.elsewhere else expected.where
            found = [finding(expected.rule, f"it showed: {expected.detail}", operation=where).to_dict()]
        status = 1 if found else 0
        summary = {"exit_status": status, "cases": 5, "findings": found, "never_succeeded": [], "unexercised": []}
        Path(options["summary-json"]).write_text(json.dumps(summary))
        return subprocess.CompletedProcess(args, status, "", "")


@pytest.fixture
def edited_spec(tmp_path: Path) -> Iterator[Path]:
    document = copy.deepcopy(load_spec().document)
    document["info"]["title"] = "an edited copy"
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    yield path
    # The gate made it this process's spec: the rest of the session reads the bundled one again.
    spec_module._chosen = None
    load_spec.cache_clear()


def self_test(monkeypatch: pytest.MonkeyPatch, stand_in: StandIn, *args: str) -> Any:
    monkeypatch.setattr(selftest, "subprocess", SimpleNamespace(run=stand_in.run))
    # Wide enough that no cell folds: this is about what each row says, not how it wraps.
    monkeypatch.setattr(self_test_command, "terminal", lambda: Console(width=1000))
    return CliRunner().invoke(cli, ["gate", "--self-test", "--progress", "off", *args], catch_exceptions=False)


def test_every_run_gets_the_gates_spec_and_operations_and_each_row_names_its_finding(
    monkeypatch: pytest.MonkeyPatch, edited_spec: Path
) -> None:
    stand_in = StandIn()
    result = self_test(monkeypatch, stand_in, "--spec", str(edited_spec), "--operation", "Masked", "--seeds", "2")
    assert result.exit_code == 0, result.output
    # Two faithful seeds, one of them the defect runs' own control, and one run per defect.
    assert len(stand_in.calls) == 2 + len(DEFECTS)
    for args in stand_in.calls:
        assert f"--spec={edited_spec.resolve()}" in args
        assert [arg for arg in args if arg.startswith("--operation")] == ["--operation=Masked"]
    output = result.output
    detail = DEFECTS["masking_missing_field"].expected.detail
    assert f"response_schema_conformance on POST /v1/anonymous/session/sms: it showed: {detail}" in output
    assert f"defects caught by their own finding: {len(DEFECTS)}/{len(DEFECTS)}" in output


def test_a_defect_whose_rule_fails_on_another_operation_is_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    result = self_test(monkeypatch, StandIn(elsewhere=frozenset({"masking_missing_field"})), "--seeds", "1")
    assert result.exit_code == 1, result.output
    assert "MISSED" in result.output
    assert f"defects caught by their own finding: {len(DEFECTS) - 1}/{len(DEFECTS)}" in result.output
