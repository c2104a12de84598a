"""The one place a run is judged: pass, fail, incomplete or error, and why.

The gate, the reports and the self-test all call `decide`, so they cannot disagree.
Exit codes: 0 pass, 1 a contract failure, 2 the suite could not run, 3 incomplete (the request
budget ran out before every operation was exercised).

A run whose answers were (nearly) all 401 or 403 most likely sent credentials the target does not
know: whatever else the verdict says, it then names the variables that hold them (`Refusal`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telecontract.findings import Finding

PASS, FAIL, ERROR, INCOMPLETE = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Verdict:
    exit_code: int
    label: str  # PASS, FAIL, ERROR, INCOMPLETE
    reason: str

    @property
    def passed(self) -> bool:
        return self.exit_code == PASS


@dataclass(frozen=True, slots=True)
class Refusal:
    """Operations that never answered 2xx and (nearly) every time 401 or 403: refused credentials."""

    operations: tuple[str, ...]
    statuses: tuple[int, ...]  # which of 401 and 403 they answered
    variables: tuple[str, ...]  # the TELECONTRACT_* variables that hold those operations' credentials
    every: bool = True  # every answer, not only nearly every
    whole_run: bool = False  # (nearly) every answer of the run, not only of these operations

    def sentence(self) -> str:
        amount = "every answer" if self.every else "nearly every answer"
        whose = "of the run" if self.whole_run else f"of {', '.join(self.operations)}"
        status = " or ".join(map(str, self.statuses))
        *others, last = self.variables
        check = f"{', '.join(others)} and {last}" if others else last
        return f"{amount} {whose} was {status}, so the target refused the credentials: check {check}"


def decide(
    findings: Iterable[Finding],
    *,
    strict: bool,
    suite_status: int,
    cases: int,
    never_succeeded: Sequence[str] = (),
    unexercised: Sequence[str] = (),
    refused: Refusal | None = None,
) -> Verdict:
    """Judge a run from its findings and how the suite itself ended (pytest's exit status)."""
    verdict = _decide(
        findings,
        strict=strict,
        suite_status=suite_status,
        cases=cases,
        never_succeeded=never_succeeded,
        unexercised=unexercised,
    )
    if refused is None or verdict.label not in ("FAIL", "INCOMPLETE"):
        return verdict
    return Verdict(verdict.exit_code, verdict.label, f"{verdict.reason}; {refused.sentence()}")


def _decide(
    findings: Iterable[Finding],
    *,
    strict: bool,
    suite_status: int,
    cases: int,
    never_succeeded: Sequence[str],
    unexercised: Sequence[str],
) -> Verdict:
    findings = list(findings)
    failing = [f for f in findings if f.counts_against(strict=strict)]
    warnings = sum(1 for f in findings if f.severity == "warning")
    if suite_status not in (0, 1):
        return Verdict(ERROR, "ERROR", f"the suite could not run (pytest exit status {suite_status})")
    if failing:
        rules = sorted({f.rule for f in failing})
        strictly = " (strict: warnings count)" if strict and any(f.severity == "warning" for f in failing) else ""
        times = "once" if len(failing) == 1 else f"{len(failing)} times"
        return Verdict(FAIL, "FAIL", f"the target broke rules {times}{strictly}: {', '.join(rules)}")
    if suite_status == 1:
        return Verdict(FAIL, "FAIL", "a test failed outside any named rule (details above)")
    if unexercised:  # before "never answered 2xx": the budget, not the target, cut those short
        return Verdict(
            INCOMPLETE,
            "INCOMPLETE",
            f"the request budget ran out before these were exercised: {', '.join(unexercised)}",
        )
    if cases == 0:
        return Verdict(FAIL, "FAIL", "no case was run, so nothing was checked")
    if never_succeeded:
        return Verdict(
            FAIL, "FAIL", f"never answered 2xx, so the happy path went unchecked: {', '.join(never_succeeded)}"
        )
    # Warnings come from inferred rules and from rules a team lowered (--warn-on-rule).
    suffix = f" ({warnings} warning{'s' if warnings != 1 else ''}, failing only with --strict)" if warnings else ""
    return Verdict(PASS, "PASS", f"the target honours the contract{suffix}")
