"""One verdict function: every way a run can end, and what each exit code means."""

from __future__ import annotations

from telecontract.findings import Finding
from telecontract.verdict import decide

ERROR = Finding("response_schema_conformance", "documented", "error", "status/code: 103 was expected")
WARNING = Finding("v2_event_order", "inferred", "warning", "call_completed came first")


def test_a_clean_run_passes() -> None:
    verdict = decide([], strict=False, suite_status=0, cases=10)
    assert (verdict.exit_code, verdict.label) == (0, "PASS")


def test_warnings_pass_unless_strict() -> None:
    relaxed = decide([WARNING], strict=False, suite_status=0, cases=10)
    assert relaxed.exit_code == 0 and "1 warning" in relaxed.reason
    strict = decide([WARNING], strict=True, suite_status=1, cases=10)
    assert strict.exit_code == 1 and "v2_event_order" in strict.reason


def test_an_error_fails_whatever_pytest_said() -> None:
    assert decide([ERROR], strict=False, suite_status=0, cases=10).exit_code == 1


def test_a_failed_test_without_a_rule_fails() -> None:
    assert decide([], strict=False, suite_status=1, cases=10).label == "FAIL"


def test_nothing_checked_is_a_failure_not_a_pass() -> None:
    assert decide([], strict=False, suite_status=0, cases=0).exit_code == 1
    unproven = decide([], strict=False, suite_status=0, cases=5, never_succeeded=["POST /v1/voice"])
    assert unproven.exit_code == 1 and "POST /v1/voice" in unproven.reason


def test_a_spent_budget_is_incomplete_and_names_the_operations() -> None:
    verdict = decide(
        [], strict=False, suite_status=0, cases=5, never_succeeded=["GET /x"], unexercised=["GET /x", "POST /y"]
    )
    assert (verdict.exit_code, verdict.label) == (3, "INCOMPLETE")
    assert "GET /x, POST /y" in verdict.reason


def test_a_suite_that_could_not_run_is_an_error() -> None:
    assert decide([], strict=False, suite_status=4, cases=0).exit_code == 2
