from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

from telecontract.client_auth import HttpxAuth, RequestsAuth, schemathesis_auth_provider
from telecontract.contract import generation
from telecontract.contract.budget import Budget, BudgetedAuth
from telecontract.contract.checks import DomainRules
from telecontract.contract.recording import recorder_for
from telecontract.contract.reports import markdown, traffic
from telecontract.contract.summary import summary_for
from telecontract.contract.target import Target
from telecontract.spec import Spec


@pytest.fixture(scope="session")
def domain_rules(target: Target) -> DomainRules:
    return DomainRules(time_scale=target.time_scale)


@pytest.fixture(scope="session")
def wire_auth(target: Target, budget: Budget) -> BudgetedAuth:
    """What every schemathesis request is sent with: TSA signing, then the run's budget."""
    return BudgetedAuth(RequestsAuth(target.credentials), budget)


@pytest.fixture(scope="session")
def api_schema(request: pytest.FixtureRequest, spec: Spec, target: Target, budget: Budget) -> schemathesis.BaseSchema:
    # A copy: schemathesis rewrites the document it is given, and the spec is shared.
    schema = schemathesis.openapi.from_dict(copy.deepcopy(spec.document))
    schema.config.update(base_url=target.base_url)
    schema.auth(refresh_interval=None)(schemathesis_auth_provider(target.credentials))
    generation.install(schema, vts_auth_id=target.credentials.vts_auth_id)
    summary = summary_for(request.config)
    recorder = recorder_for(request.config)

    @schema.hook
    def after_validate(context: Any, case: schemathesis.Case, response: Any, results: list[Any]) -> None:
        summary.record(case.operation.label, response.status_code, results)
        recorder.record(case.operation.label, response, results, started=time.time() - response.elapsed)

    return schema


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    summary = summary_for(config)
    if summary.operations:
        terminalreporter.write_line(
            f"contract: {len(summary.operations)} operations, {summary.cases} cases, "
            f"{summary.checks} checks ({len(summary.check_names)} kinds), {summary.failed_checks} failed"
        )
    if summary.never_succeeded():
        terminalreporter.write_line(f"never answered 2xx: {', '.join(summary.never_succeeded())}")
    if summary.failed_rules:
        rules = ", ".join(f"{rule} x{count}" for rule, count in sorted(summary.failed_rules.items()))
        terminalreporter.write_line(f"failed rules: {rules}")


@pytest.fixture
def client(target: Target, budget: Budget) -> Iterator[httpx.Client]:
    hooks = {"request": [lambda request: budget.spend()]}
    auth = HttpxAuth(target.credentials)
    with httpx.Client(base_url=target.base_url, auth=auth, timeout=30, event_hooks=hooks) as opened:
        yield opened


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if report_dir := config.getoption("--report-dir"):
        write_reports(Path(report_dir), config)
    path = config.getoption("--summary-json")
    if path:
        summary = summary_for(config)
        Path(path).write_text(
            json.dumps(
                {
                    "exit_status": int(exitstatus),
                    "cases": summary.cases,
                    "checks": summary.checks,
                    "failed_rules": dict(summary.failed_rules),
                    "never_succeeded": summary.never_succeeded(),
                },
                indent=2,
            )
        )


def write_reports(directory: Path, config: pytest.Config) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    summary, recorder = summary_for(config), recorder_for(config)
    seed = config.getoption("hypothesis_seed", None)
    target = config.getoption("--target-url") or "the embedded mock"
    rerun = "telecontract gate" + (f" --seed {seed}" if seed is not None else " (add --seed N to make runs repeatable)")
    if config.getoption("--target-url"):
        rerun += f" --target-url {config.getoption('--target-url')}"
    markdown.write(directory / "summary.md", summary, recorder, target=target, rerun=rerun)
    traffic.write_ndjson(directory / "traffic.ndjson", recorder)
    traffic.write_har(directory / "traffic.har", recorder)
