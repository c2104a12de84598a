"""The fixtures the suites use: the run's options and spec, the target and its callback sink, the
judge and its checks, and clients that send through the live-run guard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from telecontract.client_auth import HttpxAuth, RequestsAuth
from telecontract.contract.checks import DomainRules
from telecontract.contract.engine.command_line import run_options
from telecontract.contract.engine.stash import GUARD_KEY
from telecontract.contract.judge import Judge
from telecontract.contract.options import RunOptions
from telecontract.contract.scope import in_scope, reasons_for
from telecontract.contract.sending import SendingAuth
from telecontract.contract.summary import summary_for
from telecontract.contract.target import Target, guarded_target, open_target
from telecontract.credentials import Credentials
from telecontract.errors import TelecontractError
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink
from telecontract.spec import Spec, load_spec
from telecontract.wire import client as guard_client


@dataclass(frozen=True)
class Sink:
    url: str
    database: Path


@pytest.fixture(scope="session")
def contract_options(request: pytest.FixtureRequest) -> RunOptions:
    return run_options(request.config)


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
def target(
    request: pytest.FixtureRequest, contract_options: RunOptions, credentials: Credentials, callback_sink: Sink
) -> Iterator[Target]:
    events = f"{callback_sink.url}/voiceEvent"
    # 0.01: the retry schedule (10 s, 30 s) takes 0.4 s, with room for a loaded machine's jitter.
    if contract_options.live:
        guard = request.config.stash.get(GUARD_KEY, None)
        if guard is None:
            raise pytest.UsageError("A live run's guard is not serving (was the session started with --collect-only?).")
        yield guarded_target(guard.url, credentials, contract_options)
        return
    try:
        opened = open_target(contract_options, credentials, voice_event_url=events, time_scale=0.01)
        with opened as running:
            yield running
    except TelecontractError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture(scope="session")
def budget_spent(request: pytest.FixtureRequest) -> Any:
    """What a client calls when the guard answers that the request budget is spent."""
    summary = summary_for(request.config)

    def exhausted() -> None:
        summary.budget_exhausted = True

    return exhausted


@pytest.fixture(scope="session")
def scope_reasons(request: pytest.FixtureRequest, spec: Spec, contract_options: RunOptions) -> dict[str, str]:
    """operationId -> why this run leaves it out (nothing, on the embedded mock)."""
    reasons = reasons_for(spec, contract_options)
    summary = summary_for(request.config)
    summary.out_of_scope = {spec.operation(op_id).label: why for op_id, why in reasons.items()}
    summary.in_scope = [op.label for op in in_scope(spec, reasons)]
    return reasons


@pytest.fixture(scope="session")
def judge(spec: Spec, contract_options: RunOptions) -> Judge:
    return Judge(
        spec,
        strict=contract_options.strict,
        fail_on_rules=contract_options.fail_on_rules,
        warn_on_rules=contract_options.warn_on_rules,
    )


@pytest.fixture(scope="session")
def domain_rules(target: Target) -> DomainRules:
    return DomainRules(time_scale=target.time_scale, validity_seconds=target.validity_seconds)


@pytest.fixture(scope="session")
def contract_checks(judge: Judge, domain_rules: DomainRules) -> dict[str, Any]:
    """Keyword arguments for `call_and_validate` / `validate_response`: every check, judged."""
    return judge.validate_kwargs(domain_rules.checks())


@pytest.fixture(scope="session")
def wire_auth(target: Target) -> SendingAuth:
    """What every schemathesis request is sent with: no framing headers of a generated case, TSA signing."""
    return SendingAuth(RequestsAuth(target.credentials))


@pytest.fixture
def client(target: Target, budget_spent: Any) -> Iterator[httpx.Client]:
    auth = HttpxAuth(target.credentials)
    hooks = guard_client.httpx_hooks(budget_spent)
    with httpx.Client(base_url=target.base_url, auth=auth, timeout=30, event_hooks=hooks) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _skip_what_a_live_target_cannot_do(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("operations")
    if marker:
        known = {op.operation_id for op in load_spec().operations()}
        if missing := [op for op in marker.args if op not in known]:
            pytest.skip(f"the spec has no {', '.join(missing)}")
    options = run_options(request.config)
    if options.live and request.node.get_closest_marker("embedded_only"):
        pytest.skip("needs the embedded mock (defect switch, carrier simulator, or a pool to drain)")
    if options.live and request.node.get_closest_marker("callbacks"):
        pytest.skip("needs a target that can reach the local callback sink on 127.0.0.1")
    if marker:
        # A test of an operation the run leaves out (--operation, or live-run safety) is left out too.
        reasons = reasons_for(load_spec(), options)
        if left := [op for op in marker.args if op in reasons]:
            pytest.skip(f"{left[0]} is left out of this run: {reasons[left[0]]}")
