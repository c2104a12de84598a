"""The engine's pytest options, read once into the run's `RunOptions` (or handed over whole by the gate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from telecontract import webhooks
from telecontract.contract.engine.stash import GUARD_KEY, OPTIONS_KEY
from telecontract.contract.live_run import GuardedRun
from telecontract.contract.options import DEFAULT_VALIDITY_UNIT, VALIDITY_UNITS, RunOptions
from telecontract.contract.rules import check_rule_levels
from telecontract.contract.target import check_url
from telecontract.errors import TelecontractError
from telecontract.internals import hypothesis_profile_asked
from telecontract.numbers import read_numbers
from telecontract.receiver_urls import parse_receiver_urls
from telecontract.spec import load_spec
from telecontract.webhooks import PROVIDER_TIMEOUT


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
