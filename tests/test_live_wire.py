"""A live gate judged from the wire: what the provider received, as a recording upstream logged it.

The upstream is our mock behind a recorder that keeps every request as received (method, raw path,
query, body) and every answer. The judgement is the test's own, not the guard's: every JSON value,
form and query value and path segment that looks like a phone number is held to the list (or to
what the upstream itself answered with), requests are counted against the budget (probes,
retries and redirects included), and calls are found by their paths, also with an edited spec
whose operation ids differ.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from telecontract.credentials import Credentials
from telecontract.spec import bundled_spec_path
from wire_recording import LISTED, calls_placed, numbers_answered, numbers_received, upstream, urls_received

GATE = [sys.executable, "-c", "from telecontract.cli import main; main()", "gate"]
QUICK = ["--seed", "5", "--rate-limit", "5000/s"]


def gate(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | Credentials.from_env().environment()
    env.pop("TELECONTRACT_TARGET_URL", None)
    return subprocess.run([*GATE, *args], capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture
def numbers_file(tmp_path: Path) -> Path:
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"{n}\n" for n in LISTED))
    return path


# ---- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("budget", [40, pytest.param(90, marks=pytest.mark.slow)])
def test_the_provider_receives_at_most_the_budget_probes_included(numbers_file: Path, budget: int) -> None:
    with upstream() as (url, up):
        result = gate("--target-url", url, "--numbers", str(numbers_file), "--max-requests", str(budget), *QUICK)
    assert result.returncode in (0, 1, 3), result.stdout[-3000:] + result.stderr[-2000:]
    assert budget - 5 <= len(up.requests) <= budget, len(up.requests)
    assert f"live-run guard: {len(up.requests)} requests sent of at most {budget}" in result.stdout


def test_a_redirect_is_never_followed_and_counts_once(numbers_file: Path) -> None:
    with upstream(redirect=True) as (url, up):
        result = gate("--target-url", url, "--numbers", str(numbers_file), "--max-requests", "30", *QUICK)
    assert result.returncode in (1, 3), result.stdout[-3000:]
    assert len(up.requests) <= 30
    assert not [r for r in up.requests if r.raw_path.startswith("/elsewhere")], "a redirect was followed"


def test_no_unlisted_number_no_call_and_no_strangers_callback_host_reach_the_provider(
    numbers_file: Path, tmp_path: Path
) -> None:
    # A team's edited spec: every operationId renamed. The guard decides by the spec's marks.
    document = copy.deepcopy(yaml.safe_load(bundled_spec_path().read_text()))
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] = "team" + operation["operationId"][0].upper() + operation["operationId"][1:]
    for response in (r for item in document["paths"].values() for op in item.values() if isinstance(op, dict)
                     for r in op.get("responses", {}).values() if isinstance(r, dict)):  # fmt: skip
        for link in response.get("links", {}).values():
            link["operationId"] = "team" + link["operationId"][0].upper() + link["operationId"][1:]
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False))
    receiver = "http://127.0.0.1:1/team-receiver"
    with upstream() as (url, up):
        args = ["--target-url", url, "--numbers", str(numbers_file), "--spec", str(edited), "--max-requests", "400"]
        result = gate(*args, "--callback-url", receiver, *QUICK, "--", "--hypothesis-profile=quick")
    assert result.returncode in (0, 1, 3), result.stdout[-3000:] + result.stderr[-2000:]
    assert len(up.requests) <= 400
    assert len(up.requests) > 100, "too little traffic for the checks below to mean anything"
    assert calls_placed(up) == [], "a call went out without --allow-calls"
    assert "places real calls; pass --allow-calls" in result.stdout
    unlisted = numbers_received(up) - set(LISTED) - numbers_answered(up)
    assert not unlisted, f"{len(unlisted)} unlisted numbers reached the provider"
    assert numbers_received(up) & set(LISTED), "no listed number went out: the check above proves nothing"
    strangers = {u for u in urls_received(up) if not u.startswith(receiver)}
    assert not strangers, sorted(strangers)[:5]


def test_one_providers_url_receives_only_that_providers_requests(numbers_file: Path) -> None:
    with upstream() as (vts_url, vts):
        result = gate("--vts-url", vts_url, "--numbers", str(numbers_file), "--max-requests", "120", *QUICK)
    assert result.returncode in (0, 1, 3), result.stdout[-3000:] + result.stderr[-2000:]
    paths = {unquote(r.raw_path) for r in vts.requests}
    assert paths and all(p.startswith("/v1/Account/") or p == "/" for p in paths), sorted(paths)[:5]
    assert "no URL for TeleSign Number Masking and Voice v2; pass --telesign-url" in result.stdout


def test_an_exported_target_url_alone_never_makes_a_test_run_live() -> None:
    # The variable is the gate's (`telecontract gate` reads it); the engine under plain pytest does not.
    with upstream() as (url, up):
        env = os.environ | {"TELECONTRACT_TARGET_URL": url}
        args = ["-p", "telecontract.contract.plugin", "--pyargs", "telecontract.suite", "-k", "auth", "-q"]
        args += ["-p", "no:cacheprovider", "--hypothesis-profile=quick"]
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-o", "addopts=", *args], capture_output=True, text=True, env=env
        )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout  # it ran, against the embedded mock
    assert up.requests == [], f"{len(up.requests)} requests reached the exported URL"
