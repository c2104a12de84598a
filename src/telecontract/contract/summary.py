"""What a contract run checked: operations, cases and checks, tallied as the run goes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

SUMMARY_KEY = pytest.StashKey["RunSummary"]()


@dataclass(slots=True)
class OperationTally:
    cases: int = 0
    checks: int = 0
    failed_checks: int = 0
    check_names: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)


@dataclass(slots=True)
class RunSummary:
    operations: dict[str, OperationTally] = field(default_factory=dict)
    # Rule (check) name -> how many times it failed, whether in a schemathesis check or our tests.
    failed_rules: Counter[str] = field(default_factory=Counter)

    def record(self, operation: str, status: int, results: Iterable[Any]) -> None:
        """One validated case: `results` are schemathesis CheckResults."""
        tally = self.operations.setdefault(operation, OperationTally())
        tally.cases += 1
        tally.statuses[status] += 1
        for result in results:
            tally.checks += 1
            tally.check_names.add(result.name)
            if result.failure is not None:
                tally.failed_checks += 1
                self.failed_rules[result.name] += 1

    def never_succeeded(self) -> list[str]:
        """Operations that never answered 2xx: their checks passed without testing the happy path."""
        return sorted(op for op, t in self.operations.items() if not any(200 <= s < 300 for s in t.statuses))

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


def summary_for(config: pytest.Config) -> RunSummary:
    """The run's summary, created on first use."""
    if SUMMARY_KEY not in config.stash:
        config.stash[SUMMARY_KEY] = RunSummary()
    return config.stash[SUMMARY_KEY]
