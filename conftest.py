"""Root fixtures: which target the suite talks to, and the callback sink it reports to.

By default an embedded mock is started on a free loopback port for the session, with its Voice v2
events going to an embedded callback sink. With `--target-url URL` (or $TELECONTRACT_TARGET_URL)
the same tests run against that server with the credentials from the TELECONTRACT_* variables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from telecontract.contract.budget import Budget, parse_rate
from telecontract.contract.failures import RuleViolation
from telecontract.contract.recording import recorder_for
from telecontract.contract.summary import summary_for
from telecontract.contract.target import ENV_TARGET_URL, Target, open_target
from telecontract.credentials import Credentials
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink
from telecontract.spec import Spec, load_spec

# Hypothesis profiles: the default keeps the test run short, `deep` is `telecontract gate --deep`.
settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("deep", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("TELECONTRACT_HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("telecontract")
    group.addoption(
        "--target-url",
        default=os.environ.get(ENV_TARGET_URL),
        help="Base URL of the server under test (default: an embedded mock on 127.0.0.1).",
    )
    group.addoption(
        "--defect",
        action="append",
        default=[],
        help="Switch a defect on in the embedded mock (repeatable); see `telecontract mock --list-defects`.",
    )
    group.addoption(
        "--rate-limit",
        default=None,
        help="Requests per time unit towards the target (e.g. 10/s); default 10/s for a --target-url, none for "
        "the embedded mock.",
    )
    group.addoption(
        "--max-requests",
        type=int,
        default=None,
        help="Request budget for the run; default 5000 for a --target-url, none for the embedded mock.",
    )
    group.addoption("--summary-json", default=None, help="Write the contract run summary (JSON) here.")
    group.addoption(
        "--report-dir", default=None, help="Write summary.md, traffic.har and traffic.ndjson (redacted) here."
    )


@dataclass(frozen=True)
class Sink:
    url: str
    database: Path


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def credentials() -> Credentials:
    return Credentials.from_env()


@pytest.fixture(scope="session")
def callback_sink(credentials: Credentials, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sink]:
    database = tmp_path_factory.mktemp("sink") / "deliveries.sqlite3"
    with serve_in_thread(create_sink(SinkConfig(credentials=credentials, database=database))) as url:
        yield Sink(url, database)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest, credentials: Credentials, callback_sink: Sink) -> Iterator[Target]:
    url = request.config.getoption("--target-url")
    defects = frozenset(request.config.getoption("--defect"))
    if url and defects:
        raise pytest.UsageError("--defect only applies to the embedded mock, not to --target-url.")
    events = f"{callback_sink.url}/voiceEvent"
    # 0.01: the retry schedule (10 s, 30 s) takes 0.4 s, with room for a loaded machine's jitter.
    with open_target(url, credentials, defects=defects, voice_event_url=events, time_scale=0.01) as opened:
        yield opened


@pytest.fixture(scope="session")
def budget(request: pytest.FixtureRequest, target: Target) -> Budget:
    live = not target.embedded
    rate = request.config.getoption("--rate-limit") or ("10/s" if live else None)
    max_requests = request.config.getoption("--max-requests") or (5000 if live else None)
    return Budget(max_requests=max_requests, per_second=parse_rate(rate))


@pytest.fixture(autouse=True)
def _skip_what_a_live_target_cannot_do(request: pytest.FixtureRequest) -> None:
    if not request.config.getoption("--target-url"):
        return
    if request.node.get_closest_marker("embedded_only"):
        pytest.skip("needs the embedded mock (defect switch or carrier simulator), not a live target")
    if request.node.get_closest_marker("callbacks"):
        pytest.skip("needs a target that can reach the local callback sink on 127.0.0.1")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    # Tests that assert a rule raise RuleViolation; tally it like a failed schemathesis check.
    if call.excinfo is not None and isinstance(call.excinfo.value, RuleViolation):
        violation = call.excinfo.value
        summary_for(item.config).failed_rules[violation.rule] += 1
        recorder_for(item.config).record_test_finding(item.nodeid, violation.rule, violation.message)
    return report
