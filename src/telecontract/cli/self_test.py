"""`telecontract gate --self-test`: the suite once per mock defect and on the faithful mock, as a table.

Each row names the finding that caught its defect (rule, operation or webhook, message), or why
it did not; a faithful run (a control of the defect runs' seed and scope, or an extra seed) must
be clean. The runs get the gate's --spec and --operation.
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.table import Table

from telecontract.cli.console import terminal
from telecontract.contract import selftest
from telecontract.contract.options import RunOptions
from telecontract.progress import Mode, ProgressDisplay

DEFECT_SEED = 1  # every defect run's seed, and its controls'


def run_self_test(suite: Path, seeds: int, progress: Mode, options: RunOptions) -> None:
    """Plan, run and print the self-test; exit 0 when every defect was caught and every faithful run clean."""
    planned = selftest.plan(seed=DEFECT_SEED, faithful_seeds=range(1, seeds + 1), selected=options.operations)
    display = ProgressDisplay(len(planned), unit="runs", mode=progress)

    def heard(run: selftest.SuiteRun, done: int) -> None:
        display.update(done, phase="self-test", detail=f"last: {run.label}")

    try:
        runs = selftest.self_test(suite, planned, spec_path=options.spec, on_done=heard)
    finally:
        display.close()
    _print(runs)
    raise SystemExit(0 if all(run.ok for run in runs) else 1)


def _print(runs: list[selftest.SuiteRun]) -> None:
    console = terminal()
    table = Table(title="Detection power: suite (strict) against the mock, one defect at a time")
    for column in ("run", "must produce", "caught by", "without --strict", "verdict"):
        table.add_column(column, overflow="fold")
    for run in runs:
        table.add_row(
            escape(run.label),
            escape(str(run.expected)) if run.expected else "(nothing: must be clean)",
            escape(run.evidence),
            _without_strict(run),
            _verdict(run),
        )
    console.print(table)
    tried = [run for run in runs if run.defect and not run.left_out]
    faithful = [run for run in runs if not run.defect]
    line = (
        f"defects caught by their own finding: {sum(run.ok for run in tried)}/{len(tried)}; "
        f"faithful runs clean: {sum(run.ok for run in faithful)}/{len(faithful)}"
    )
    if left_out := sum(1 for run in runs if run.left_out):
        line += f"; {left_out} defects left out (none of their operations selected)"
    console.print(line)
    for run in runs:
        if not run.ok:
            console.print(f"--- {escape(run.label)} ---\n{escape(run.output_tail)}")
        elif run.crashed_after_finishing:
            console.print(
                f"warning: {escape(run.label)}: pytest finished cleanly, then the process exited "
                f"{run.process_exit_code}:\n{escape(run.output_tail)}"
            )


def _without_strict(run: selftest.SuiteRun) -> str:
    if run.defect is None or run.left_out:
        return "-"
    if run.needs_error:
        return "caught" if run.caught_without_strict else "[bold red]missed[/]"
    return "a warning: fails with --strict" if run.caught else "-"


def _verdict(run: selftest.SuiteRun) -> str:
    if run.left_out:
        return "left out"
    if not run.could_run:
        return "[bold red]ERROR[/]"
    if run.ok:
        return "[green]ok[/]"
    return "[bold red]MISSED[/]" if run.defect else "[bold red]CRIED WOLF[/]"
