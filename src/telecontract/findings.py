"""A finding: one rule broken, with where the rule comes from and how much it weighs.

The one finding type of the contract gate, the drift checks and spec hygiene. In the gate,
severity follows the source: a rule from the provider's documents or a named public provider
source is an `error`; a rule we inferred is a `warning`. A rule may be declared a warning although
documented (for example status descriptions, which providers reword). `--strict` counts warnings
as failures; it never changes what a finding is. Drift and hygiene findings come from the spec
itself (source `spec`), and drift also knows `info` (a safe change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from telecontract import provenance

Severity = Literal["error", "warning", "info"]
Source = provenance.Source | Literal["spec"]
RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


def rank(severity: str) -> int:
    """For comparing severities: info < warning < error."""
    return RANK[severity]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    source: Source
    severity: Severity
    message: str
    citation: str = ""
    operation: str = ""
    location: str = ""  # a JSON pointer or "response 200 /field", where one applies
    count: int = 1  # how many times it was seen (drift groups repeated traffic findings)

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
            "location": self.location,
            "count": self.count,
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
            location=data.get("location", ""),
            count=int(data.get("count", 1)),
        )
