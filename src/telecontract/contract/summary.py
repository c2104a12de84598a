"""What a contract run checked and found: operations, cases, checks and findings, tallied as it goes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from telecontract.contract.target import is_vts
from telecontract.credentials import TELESIGN_VARIABLES, VTS_VARIABLES
from telecontract.findings import Finding
from telecontract.verdict import Refusal, Verdict, decide

SUMMARY_KEY = pytest.StashKey["RunSummary"]()
# The answers of a target that does not take the run's credentials; "nearly every" is this share of
# the answers that could be one: a 405 (a method the path does not have) comes before authentication.
REFUSING = frozenset({401, 403})
BEFORE_AUTHENTICATION = frozenset({405})
NEARLY_EVERY = 0.9


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

    def refusal(self) -> Refusal | None:
        """Provider operations that never answered 2xx and (nearly) only 401 or 403: refused credentials.

        Each with the variables of its provider's credentials (VTS's for /v1/Account/..., TeleSign's
        for the others). Also when (nearly) every answer of the whole run was a refusal.
        """
        provider_rows = {op: t for op, t in self.operations.items() if _is_request_label(op)}
        answers = sum((t.statuses for t in provider_rows.values()), Counter[int]())
        whole_run = _refused_share(answers) >= NEARLY_EVERY
        never = set(self.never_succeeded())
        refused = sorted(
            op
            for op, tally in provider_rows.items()
            if op in never and (whole_run or _refused_share(tally.statuses) >= NEARLY_EVERY)
        )
        if not refused:
            return None
        statuses = sum((provider_rows[op].statuses for op in refused), Counter[int]())
        vts = [is_vts(op.split(" ", 1)[1]) for op in refused]
        variables = (*(TELESIGN_VARIABLES if not all(vts) else ()), *(VTS_VARIABLES if any(vts) else ()))
        return Refusal(
            operations=tuple(refused),
            statuses=tuple(sorted(REFUSING & set(statuses))),
            variables=variables,
            every=set(statuses) <= REFUSING,
            whole_run=whole_run and len(refused) == len(provider_rows),
        )

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
            refused=self.refusal(),
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


def _is_request_label(label: str) -> bool:
    """'POST /v1/voice' (an operation of a provider run), not a webhook kind of a receiver run."""
    method, _, path = label.partition(" ")
    return method.isupper() and path.startswith("/")


def _refused_share(statuses: Counter[int]) -> float:
    total = sum(count for status, count in statuses.items() if status not in BEFORE_AUTHENTICATION)
    return sum(statuses[status] for status in REFUSING) / total if total else 0.0


def summary_for(config: pytest.Config) -> RunSummary:
    """The run's summary, created on first use."""
    if SUMMARY_KEY not in config.stash:
        config.stash[SUMMARY_KEY] = RunSummary()
    return config.stash[SUMMARY_KEY]
