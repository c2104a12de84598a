"""Every defect of the mock is caught by the rule meant to catch it; the faithful mock passes.

This runs the whole contract suite (strict) once per defect (in subprocesses, two at a time); it
is the proof that each contract rule can fail, and that a defect breaking a sourced rule fails the
gate without --strict too. `telecontract gate --self-test` prints the same as a table.
"""

from __future__ import annotations

from pathlib import Path

from telecontract import suite
from telecontract.contract.selftest import self_test
from telecontract.mock.defects import DEFECTS

SUITE = Path(suite.__file__).parent


def test_every_defect_is_caught_by_its_rule_and_the_faithful_mock_passes() -> None:
    # The `quick` profile (5 random examples per operation; every explicit example, coverage case and
    # link still runs) catches every defect; the session's own contract run is the thorough faithful one.
    # Each defect's run covers the operations where it shows (`Defect.operations`); the faithful run
    # covers everything.
    runs = self_test(SUITE, seeds=(11,), profile="quick", narrow=True)
    missed = {run.label: sorted(run.failed_rules) for run in runs if not run.ok}
    assert sum(run.needs_error for run in runs) >= 13  # most defects break a sourced rule
    assert not missed, "\n".join(
        f"{label}: meant for {DEFECTS[label].caught_by if label in DEFECTS else 'nothing'}, failed {rules}\n"
        + next(r.output_tail for r in runs if r.label == label)
        for label, rules in missed.items()
    )
    assert len(runs) == len(DEFECTS) + 1
    for run in runs:
        if run.crashed_after_finishing:  # not a contract verdict, but worth seeing in the CI log
            print(f"{run.label}: process exited {run.process_exit_code} after pytest finished\n{run.output_tail}")
