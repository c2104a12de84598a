"""A Markdown summary a CI job can attach: the verdict, what ran, and each finding grouped by rule."""

from __future__ import annotations

from pathlib import Path

from telecontract.contract.recording import Recorder
from telecontract.contract.summary import RunSummary
from telecontract.verdict import Verdict

MAX_EXAMPLES_PER_RULE = 3


def write(path: Path, summary: RunSummary, recorder: Recorder, *, verdict: Verdict, target: str, rerun: str) -> None:
    lines = [f"# Contract gate against {target}", "", f"**{verdict.label}**: {verdict.reason}", ""]
    lines += ["| operation | cases | checks | failed checks | warnings |", "|---|---:|---:|---:|---:|"]
    for label, tally in sorted(summary.operations.items()):
        lines.append(f"| `{label}` | {tally.cases} | {tally.checks} | {tally.failed_checks} | {tally.warnings} |")
    lines += [f"| **total** | **{summary.cases}** | **{summary.checks}** | **{summary.failed_checks}** | |", ""]
    if summary.out_of_scope:
        lines += ["Left out of this run:", ""]
        lines += [f"- `{label}`: {why}" for label, why in sorted(summary.out_of_scope.items())]
        lines.append("")
    by_rule = recorder.by_rule()
    if by_rule:
        note = "Errors fail the gate; warnings (inferred rules) fail it with `--strict`."
        lines += ["## Findings by rule", "", note, ""]
    for (severity, rule, source), items in by_rule.items():
        lines += [f"### {severity}: `{rule}` ({len(items)}), source: {source}", "", f"> {items[0][1].citation}", ""]
        for where, found in items[:MAX_EXAMPLES_PER_RULE]:
            if isinstance(where, str):
                lines += [f"- `{where}`: {found.message}", ""]
                continue
            lines += [
                f"- `{where.operation}` answered **{where.status}**: {found.message}",
                "",
                "  ```sh",
                f"  {where.curl()}",
                "  ```",
                "",
                "  Response body (redacted):",
                "",
                "  ```",
                f"  {where.response_body[:600]}",
                "  ```",
                "",
            ]
    lines += ["", f"Rerun exactly: `{rerun}`", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
