"""A Markdown summary a CI job can attach: what ran, and each failure grouped by rule."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from telecontract.contract.recording import Exchange, Recorder
from telecontract.contract.summary import RunSummary

MAX_EXAMPLES_PER_RULE = 3


def write(path: Path, summary: RunSummary, recorder: Recorder, *, target: str, rerun: str) -> None:
    lines = [f"# Contract gate against {target}", ""]
    lines += ["| operation | cases | checks | failed checks |", "|---|---:|---:|---:|"]
    for label, tally in sorted(summary.operations.items()):
        lines.append(f"| `{label}` | {tally.cases} | {tally.checks} | {tally.failed_checks} |")
    lines += [f"| **total** | **{summary.cases}** | **{summary.checks}** | **{summary.failed_checks}** |", ""]
    failing: dict[str, list[Exchange]] = defaultdict(list)
    for exchange in recorder.exchanges:
        for finding in exchange.findings:
            failing[finding.rule].append(exchange)
    tests_by_rule = defaultdict(list)
    for test_id, finding in recorder.test_findings:
        tests_by_rule[finding.rule].append((test_id, finding))
    if not failing and not tests_by_rule:
        lines.append("**PASS**: no rule failed." if summary.cases else "**FAIL**: nothing was checked.")
    else:
        lines += ["## Failures by rule", ""]
    for rule in sorted(set(failing) | set(tests_by_rule)):
        exchanges = failing.get(rule, [])
        tests = tests_by_rule.get(rule, [])
        lines += [f"### `{rule}` ({len(exchanges) + len(tests)})", ""]
        for exchange in exchanges[:MAX_EXAMPLES_PER_RULE]:
            message = next(f.message for f in exchange.findings if f.rule == rule)
            lines += [
                f"- `{exchange.operation}` answered **{exchange.status}**: {message}",
                "",
                "  ```sh",
                f"  {exchange.curl()}",
                "  ```",
                "",
                "  Response body (redacted):",
                "",
                "  ```",
                f"  {exchange.response_body[:600]}",
                "  ```",
                "",
            ]
        for test_id, finding in tests[:MAX_EXAMPLES_PER_RULE]:
            lines += [f"- `{test_id}`: {finding.message}", ""]
    lines += ["", f"Rerun exactly: `{rerun}`", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
