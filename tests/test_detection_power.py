"""Every defect of the mock produces the finding it declares; the faithful mock, run alike, finds nothing.

This runs the contract suite (strict) once per defect (in subprocesses, two at a time), each over
the operations where its defect shows, and once per such scope on the faithful mock with the same
seed: the controls. It is the proof that each contract rule can fail, that a defect breaking a
sourced rule fails the gate without --strict too, and that each catch is the defect's own: no
other defect's run produces it. `telecontract gate --self-test` prints the same as a table.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from telecontract import suite
from telecontract.contract.rules import RULES, finding
from telecontract.contract.selftest import SuiteRun, matches, plan, self_test
from telecontract.mock.defects import DEFECTS
from telecontract.spec import load_spec
from telecontract.verdict import decide

SUITE = Path(suite.__file__).parent
SEED = 11


# 30 suite runs (26 defects, 4 controls): about 3 minutes on two quiet cores, more on a shared
# machine; the default 300 s per test would fail the proof for the machine's load, not the suite.
@pytest.mark.timeout(900)
def test_every_defect_produces_its_own_finding_and_the_controls_are_clean() -> None:
    # The `quick` profile (5 random examples per operation; every explicit example, coverage case and
    # link still runs) catches every defect; the session's own contract run is the thorough faithful one.
    planned = plan(seed=SEED, narrow=True)
    runs = self_test(SUITE, planned, profile="quick")
    defect_runs = [run for run in runs if run.defect]
    controls = [run for run in runs if not run.defect]
    assert len(defect_runs) == len(DEFECTS)
    # Each defect run has a control of its own seed and scope.
    assert {(run.seed, run.operations) for run in defect_runs} <= {(run.seed, run.operations) for run in controls}
    failed = [run for run in runs if not run.ok]
    assert not failed, "\n".join(
        f"{run.label}: expected {run.expected or 'no finding'}; {run.evidence}\n{run.output_tail}" for run in failed
    )
    # A catch is the defect's own: no other defect's run produces the finding this one declares.
    borrowed = {
        (run.label, other.name)
        for run in defect_runs
        for other in DEFECTS.values()
        if other.name != run.defect and any(matches(other.expected, found) for found in run.findings)
    }
    assert not borrowed, f"(run, defect whose finding it also produced): {sorted(borrowed)}"
    for run in runs:
        if run.crashed_after_finishing:  # not a contract verdict, but worth seeing in the CI log
            print(f"{run.label}: process exited {run.process_exit_code} after pytest finished\n{run.output_tail}")


def finding_run(**expected: str) -> SuiteRun:
    """A defect's run with its real finding, judged against an expectation changed as given."""
    defect = DEFECTS["masking_missing_field"]
    found = finding(
        "response_schema_conformance",
        'Response violates schema: "country_name" is a required property',
        operation="POST /v1/anonymous/session/sms",
    )
    return SuiteRun(
        defect.name,
        defect.name,
        SEED,
        1,
        1,
        [found],
        decide([found], strict=True, suite_status=1, cases=1),
        "",
        operations=defect.operations,
        expected=dataclasses.replace(defect.expected, **expected),
    )


def test_a_defect_paired_with_a_wrong_expected_finding_is_not_counted() -> None:
    assert finding_run().ok and finding_run().caught is not None  # the right pairing is counted
    wrong = [
        finding_run(rule="content_type_conformance"),  # another rule
        finding_run(where="POST /v1/anonymous/session/sms_voice"),  # the same rule, another operation
        finding_run(detail='"country_code" is a required property'),  # the same rule and operation, another cause
        finding_run(**dataclasses.asdict(DEFECTS["error_body_wrong_shape"].expected)),  # another defect's finding
    ]
    for run in wrong:
        assert run.caught is None and not run.ok, run.expected
        assert run.evidence.startswith("missed"), run.evidence


def test_a_run_that_could_not_run_catches_nothing() -> None:
    run = dataclasses.replace(finding_run(), exit_code=2)  # e.g. a usage error: the findings mean nothing
    assert run.caught is None and not run.ok
    assert run.evidence.startswith("error")


def test_every_declared_finding_names_a_rule_and_a_place_the_gate_reports() -> None:
    spec = load_spec()
    places = {operation.label for operation in spec.operations()} | set(spec.webhooks())
    for defect in DEFECTS.values():
        assert defect.expected.rule in RULES, defect.name
        assert defect.expected.where in places, defect.name
        assert defect.expected.detail.strip(), defect.name
    # Two defects never declare the same finding: each catch tells which defect it was.
    assert len({d.expected for d in DEFECTS.values()}) == len(DEFECTS)
