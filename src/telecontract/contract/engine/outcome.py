"""What a run found, told: a rule test's finding at its rule's level, the terminal summary with the
live-run guard's tally, and at the end summary.json and the report files."""

from __future__ import annotations

import json
from typing import Any

import pytest

from telecontract.contract.engine.command_line import run_options
from telecontract.contract.engine.stash import GUARD_KEY, SUMMARY_PRINTED_BY_CALLER
from telecontract.contract.failures import RuleViolation
from telecontract.contract.recording import recorder_for
from telecontract.contract.reports.write import write_reports
from telecontract.contract.rules import promoted
from telecontract.contract.summary import summary_for


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
