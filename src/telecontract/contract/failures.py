"""Failures found in the target, as opposed to errors in the tool (`telecontract.errors`)."""

from __future__ import annotations


class RuleViolation(AssertionError):
    """A domain rule broke. `rule` is the stable name a report groups by."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule
        self.message = message
