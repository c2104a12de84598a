"""`telecontract gate`: run the contract suite against a target and give a verdict."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from rich.console import Console
from rich.table import Table

from telecontract.contract import selftest
from telecontract.contract.summary import RunSummary, summary_for
from telecontract.contract.target import ENV_TARGET_URL, check_url
from telecontract.errors import UsageError
from telecontract.mock.defects import DEFECTS


def find_suite(explicit: Path | None) -> Path:
    """The contract suite: --suite, else tests/contract under the working directory or the checkout."""
    if explicit is not None:
        if not explicit.is_dir():
            raise UsageError(f"Contract suite folder not found: {explicit}", hint="Pass --suite PATH/tests/contract.")
        return explicit
    candidates = [Path.cwd() / "tests" / "contract", Path(__file__).resolve().parents[3] / "tests" / "contract"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise UsageError(
        "Cannot find the contract suite (tests/contract).",
        hint="Run from the telecontract checkout, or pass --suite PATH.",
    )


class _Collect:
    """A pytest plugin that hands the run's summary back to the CLI."""

    def __init__(self) -> None:
        self.summary = RunSummary()

    def pytest_configure(self, config: pytest.Config) -> None:
        self.summary = summary_for(config)


@click.command()
@click.option(
    "--target-url",
    envvar=ENV_TARGET_URL,
    default=None,
    help=f"Server under test (env {ENV_TARGET_URL}); default: the embedded mock.",
)
@click.option("--seed", type=int, default=None, help="Hypothesis seed, for a reproducible run.")
@click.option("--rate-limit", default=None, help="Requests per time unit, e.g. 10/s (default for --target-url: 10/s).")
@click.option(
    "--max-requests",
    type=click.IntRange(1),
    default=None,
    help="Request budget (default for --target-url: 5000); tests beyond it are skipped.",
)
@click.option("--deep", is_flag=True, help="Many more generated cases per operation (slower).")
@click.option(
    "--junit-xml",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a JUnit XML report here.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write junit.xml, summary.md, traffic.har and traffic.ndjson (all redacted) here.",
)
@click.option("--suite", type=click.Path(path_type=Path), default=None, help="Contract suite folder.")
@click.option(
    "--self-test",
    is_flag=True,
    help="Prove detection power: run the suite once per mock defect and on the faithful mock.",
)
@click.option(
    "--seeds", default=5, show_default=True, type=click.IntRange(1, 100), help="With --self-test: faithful runs."
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def gate(
    target_url: str | None,
    seed: int | None,
    rate_limit: str | None,
    max_requests: int | None,
    deep: bool,
    junit_xml: Path | None,
    report_dir: Path | None,
    suite: Path | None,
    self_test: bool,
    seeds: int,
    pytest_args: tuple[str, ...],
) -> None:
    """Run the contract suite; exit 1 on any violation, 2 on a usage error.

    Credentials for a --target-url come from TELECONTRACT_TELESIGN_CUSTOMER_ID,
    TELECONTRACT_TELESIGN_API_KEY, TELECONTRACT_VTS_AUTH_ID and TELECONTRACT_VTS_AUTH_TOKEN.
    Extra arguments after `--` go to pytest.
    """
    if self_test:
        if target_url:
            raise UsageError("--self-test runs against the embedded mock's defects; drop --target-url.")
        _self_test(find_suite(suite), seeds)
        return
    args = [str(find_suite(suite)), "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    if target_url:
        args.append(f"--target-url={check_url(target_url)}")
    elif ENV_TARGET_URL in os.environ:
        os.environ.pop(ENV_TARGET_URL)
    if seed is not None:
        args.append(f"--hypothesis-seed={seed}")
    if rate_limit:
        args.append(f"--rate-limit={rate_limit}")
    if max_requests:
        args.append(f"--max-requests={max_requests}")
    if deep:
        args.append("--hypothesis-profile=deep")
    if report_dir:
        args.append(f"--report-dir={report_dir}")
        junit_xml = junit_xml or report_dir / "junit.xml"
    if junit_xml:
        args.append(f"--junit-xml={junit_xml}")
    args += pytest_args
    collect = _Collect()
    exit_code = pytest.main(args, plugins=[collect])
    _report(collect.summary, int(exit_code), target_url or "embedded mock")
    passed = exit_code == 0 and collect.summary.cases and not collect.summary.never_succeeded()
    raise SystemExit(0 if passed else 1 if exit_code in (0, 1) else 2)


def _console() -> Console:
    console = Console()
    # CI logs are not terminals: give tables room instead of folding every cell.
    return console if console.is_terminal else Console(width=150)


def _report(summary: RunSummary, exit_code: int, target: str) -> None:
    console = _console()
    table = Table(title=f"Contract gate against {target}")
    table.add_column("operation", no_wrap=True)
    for column in ("cases", "checks", "failed checks"):
        table.add_column(column, justify="right")
    for label, tally in sorted(summary.operations.items()):
        table.add_row(label, str(tally.cases), str(tally.checks), str(tally.failed_checks))
    table.add_row("total", str(summary.cases), str(summary.checks), str(summary.failed_checks), style="bold")
    console.print(table)
    console.print(f"check kinds: {', '.join(sorted(summary.check_names)) or 'none'}")
    if summary.failed_rules:
        rules = ", ".join(f"{rule} ({count})" for rule, count in sorted(summary.failed_rules.items()))
        console.print(f"failed rules: {rules}")
    unproven = summary.never_succeeded()
    if exit_code == 0 and unproven:
        console.print(f"[bold red]FAIL[/]: never answered 2xx, so the happy path went unchecked: {', '.join(unproven)}")
    elif exit_code == 0 and summary.cases:
        console.print("[bold green]PASS[/]: the target honours the contract.")
    elif exit_code == 0:
        console.print("[bold red]FAIL[/]: no case was run, so nothing was checked.")
    elif exit_code == 1:
        console.print("[bold red]FAIL[/]: the target broke the contract (details above).")
    else:
        console.print(f"[bold red]ERROR[/]: the suite could not run (pytest exit code {exit_code}).")


def _self_test(suite: Path, seeds: int) -> None:
    runs = selftest.self_test(suite, seeds=range(1, seeds + 1))
    console = _console()
    table = Table(title="Detection power: suite against the mock, one defect at a time")
    for column in ("run", "meant to be caught by", "rules that failed", "verdict"):
        table.add_column(column, overflow="fold")
    for run in runs:
        intended = DEFECTS[run.defect].caught_by if run.defect else "(nothing: must pass)"
        failed = ", ".join(sorted(run.failed_rules)) or "-"
        verdict = "[green]ok[/]" if run.ok else "[bold red]MISSED[/]" if run.defect else "[bold red]CRIED WOLF[/]"
        table.add_row(run.label, intended, failed, verdict)
    console.print(table)
    caught = sum(run.ok for run in runs if run.defect)
    defects = sum(1 for run in runs if run.defect)
    clean = sum(run.ok for run in runs if not run.defect)
    console.print(
        f"defects caught by their intended rule: {caught}/{defects}; faithful runs clean: {clean}/{len(runs) - defects}"
    )
    for run in runs:
        if not run.ok:
            console.print(f"--- {run.label} ---\n{run.output_tail}")
        elif run.crashed_after_finishing:
            console.print(
                f"warning: {run.label}: pytest finished cleanly, then the process exited "
                f"{run.process_exit_code}:\n{run.output_tail}"
            )
    raise SystemExit(0 if all(run.ok for run in runs) else 1)
