"""Failures found in the target, as opposed to errors in the tool (`telecontract.errors`)."""

from __future__ import annotations

from typing import Final

from telecontract.findings import Finding
from telecontract.provenance import Provenance

# What a check returns when the exchange gives it nothing to judge (another operation, an error
# answer): schemathesis then counts no result for it, as its own built-ins do, so a run's check
# kinds and counts are the checks that judged something.
NOT_JUDGED: Final = True


class RuleViolation(AssertionError):
    """A rule broke. `rule` names it in `telecontract.contract.rules.RULES`, which gives its source.

    `provenance` overrides the rule's own source where one check judges constraints of several
    sources (for example a status pairing that one document states and another only infers).
    `operation` names what the finding is about when the test knows (the receiver gate's webhook).
    """

    def __init__(self, rule: str, message: str, *, provenance: Provenance | None = None, operation: str = "") -> None:
        self.rule = rule
        self.message = message
        self.provenance = provenance
        self.operation = operation
        found = self.finding()
        # What pytest, JUnit and the terminal show: the rule, its weight and where it comes from.
        super().__init__(f"{rule} ({found.severity}, {found.source}): {found.message}")

    def finding(self, operation: str = "") -> Finding:
        from telecontract.contract.rules import finding  # rules imports findings; keep this one-way

        return finding(self.rule, self.message, provenance=self.provenance, operation=operation or self.operation)
