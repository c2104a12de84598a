"""report.html of a gate run: the verdict, each operation's figures and latency, findings by rule."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from telecontract.contract.recording import Exchange, Recorder
from telecontract.contract.summary import OperationTally, RunSummary
from telecontract.findings import Finding
from telecontract.html import charts
from telecontract.html.render import render
from telecontract.redaction import redact_text
from telecontract.verdict import Verdict

MAX_EXAMPLES_PER_RULE = 5


@dataclass(frozen=True, slots=True)
class OperationRow:
    label: str
    tally: OperationTally
    statuses: str
    p50_ms: float | None
    p95_ms: float | None
    histogram: Markup | None


@dataclass(frozen=True, slots=True)
class RuleGroup:
    severity: str
    rule: str
    source: str
    citation: str
    count: int
    # (the exchange, or None for a test's finding that quotes none; the test's id, or ""; the finding)
    examples: list[tuple[Exchange | None, str, Finding]]


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def evidence(recorder: Recorder, found: Finding) -> Exchange | None:
    """The exchange a test's finding quotes: the receiver gate's delivery whose problem under the
    finding's rule the finding's message starts with (the first of those a rule's test reports)."""
    said = (found.message, redact_text(found.message))
    for exchange in recorder.exchanges:
        problem = exchange.problems.get(found.rule)
        if problem and exchange.operation == found.operation and any(s.startswith(problem) for s in said):
            return exchange
    return None


def write(
    path: Path,
    summary: RunSummary,
    recorder: Recorder,
    *,
    verdict: Verdict,
    target: str,
    rerun: str,
    seed: int | None,
    subject: str = "operation",  # "webhook" for the receiver gate, whose rows are callback kinds
) -> None:
    latencies = recorder.latencies()
    rows = []
    for label, tally in sorted(summary.operations.items()):
        times = latencies.get(label, [])
        rows.append(
            OperationRow(
                label=label,
                tally=tally,
                statuses=", ".join(f"{status} ({n})" for status, n in sorted(tally.statuses.items())),
                p50_ms=percentile(times, 0.5),
                p95_ms=percentile(times, 0.95),
                histogram=charts.histogram(times, title=f"{label}: latency") if len(times) > 1 else None,
            )
        )
    groups = [
        RuleGroup(
            severity=severity,
            rule=rule,
            source=source,
            citation=items[0][1].citation,
            count=len(items),
            examples=[
                (where, "", found) if isinstance(where, Exchange) else (evidence(recorder, found), where, found)
                for where, found in items[:MAX_EXAMPLES_PER_RULE]
            ],
        )
        for (severity, rule, source), items in recorder.by_rule().items()
    ]
    every = [t for times in latencies.values() for t in times]
    page = render(
        "gate.html.j2",
        title=f"{'Receiver' if subject == 'webhook' else 'Contract'} gate against {target}",
        verdict=verdict,
        summary=summary,
        rows=rows,
        groups=groups,
        warnings=sum(f.severity == "warning" for f in summary.findings),
        errors=sum(f.severity == "error" for f in summary.findings),
        median_ms=statistics.median(every) if every else None,
        rerun=rerun,
        seed=seed,
        subject=subject,
    )
    path.write_text(page, encoding="utf-8")
