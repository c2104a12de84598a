"""A finding: one rule a target broke, with where the rule comes from and how much it weighs.

Severity follows the source: a rule from the provider's documents or a named public provider
source is an `error`; a rule we inferred is a `warning`. A rule may be declared a warning although
documented (for example status descriptions, which providers reword). `--strict` counts warnings
as failures; it never changes what a finding is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from telecontract.provenance import Source

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    source: Source
    severity: Severity
    message: str
    citation: str = ""
    operation: str = ""

    def counts_against(self, *, strict: bool) -> bool:
        return self.severity == "error" or strict

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "source": self.source,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
            "operation": self.operation,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            rule=data["rule"],
            source=data["source"],
            severity=data["severity"],
            message=data["message"],
            citation=data.get("citation", ""),
            operation=data.get("operation", ""),
        )
