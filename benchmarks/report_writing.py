"""Writing a gate's reports for a live run at the default budget: how long, and how big.

    python benchmarks/report_writing.py [--exchanges 5000] [--operations 10] [--findings 200]

A live gate stops at 5,000 requests by default. This builds a recorder of that many redacted
exchanges (bodies of the size the mock answers, a share of them with findings) and times each
writer side by side in one run: report.html (Jinja2 + one pygal histogram per operation),
summary.md, traffic.ndjson and traffic.har. It prints milliseconds and bytes for each.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from telecontract.contract.recording import Exchange, Recorder
from telecontract.contract.reports import html, markdown, traffic
from telecontract.contract.summary import OperationTally, RunSummary
from telecontract.findings import Finding
from telecontract.verdict import decide

BODY = json.dumps(
    {"reference_id": "0123456789ABCDEF0123456789ABCDEF", "session_data": {"masked_id": "1555***0100"}}
    | {f"field_{i}": "x" * 20 for i in range(20)}
)


def build(exchanges: int, operations: int, findings: int) -> tuple[RunSummary, Recorder]:
    summary, recorder = RunSummary(), Recorder()
    for n in range(exchanges):
        label = f"POST /v1/operation_{n % operations}"
        found = []
        if n < findings:
            found = [
                Finding(
                    "response_schema_conformance",
                    "documented",
                    "error",
                    f"case {n}: field_3 is wrong",
                    "TeleSign page",
                    label,
                )
            ]
        tally = summary.operations.setdefault(label, OperationTally())
        tally.cases += 1
        tally.checks += 20
        tally.statuses[200 if n % 7 else 400] += 1
        summary.findings += found
        recorder.exchanges.append(
            Exchange(
                label,
                "POST",
                f"https://rest-ww.telesign.com/v1/operation_{n % operations}",
                {"Authorization": "[REDACTED]", "Content-Type": "application/json"},
                '{"phone_number": "1555***0100"}',
                200,
                {"content-type": "application/json"},
                BODY,
                1.0 + (n % 97) / 10,
                1_700_000_000.0 + n,
                found,
            )
        )
    return summary, recorder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=5000)
    parser.add_argument("--operations", type=int, default=10)
    parser.add_argument("--findings", type=int, default=200)
    args = parser.parse_args()
    summary, recorder = build(args.exchanges, args.operations, args.findings)
    verdict = decide(summary.findings, strict=False, suite_status=1, cases=summary.cases)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        writers = {
            "report.html": lambda p: html.write(
                p, summary, recorder, verdict=verdict, target="x", rerun="telecontract gate", seed=1
            ),
            "summary.md": lambda p: markdown.write(
                p, summary, recorder, verdict=verdict, target="x", rerun="telecontract gate"
            ),
            "traffic.ndjson": lambda p: traffic.write_ndjson(p, recorder),
            "traffic.har": lambda p: traffic.write_har(p, recorder),
        }
        print(f"{args.exchanges} exchanges, {args.operations} operations, {args.findings} findings")
        for name, write in writers.items():
            best = min(_timed(write, out / name) for _ in range(3))
            print(f"{name:15} {best * 1000:8.1f} ms (best of 3) {(out / name).stat().st_size / 1024:9.1f} KiB")


def _timed(write: Callable[[Path], None], path: Path) -> float:
    started = time.perf_counter()
    write(path)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
