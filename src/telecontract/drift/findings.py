"""What every drift check reports: a rule id, a severity, where (JSON pointer), and a sentence."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    INFO = 0  # safe
    WARNING = 1  # risky
    ERROR = 2  # breaking

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    location: str
    message: str
    operation: str = ""
    count: int = 1

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "location": self.location,
            "message": self.message,
            "operation": self.operation,
            "count": self.count,
        }


def exit_code(findings: list[Finding], fail_on: Severity) -> int:
    return 1 if any(f.severity >= fail_on for f in findings) else 0
