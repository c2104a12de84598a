"""Drift findings are the one finding type (`telecontract.findings.Finding`), from the spec.

This module keeps drift's vocabulary: the three severities and when they fail a run.
"""

from __future__ import annotations

from collections.abc import Iterable

from telecontract.findings import Finding, Severity, rank

ERROR: Severity = "error"  # breaking
WARNING: Severity = "warning"  # risky
INFO: Severity = "info"  # safe


def drift_finding(
    rule: str, severity: Severity, location: str, message: str, operation: str = "", count: int = 1
) -> Finding:
    return Finding(rule, "spec", severity, message, operation=operation, location=location, count=count)


def exit_code(findings: Iterable[Finding], fail_on: Severity) -> int:
    return 1 if any(rank(f.severity) >= rank(fail_on) for f in findings) else 0


__all__ = ["ERROR", "INFO", "WARNING", "Finding", "Severity", "drift_finding", "exit_code", "rank"]
