"""The gate's report on the terminal: a row per operation or webhook that adds up to the total, the
findings by rule, what was left out, where the report files are, and the verdict on one line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich.table import Table

from telecontract.cli.console import terminal
from telecontract.contract.summary import RunSummary
from telecontract.verdict import Verdict

# What the engine and pytest write, in the order a reader wants them.
REPORTS = ("report.html", "summary.md", "junit.xml", "traffic.har", "traffic.ndjson")


def written_reports(report_dir: Path | None, junit_xml: Path | None, *, since: float) -> list[Path]:
    """The reports this run wrote (an earlier run's left in the folder are not this run's)."""
    paths = [report_dir / name for name in REPORTS] if report_dir else []
    if junit_xml and junit_xml not in paths:
        paths.append(junit_xml)
    # A second of slack: some file systems keep modification times in whole seconds.
    return [path for path in paths if path.is_file() and path.stat().st_mtime >= since - 1]


def print_report(
    summary: RunSummary, verdict: Verdict, target: str, *, receiver: bool = False, written: Sequence[Path] = ()
) -> None:
    console = terminal()
    subject = "webhook" if receiver else "operation"
    table = Table(title=f"{'Receiver' if receiver else 'Contract'} gate against {target}")
    table.add_column(subject, no_wrap=True)
    for column in ("cases", "checks", "failed checks", "errors", "warnings"):
        table.add_column(column, justify="right")
    rows = _rows(summary, f"(no single {subject})")
    for label, *figures in rows:
        table.add_row(label, *map(str, figures))
    totals = [sum(column) for column in zip(*(figures for _, *figures in rows), strict=True)] if rows else [0] * 5
    table.add_row("total", *map(str, totals), style="bold")
    console.print(table)
    console.print(f"check kinds: {', '.join(sorted(summary.check_names)) or 'none'}")
    for (rule, severity, source), count in sorted(summary.rule_counts().items()):
        colour = "red" if severity == "error" else "yellow"
        console.print(f"[{colour}]{severity}[/]: {rule} x{count} (source: {source})")
    for label, why in sorted(summary.out_of_scope.items()):
        console.print(f"left out: {label}: {why}")
    if written:  # where to look next, once, before the verdict (as `telecontract load` says it)
        console.print(f"reports: {', '.join(map(str, written))}", soft_wrap=True, highlight=False)
    colour = {"PASS": "green", "INCOMPLETE": "yellow"}.get(verdict.label, "red")
    console.print(f"[bold {colour}]{verdict.label}[/]: {verdict.reason}", soft_wrap=True)  # one line


def _rows(summary: RunSummary, elsewhere: str) -> list[tuple[str, int, int, int, int, int]]:
    """(label, cases, checks, failed checks, errors, warnings) per operation or webhook, so the rows add up
    to the total: each finding counts on the row it is about, and those about none on a row of their own."""
    by_row: dict[str, Counter[str]] = {label: Counter() for label in summary.operations}
    for found in summary.findings:
        row = found.operation if found.operation in by_row else elsewhere
        by_row.setdefault(row, Counter())[found.severity] += 1
    rows = []
    for label, counts in sorted(by_row.items(), key=lambda item: (item[0] == elsewhere, item[0])):
        tally = summary.operations.get(label)
        figures = (tally.cases, tally.checks, tally.failed_checks) if tally else (0, 0, 0)
        rows.append((label, *figures, counts["error"], counts["warning"]))
    return rows
