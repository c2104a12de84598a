"""`telecontract gate` end to end, as a user runs it: a verdict and an exit code."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys

import pytest
import yaml

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread
from telecontract.spec import load_spec

GATE = [sys.executable, "-c", "from telecontract.cli import main; main()", "gate"]


def run_gate(*args: str) -> subprocess.CompletedProcess[str]:
    # A live target needs its credentials set: here the embedded mock's, which the local targets use.
    env = os.environ | Credentials.from_env().environment()
    return subprocess.run([*GATE, *args], capture_output=True, text=True, timeout=600, env=env)


def test_gate_passes_on_the_embedded_mock() -> None:
    # The quick profile: this is about the command; the session's own suite run is the thorough one.
    result = run_gate("--seed", "1", "--", "--hypothesis-profile=quick")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "PASS" in result.stdout
    assert "POST /v1/anonymous/session/sms_voice" in result.stdout
    assert "seed 1; repeat this run with: telecontract gate --seed 1" in result.stdout
    # Not a terminal: progress as plain lines on stderr, without escape codes. The phase after the
    # generated cases starts with every operation counted (on pytest 8's reports as on pytest 9's).
    assert re.search(r"progress: generated cases, \d+/\d+ steps, operations \d+/10", result.stderr)
    assert re.search(r"progress: stateful sequences, \d+/\d+ steps, operations 10/10", result.stderr), result.stderr
    assert "\x1b[" not in result.stderr


def test_a_run_without_a_seed_prints_the_one_it_used() -> None:
    result = run_gate("--operation", "createSmsMaskedSession", "--", "--hypothesis-profile=quick")
    assert result.returncode == 0, result.stdout[-3000:]
    seed = re.search(
        r"seed (\d+); repeat this run with: telecontract gate --seed (\d+) --operation createSmsMaskedSession",
        result.stdout,
    )
    assert seed and seed.group(1) == seed.group(2), result.stdout[-1000:]


def test_a_defect_given_to_the_gate_is_caught_and_repeated_everywhere(tmp_path) -> None:
    """--defect is honoured (the mock misbehaves, the gate fails), and the command that repeats the
    run carries it and the pytest arguments, on the terminal, in summary.md and in report.html."""
    pytest_args = ["--", "--hypothesis-profile=quick", "-k", "test_operation_conforms"]
    reports = tmp_path / "reports"
    result = run_gate(
        "--seed", "1", "--defect", "auth_ignored", "--operation", "createSmsMaskedSession",
        "--report-dir", str(reports), *pytest_args,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "FAIL" in result.stdout and "ignored_auth" in result.stdout
    repeat = (
        "telecontract gate --seed 1 --operation createSmsMaskedSession --defect auth_ignored "
        "-- --hypothesis-profile=quick -k test_operation_conforms"
    )
    assert f"repeat this run with: {repeat}" in result.stdout
    assert repeat in (reports / "summary.md").read_text()
    assert repeat in (reports / "report.html").read_text()


@pytest.mark.embedded_only
def test_gate_fails_on_a_target_that_ignores_auth() -> None:
    config = MockConfig(credentials=Credentials.from_env(), defects=frozenset({"auth_ignored"}))
    with serve_in_thread(create_app(config)) as url:
        result = run_gate("--seed", "1", "--target-url", url, "--rate-limit", "2000/s")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "FAIL" in result.stdout
    assert "ignored_auth" in result.stdout or "Authentication declared but not enforced" in result.stdout


@pytest.mark.embedded_only
def test_a_rule_named_with_fail_on_rule_fails_the_run_alone(tmp_path) -> None:
    """An inferred rule only warns (the detection-power table shows it); named with
    --contract-fail-on-rule it fails the run, --strict staying off. Plain pytest, as a team runs the
    shipped suite: the embedded mock with a defect switched on, one test selected."""
    rule = "masked_id_serves_one_session_per_party"
    suite = [
        sys.executable,
        "-m",
        "pytest",
        "-o",
        "addopts=",
        "-p",
        "telecontract.contract.plugin",
        "--pyargs",
        "telecontract.suite",
    ]
    suite += ["-q", "-p", "no:cacheprovider", "--defect=masked_id_reused", "--operation=createSmsVoiceMaskedSession"]
    suite += ["--hypothesis-profile=quick", "--hypothesis-seed=1", "-k", rule, f"--contract-fail-on-rule={rule}"]
    failed = subprocess.run(suite, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert f"error: {rule}" in failed.stdout


def test_gate_refuses_an_unknown_rule_to_fail_on() -> None:
    result = run_gate("--fail-on-rule", "receiver_refuses_forged_callbacks")
    assert result.returncode == 2
    assert "--fail-on-rule receiver_refuses_forged_callbacks: no such rule" in result.stderr


def test_gate_refuses_a_malformed_target_url() -> None:
    result = run_gate("--target-url", "localhost:8080")
    assert result.returncode == 2
    assert "must start with http:// or https://" in result.stderr


def test_gate_on_a_live_target_skips_what_needs_the_embedded_mock() -> None:
    config = MockConfig(credentials=Credentials.from_env())
    with serve_in_thread(create_app(config)) as url:
        result = run_gate("--seed", "2", "--target-url", url, "--rate-limit", "2000/s", "--", "-rs")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "needs the embedded mock" in result.stdout
    assert "needs a target that can reach the local callback sink" in result.stdout


def test_an_edited_spec_drives_the_gate(tmp_path) -> None:
    document = copy.deepcopy(load_spec().document)
    del document["paths"]["/v2/voice"]
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False))
    # Narrowed to one family: the rest of the spec still shows, as "left out", unless it is gone.
    result = run_gate(
        "--spec", str(edited), "--seed", "4", "--operation", "/v1/anonymous", "--", "--hypothesis-profile=quick"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "POST /v1/anonymous/session/sms_voice" in result.stdout
    assert "left out: POST /v1/voice: not selected (--operation)" in result.stdout
    assert "/v2/voice" not in result.stdout


def test_a_spec_that_is_not_one_is_a_usage_error(tmp_path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("just: words\n")
    result = run_gate("--spec", str(broken))
    assert result.returncode == 2
    assert "not an OpenAPI document" in result.stderr
