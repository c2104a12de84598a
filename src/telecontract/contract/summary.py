"""What a contract run checked and found: operations, cases, checks and findings, tallied as it goes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from telecontract.findings import Finding
from telecontract.verdict import Verdict, decide

SUMMARY_KEY = pytest.StashKey["RunSummary"]()


@dataclass(slots=True)
class OperationTally:
    cases: int = 0
    checks: int = 0
    failed_checks: int = 0
    warnings: int = 0
    check_names: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)


@dataclass(slots=True)
class RunSummary:
    operations: dict[str, OperationTally] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Operations in the spec that this run leaves out on purpose, with the reason.
    out_of_scope: dict[str, str] = field(default_factory=dict)
    # Operations the run meant to exercise; those with no case when the budget ran out are unexercised.
    in_scope: list[str] = field(default_factory=list)
    budget_exhausted: bool = False

    def record(self, operation: str, status: int, results: Iterable[Any], findings: Iterable[Finding]) -> None:
        """One validated case: `results` are schemathesis CheckResults, `findings` what they came to."""
        tally = self.operations.setdefault(operation, OperationTally())
        tally.cases += 1
        tally.statuses[status] += 1
        for result in results:
            tally.checks += 1
            tally.check_names.add(result.name)
            if result.failure is not None:
                tally.failed_checks += 1
        for found in findings:
            tally.warnings += found.severity == "warning"
            self.findings.append(found)

    def add(self, found: Finding) -> None:
        """A finding of one of our own tests (no single exchange); on its row when it names one."""
        self.findings.append(found)
        if found.operation in self.operations:  # e.g. the receiver gate's, about one webhook
            self.operations[found.operation].warnings += found.severity == "warning"

    def never_succeeded(self) -> list[str]:
        """Operations that never answered 2xx: their checks passed without testing the happy path."""
        return sorted(op for op, t in self.operations.items() if not any(200 <= s < 300 for s in t.statuses))

    def unexercised(self) -> list[str]:
        """When the request budget ran out: in-scope operations it left without a 2xx answer."""
        if not self.budget_exhausted:
            return []
        answered = set(self.operations) - set(self.never_succeeded())
        return sorted(op for op in self.in_scope if op not in answered)

    def verdict(self, *, strict: bool, suite_status: int) -> Verdict:
        return decide(
            self.findings,
            strict=strict,
            suite_status=suite_status,
            cases=self.cases,
            never_succeeded=self.never_succeeded(),
            unexercised=self.unexercised(),
        )

    def rule_counts(self) -> Counter[tuple[str, str, str]]:
        """(rule, severity, source) -> how many findings."""
        return Counter((f.rule, f.severity, f.source) for f in self.findings)

    @property
    def cases(self) -> int:
        return sum(t.cases for t in self.operations.values())

    @property
    def checks(self) -> int:
        return sum(t.checks for t in self.operations.values())

    @property
    def failed_checks(self) -> int:
        return sum(t.failed_checks for t in self.operations.values())

    @property
    def check_names(self) -> set[str]:
        return set().union(*(t.check_names for t in self.operations.values())) if self.operations else set()

    def to_dict(self, *, strict: bool, suite_status: int) -> dict[str, Any]:
        verdict = self.verdict(strict=strict, suite_status=suite_status)
        return {
            "exit_status": suite_status,
            "strict": strict,
            "verdict": {"exit_code": verdict.exit_code, "label": verdict.label, "reason": verdict.reason},
            "cases": self.cases,
            "checks": self.checks,
            "findings": [f.to_dict() for f in self.findings],
            "never_succeeded": self.never_succeeded(),
            "unexercised": self.unexercised(),
            "out_of_scope": self.out_of_scope,
        }


def summary_for(config: pytest.Config) -> RunSummary:
    """The run's summary, created on first use."""
    if SUMMARY_KEY not in config.stash:
        config.stash[SUMMARY_KEY] = RunSummary()
    return config.stash[SUMMARY_KEY]
