"""Every defect of the mock is caught by the rule meant to catch it; the faithful mock passes.

This runs the whole contract suite once per defect (in subprocesses, two at a time); it is the
proof that each contract rule can fail. `telecontract gate --self-test` prints the same as a table.
"""

from __future__ import annotations

from pathlib import Path

from telecontract.contract.selftest import self_test
from telecontract.mock.defects import DEFECTS

SUITE = Path(__file__).parent / "contract"


def test_every_defect_is_caught_by_its_rule_and_the_faithful_mock_passes() -> None:
    runs = self_test(SUITE, seeds=(11,))  # the contract run of this session is another faithful seed
    missed = {run.label: sorted(run.failed_rules) for run in runs if not run.ok}
    assert not missed, "\n".join(
        f"{label}: meant for {DEFECTS[label].caught_by if label in DEFECTS else 'nothing'}, failed {rules}\n"
        + next(r.output_tail for r in runs if r.label == label)
        for label, rules in missed.items()
    )
    assert len(runs) == len(DEFECTS) + 1
    for run in runs:
        if run.crashed_after_finishing:  # not a contract verdict, but worth seeing in the CI log
            print(f"{run.label}: process exited {run.process_exit_code} after pytest finished\n{run.output_tail}")
