"""What a case's checks found, as findings with each rule's source and severity.

Schemathesis judges responses against the relaxed spec (sourced constraints only), so what it
reports is an error; `Judge.findings` names the source of each failure, then measures the response
against the full spec: what only the full spec forbids is a warning. Checks whose rule may be
inferred (our domain checks, schemathesis's behavioural checks) run wrapped: unless the run is
strict, an inferred violation becomes a warning instead of failing the case.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from typing import Any

import orjson
from schemathesis import checks as builtin
from schemathesis.errors import FailureGroup

from telecontract.contract.failures import NOT_JUDGED, RuleViolation
from telecontract.contract.rules import finding, promoted
from telecontract.findings import Finding
from telecontract.internals import custom_check_error, probe_rate_limited
from telecontract.spec import Spec
from telecontract.violations import Violation, strict_violations

Check = Callable[[Any, Any, Any], Any]
SPEC_RULES = ("status_code_conformance", "content_type_conformance", "response_schema_conformance")
# Built-in checks that run wrapped: those whose rule is inferred (so they can be warnings), and
# those that send probes of their own (so a rate-limited probe is not taken for evidence).
WRAPPED_BUILTINS: tuple[Check, ...] = (
    builtin.negative_data_rejection,
    builtin.positive_data_acceptance,
    builtin.missing_required_header,
    builtin.unsupported_method,
    builtin.allow_header_conformance,
    builtin.ignored_auth,
)
RATE_LIMITED = 429  # the provider declined to answer: that proves nothing about any other rule


def one_line(failure: Any) -> str:
    title = getattr(failure, "title", "") or type(failure).__name__
    message = getattr(failure, "message", "") or str(failure)
    first = next((line.strip() for line in message.splitlines() if line.strip()), "")
    return f"{title}: {first}" if first and first != title else title


class Judge:
    def __init__(
        self, spec: Spec, *, strict: bool, fail_on_rules: Collection[str] = (), warn_on_rules: Collection[str] = ()
    ) -> None:
        self.spec = spec
        self.strict = strict
        self.fail_on_rules = frozenset(fail_on_rules)
        self.warn_on_rules = frozenset(warn_on_rules)
        # Warnings raised by wrapped checks of the case being validated; `findings` collects them.
        self._pending: list[Finding] = []

    # ---- checks ------------------------------------------------------------------------------

    def wrap(self, check: Check, *, builtin_check: bool = False) -> Check:
        """`check`, with inferred violations turned into warnings unless the run is strict."""

        @functools.wraps(check)
        def judged(ctx: Any, response: Any, case: Any) -> Any:
            if builtin_check and not ctx.config.get_by_name(name=check.__name__).enabled:
                return NOT_JUDGED  # a built-in the run's configuration does not enable
            if response.status_code == RATE_LIMITED:
                return NOT_JUDGED
            try:
                return check(ctx, response, case)
            except (AssertionError, FailureGroup) as raised:
                if probe_rate_limited(raised):
                    return NOT_JUDGED  # the check's own probe was rate limited
                found = self.weighed(self._finding(check.__name__, raised, self.label(case)))
                if found.counts_against(strict=self.strict):
                    raise
                self._pending.append(found)
                return None

        return judged

    def validate_kwargs(self, domain_checks: list[Check]) -> dict[str, Any]:
        """What `call_and_validate` / `validate_response` take to run every check judged."""
        wrapped = [self.wrap(c, builtin_check=True) for c in WRAPPED_BUILTINS]
        return {
            "excluded_checks": list(WRAPPED_BUILTINS),
            "additional_checks": wrapped + [self.wrap(c) for c in domain_checks],
        }

    # ---- findings ----------------------------------------------------------------------------

    def label(self, case: Any) -> str:
        """The operation as the spec writes it (a target may want the VTS paths with a slash)."""
        return f"{case.operation.method.upper()} {self.spec.path_of(case.operation.path) or case.operation.path}"

    def findings(self, case: Any, response: Any, results: list[Any]) -> list[Finding]:
        """Every finding of one validated case: failures (errors) and what only the full spec forbids."""
        label = self.label(case)
        found, self._pending = self._pending, []
        violations: list[Violation] | None = None
        failed = {r.name for r in results if r.failure is not None}
        for result in results:
            if result.failure is None:
                continue
            provenance = None
            if result.name in SPEC_RULES:
                violations = violations if violations is not None else self._violations(case, response)
                # The relaxed spec refused it, so it is an error; its source is the broken constraint's.
                same = [v for v in violations if v.rule == result.name and v.provenance]
                same.sort(key=lambda v: not v.provenance.sourced)  # type: ignore[union-attr]
                provenance = same[0].provenance if same else None
            found.append(self._finding(result.name, result.failure, label, provenance=provenance, severity="error"))
        for rule in SPEC_RULES:
            if rule in failed:
                continue
            violations = violations if violations is not None else self._violations(case, response)
            found += [
                finding(rule, v.message, provenance=v.provenance, operation=label, severity="warning")
                for v in violations
                if v.rule == rule
            ]
        return [self.weighed(f) for f in found]

    def weighed(self, found: Finding) -> Finding:
        """The finding at the level the team set for its rule (--fail-on-rule, --warn-on-rule)."""
        return promoted(found, self.fail_on_rules, self.warn_on_rules)

    def _finding(self, name: str, raised: Any, operation: str, provenance: Any = None, severity: Any = None) -> Finding:
        violation = custom_check_error(raised)
        if isinstance(violation, RuleViolation):
            return violation.finding(operation)
        if isinstance(raised, FailureGroup) and raised.exceptions:
            raised = raised.exceptions[0]
        if name not in SPEC_RULES:
            severity = None  # a behavioural check weighs as its rule says
        return finding(name, one_line(raised), provenance=provenance, operation=operation, severity=severity)

    def _violations(self, case: Any, response: Any) -> list[Violation]:
        path = self.spec.path_of(case.operation.path)
        if path is None or case.method.lower() not in self.spec.document["paths"][path]:
            return []  # e.g. a method the spec does not declare, which unsupported_method judges
        content_type = (response.headers.get("content-type") or [""])[0]
        body = None
        if response.content:
            try:
                body = orjson.loads(response.content)
            except orjson.JSONDecodeError:
                body = None
        return strict_violations(
            self.spec.document,
            ["paths", path, case.method.lower()],
            response.status_code,
            content_type,
            body,
            self.spec.validator,
        )
