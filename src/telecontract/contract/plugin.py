"""The contract engine as a pytest plugin: options, the target, the wire, findings and reports.

By default an embedded mock is started on a free loopback port for the session, with its Voice v2
events going to an embedded callback sink. With a target URL (on the command line: the
environment alone never makes a run live) the same tests run against that server with the
credentials from the TELECONTRACT_* variables, every request through the live-run guard
(`telecontract.wire`): a request budget and rate limit, each provider's own host, party numbers
only from the user's list, no call unless allowed, callbacks only to the user's receiver.

Each finding carries its rule's source and severity (`telecontract.contract.rules`); a test whose
rule is inferred passes with a warning unless `--contract-strict`. The run's verdict comes from
`telecontract.verdict.decide`, like the gate's and the self-test's.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import settings

from telecontract import webhooks
from telecontract.client_auth import HttpxAuth, RequestsAuth, schemathesis_auth_provider
from telecontract.contract import generation
from telecontract.contract.checks import DomainRules
from telecontract.contract.failures import RuleViolation
from telecontract.contract.judge import Judge
from telecontract.contract.options import DEFAULT_VALIDITY_UNIT, VALIDITY_UNITS, RunOptions, per_second
from telecontract.contract.recording import recorder_for
from telecontract.contract.reports import html, markdown, traffic
from telecontract.contract.rules import check_rule_levels, promoted
from telecontract.contract.scope import in_scope, reasons_for
from telecontract.contract.sending import SendingAuth
from telecontract.contract.summary import summary_for
from telecontract.contract.target import (
    VTS_PREFIX,
    Target,
    check_defects,
    check_url,
    credentials_needed,
    described,
    guarded_target,
    live_target,
    open_target,
)
from telecontract.credentials import Credentials
from telecontract.errors import TelecontractError
from telecontract.internals import hypothesis_profile_asked
from telecontract.numbers import read_numbers
from telecontract.provenance import relaxed_document
from telecontract.receiver.targets import parse_receiver_urls
from telecontract.redaction import redact_text
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink
from telecontract.spec import Spec, load_spec, use_spec
from telecontract.webhooks import PROVIDER_TIMEOUT
from telecontract.wire import client as guard_client
from telecontract.wire.live import GuardedRun, guarded

# Hypothesis profiles of our own: `telecontract` keeps the run short, `deep` is `telecontract gate
# --deep`, `quick` is for smoke runs (e.g. our own tests). Registered and loaded when a run is
# configured, never at import: hypothesis's `default` profile is a team's, untouched.
PROFILE = "telecontract"
PROFILES = {PROFILE: 25, "quick": 5, "deep": 300}  # max_examples; no deadline (the target's latency is not ours)
PROFILE_ENV = "TELECONTRACT_HYPOTHESIS_PROFILE"  # the profile when `--hypothesis-profile` is not given
PROFILES_PLUGIN = "telecontract-hypothesis-profiles"


class HypothesisProfiles:
    """Loads our profile for the run and puts the previous one back after it.

    First among the `pytest_configure` hooks: hypothesis's own plugin then applies
    `--hypothesis-profile=quick` (or `deep`) and its other options over ours.
    """

    def __init__(self) -> None:
        self.previous: str | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        for name, examples in PROFILES.items():
            settings.register_profile(name, max_examples=examples, deadline=None)
        self.previous = settings.get_current_profile_name()
        settings.load_profile(os.environ.get(PROFILE_ENV) or PROFILE)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.previous is not None:  # a process running the gate keeps its own profile afterwards
            settings.load_profile(self.previous)
            self.previous = None


OPTIONS_KEY = pytest.StashKey[RunOptions]()
# A live run's guard, serving for the session (the gate hands over the one it probed with).
GUARD_KEY = pytest.StashKey[GuardedRun]()
GUARD_CLOSE_KEY = pytest.StashKey[contextlib.ExitStack]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Called as the engine is registered: our profiles come with it, before any run is configured."""
    if not pluginmanager.has_plugin(PROFILES_PLUGIN):
        pluginmanager.register(HypothesisProfiles(), PROFILES_PLUGIN)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("telecontract")
    group.addoption(
        "--target-url",
        default=None,  # never from the environment: an exported variable must not turn a test run live
        help="Base URL of the server under test, for every path (default: an embedded mock on 127.0.0.1).",
    )
    group.addoption("--telesign-url", default=None, help="TeleSign host for Number Masking and Voice v2.")
    group.addoption("--telesign-voice-url", default=None, help="TeleSign host for Voice v1.")
    group.addoption("--vts-url", default=None, help="VTS host.")
    group.addoption(
        "--defect",
        action="append",
        default=[],
        help="Switch a defect on in the embedded mock (repeatable); see `telecontract mock --list-defects`.",
    )
    group.addoption("--rate-limit", default=None, help="Requests per time unit (e.g. 10/s); default 10/s when live.")
    group.addoption("--max-requests", type=int, default=None, help="Request budget; default 5000 when live.")
    group.addoption("--contract-strict", action="store_true", help="Count warnings (inferred rules) as failures.")
    group.addoption(
        "--contract-fail-on-rule",
        action="append",
        default=[],
        metavar="RULE",
        help="Count this rule's warnings as failures (repeatable).",
    )
    group.addoption(
        "--contract-warn-on-rule",
        action="append",
        default=[],
        metavar="RULE",
        help="Count this rule's errors as warnings only (repeatable).",
    )
    group.addoption(
        "--validity-unit",
        default=DEFAULT_VALIDITY_UNIT,
        choices=sorted(VALIDITY_UNITS),
        help="The account's unit of validity_period (default: hours, as the documents' example shows).",
    )
    group.addoption("--numbers", default=None, help="File of the numbers a live run may use (one per line).")
    group.addoption("--allow-calls", action="store_true", help="Let a live run place real calls.")
    group.addoption(
        "--callback-url", default=None, help="Your receiver's base URL: the only host a live run's callbacks may name."
    )
    group.addoption(
        "--operation",
        action="append",
        default=[],
        help="Only operations whose operationId or label contains this text (repeatable).",
    )
    group.addoption(
        "--receiver-url",
        action="append",
        default=[],
        help="[KIND=]URL of your webhook receiver (repeatable): run the receiver suite against it.",
    )
    group.addoption(
        "--receiver-timeout",
        type=float,
        default=PROVIDER_TIMEOUT,
        help=f"Seconds the provider waits for a receiver's answer (default {PROVIDER_TIMEOUT:g}, inferred).",
    )
    group.addoption("--spec", default=None, help="The OpenAPI spec to test against (default: the bundled one).")
    group.addoption("--summary-json", default=None, help="Write the contract run summary (JSON) here.")
    group.addoption(
        "--report-dir", default=None, help="Write summary.md, traffic.har and traffic.ndjson (redacted) here."
    )


class Preset:
    """A plugin that hands the run its options as one object (what `telecontract gate` does).

    Without it, the options come from pytest's command line, as for `pytest src/telecontract/suite`.
    `guard`: a live run's guard, already serving (the gate probed the target through it).
    """

    def __init__(self, options: RunOptions, guard: GuardedRun | None = None) -> None:
        self.options = options
        self.guard = guard

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[OPTIONS_KEY] = self.options
        if self.guard is not None:
            config.stash[GUARD_KEY] = self.guard


def pytest_configure(config: pytest.Config) -> None:
    # Every line pytest prints or writes (terminal, junit.xml, logs) through the run's redaction.
    config.pluginmanager.import_plugin("telecontract.contract.redacted_output")
    options = run_options(config)
    try:
        if options.spec:
            use_spec(options.spec)  # before collection: the suite's modules read the spec to parametrize
        # Everything a run's options can get wrong is found now, not in a fixture once tests run.
        per_second(options.rate_limit)
        check_defects(options)
        if options.live:
            Credentials.from_env(required=credentials_needed(load_spec(), options))
    except TelecontractError as exc:
        raise pytest.UsageError(str(exc)) from None
    if options.max_requests is not None and options.max_requests < 1:
        raise pytest.UsageError(f"--max-requests {options.max_requests}: a budget is at least 1 request.")
    if options.receiver_timeout <= 0:
        raise pytest.UsageError(f"--receiver-timeout {options.receiver_timeout:g}: expected a number of seconds > 0.")
    # The suite may run from any folder, with no ini file of ours: the plugin declares its markers.
    config.addinivalue_line("markers", "embedded_only: needs the embedded mock; skipped on a live target")
    config.addinivalue_line("markers", "callbacks: needs a target that can reach the local callback sink")
    config.addinivalue_line("markers", "operations(*ids): exercises these operations; skipped if the spec lacks one")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under plain pytest, a live run's guard starts (and probes the target) before any test."""
    config = session.config
    options = run_options(config)
    if not options.live or GUARD_KEY in config.stash or config.option.collectonly:
        return
    stack = contextlib.ExitStack()
    try:
        live_target(options, Credentials.from_env())  # checks the URLs
        config.stash[GUARD_KEY] = stack.enter_context(guarded(options, load_spec()))
    except TelecontractError as exc:
        stack.close()
        raise pytest.UsageError(str(exc)) from None
    config.stash[GUARD_CLOSE_KEY] = stack


def pytest_unconfigure(config: pytest.Config) -> None:
    if GUARD_CLOSE_KEY in config.stash:
        config.stash[GUARD_CLOSE_KEY].close()


def run_options(config: pytest.Config) -> RunOptions:
    """The run's options, read once from pytest's."""
    if OPTIONS_KEY not in config.stash:
        numbers = Path(config.getoption("--numbers")) if config.getoption("--numbers") else None
        try:
            listed = read_numbers(numbers) if numbers else None
        except TelecontractError as exc:
            raise pytest.UsageError(str(exc)) from None
        config.stash[OPTIONS_KEY] = RunOptions(
            target_url=config.getoption("--target-url"),
            telesign_url=config.getoption("--telesign-url"),
            telesign_voice_url=config.getoption("--telesign-voice-url"),
            vts_url=config.getoption("--vts-url"),
            defects=frozenset(config.getoption("--defect")),
            rate_limit=config.getoption("--rate-limit"),
            max_requests=config.getoption("--max-requests"),
            strict=config.getoption("--contract-strict"),
            validity_unit=config.getoption("--validity-unit"),
            numbers=listed,
            numbers_file=numbers,
            deep=hypothesis_profile_asked(config) == "deep",
            allow_calls=config.getoption("--allow-calls"),
            callback_url=_callback_url(config.getoption("--callback-url")),
            operations=tuple(config.getoption("--operation")),
            spec=Path(config.getoption("--spec")) if config.getoption("--spec") else None,
            report_dir=Path(config.getoption("--report-dir")) if config.getoption("--report-dir") else None,
            summary_json=Path(config.getoption("--summary-json")) if config.getoption("--summary-json") else None,
            seed=config.getoption("hypothesis_seed", None),
            receiver_urls=_receiver_urls(config.getoption("--receiver-url")),
            receiver_timeout=config.getoption("--receiver-timeout"),
            **_rule_levels(config.getoption("--contract-fail-on-rule"), config.getoption("--contract-warn-on-rule")),
        )
    return config.stash[OPTIONS_KEY]


def _callback_url(value: str | None) -> str | None:
    try:
        return check_url(value, "--callback-url") if value else None
    except TelecontractError as exc:
        raise pytest.UsageError(str(exc)) from None


def _rule_levels(fail_on: list[str], warn_on: list[str]) -> dict[str, tuple[str, ...]]:
    try:
        raised, lowered = check_rule_levels(fail_on, warn_on)
    except TelecontractError as exc:
        raise pytest.UsageError(str(exc)) from None
    return {"fail_on_rules": raised, "warn_on_rules": lowered}


def _receiver_urls(values: list[str]) -> tuple[tuple[str, str], ...]:
    if not values:
        return ()
    try:
        parsed = parse_receiver_urls(values, webhooks.kinds(load_spec()))
    except TelecontractError as exc:
        raise pytest.UsageError(str(exc)) from None
    return tuple(parsed.items())


# ---- fixtures ------------------------------------------------------------------------------------


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


@pytest.fixture(scope="session")
def api_schema(
    request: pytest.FixtureRequest,
    spec: Spec,
    target: Target,
    contract_options: RunOptions,
    judge: Judge,
    scope_reasons: dict[str, str],
    budget_spent: Any,
) -> schemathesis.BaseSchema:
    # Schemathesis judges against the relaxed copy: only sourced constraints fail a case.
    document = relaxed_document(spec.document)
    if contract_options.numbers:
        generation.with_listed_numbers(document, contract_options.numbers)
    if not target.embedded and vts_wants_trailing_slash(target, budget_spent):
        document["paths"] = {_slashed(p): item for p, item in document["paths"].items()}
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=target.base_url)
    schema.auth(refresh_interval=None)(schemathesis_auth_provider(target.credentials))
    generation.install(
        schema,
        vts_auth_id=target.credentials.vts_auth_id,
        live=not target.embedded,
        listed=contract_options.numbers,
        callback_url=contract_options.callback_url,
        allow_calls=contract_options.allow_calls,
    )
    summary = summary_for(request.config)
    recorder = recorder_for(request.config)

    @schema.hook
    def after_call(context: Any, case: schemathesis.Case, response: Any) -> None:
        # A request the live-run guard refused never left: a skipped case, not the provider's answer.
        guard_client.take(response.headers, budget_spent)

    @schema.hook
    def after_validate(context: Any, case: schemathesis.Case, response: Any, results: list[Any]) -> None:
        findings = judge.findings(case, response, results)
        label = judge.label(case)
        summary.record(label, response.status_code, results, findings)
        recorder.record(label, response, findings, started=time.time() - response.elapsed)

    # Left-out operations stay in the document (so a 405 is still judged by the full path) but get
    # no cases. The lazy loader of `schemathesis.pytest.from_fixture` drops this filter, so
    # test_operations also skips them itself.
    return schema.exclude(operation_id=sorted(scope_reasons)) if scope_reasons else schema


def vts_wants_trailing_slash(target: Target, budget_spent: Any) -> bool:
    """The VTS page writes its paths without a slash, the Plivo SDK with one: ask the target which.

    The two reads go through the guard like every other request (budget, rate limit, routing).
    """
    path = f"{VTS_PREFIX}{target.credentials.vts_auth_id}/Masking/Session"
    auth = HttpxAuth(target.credentials)
    with httpx.Client(base_url=target.base_url, auth=auth, timeout=30) as client:
        try:
            bare = client.get(path, params={"limit": 1})
            if guard_client.refusal_of(bare.headers) or bare.status_code not in (301, 308, 404):
                return False
            slashed = client.get(path + "/", params={"limit": 1})
        except httpx.HTTPError:
            return False
    return not guard_client.refusal_of(slashed.headers) and slashed.status_code not in (404, 405)


def _slashed(path: str) -> str:
    return path + "/" if path.startswith(VTS_PREFIX) and not path.endswith("/") else path


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


# ---- hooks ---------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    # A test that asserts a rule raises RuleViolation: a finding, with the rule's source and severity.
    if call.excinfo is not None and isinstance(call.excinfo.value, RuleViolation):
        options = run_options(item.config)
        found = promoted(call.excinfo.value.finding(), options.fail_on_rules, options.warn_on_rules)
        summary_for(item.config).add(found)
        recorder_for(item.config).record_test_finding(item.nodeid, found)
        if not found.counts_against(strict=run_options(item.config).strict):
            report.outcome = "passed"  # an inferred rule: a warning, shown in the summary
            report.longrepr = None
    return report


# Set by a caller that prints the run's summary and verdict itself (`telecontract gate`): the
# engine's terminal summary then prints only what the caller does not, the live-run guard's tally.
SUMMARY_PRINTED_BY_CALLER = pytest.StashKey[bool]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    summary = summary_for(config)
    if config.stash.get(SUMMARY_PRINTED_BY_CALLER, False):
        _write_guard_tally(terminalreporter, config)
        return
    if not summary.operations and not summary.findings:
        return
    terminalreporter.write_line(
        f"contract: {len(summary.operations)} operations, {summary.cases} cases, "
        f"{summary.checks} checks ({len(summary.check_names)} kinds), {summary.failed_checks} failed"
    )
    for (rule, severity, source), count in sorted(summary.rule_counts().items()):
        terminalreporter.write_line(f"{severity}: {rule} x{count} ({source})")
    for label, why in sorted(summary.out_of_scope.items()):
        terminalreporter.write_line(f"left out: {label}: {why}")
    _write_guard_tally(terminalreporter, config)
    verdict = summary.verdict(strict=run_options(config).strict, suite_status=int(exitstatus))
    terminalreporter.write_line(f"contract verdict: {verdict.label}: {verdict.reason}")


def _write_guard_tally(terminalreporter: Any, config: pytest.Config) -> None:
    """A live run's requests, as the live-run guard counted them (nothing for the embedded mock)."""
    if guard := config.stash.get(GUARD_KEY, None):
        tally, allowance = guard.guard.tally, guard.guard.allowance
        bound = f" of at most {allowance.max_requests}" if allowance.max_requests else ""
        terminalreporter.write_line(f"live-run guard: {tally.sent} requests sent{bound}")
        for line in tally.lines():
            terminalreporter.write_line(f"live-run guard: {line}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    options = run_options(config)
    summary = summary_for(config)
    if (guard := config.stash.get(GUARD_KEY, None)) and guard.guard.tally.budget_spent:
        summary.budget_exhausted = True  # a probe of schemathesis's may have taken the last request
    if options.report_dir:
        write_reports(options.report_dir, config, int(exitstatus))
    if options.summary_json:
        document = summary.to_dict(strict=options.strict, suite_status=int(exitstatus))
        options.summary_json.write_text(json.dumps(document, indent=2))


def write_reports(directory: Path, config: pytest.Config, exitstatus: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    options = run_options(config)
    summary, recorder = summary_for(config), recorder_for(config)
    verdict = summary.verdict(strict=options.strict, suite_status=exitstatus)
    target = redact_text(described(options))
    if options.receiver_urls:
        target = "the receiver at " + ", ".join(sorted({url for _, url in options.receiver_urls}))
    rerun = options.command()
    markdown.write(directory / "summary.md", summary, recorder, verdict=verdict, target=target, rerun=rerun)
    subject = "webhook" if options.receiver_urls else "operation"
    html.write(
        directory / "report.html",
        summary,
        recorder,
        verdict=verdict,
        target=target,
        rerun=rerun,
        seed=options.seed,
        subject=subject,
    )
    traffic.write_ndjson(directory / "traffic.ndjson", recorder)
    traffic.write_har(directory / "traffic.har", recorder)
