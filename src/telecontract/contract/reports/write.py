"""Every report file of a run, written into one folder: summary.md, report.html and the traffic."""

from __future__ import annotations

from pathlib import Path

import pytest

from telecontract.contract.engine.command_line import run_options
from telecontract.contract.recording import recorder_for
from telecontract.contract.reports import html, markdown, traffic
from telecontract.contract.summary import summary_for
from telecontract.contract.target import described
from telecontract.redaction import redact_text


def write_reports(directory: Path, config: pytest.Config, exitstatus: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    options = run_options(config)
    summary, recorder = summary_for(config), recorder_for(config)
    verdict = summary.verdict(strict=options.strict, suite_status=exitstatus)
    target = redact_text(described(options))
    if options.receiver_urls:
        target = "the receiver at " + ", ".join(sorted({url for _, url in options.receiver_urls}))
    rerun = options.command()
    markdown.write(directory / "summary.md", summary, recorder, verdict=verdict, target=target, rerun=rerun)
    subject = "webhook" if options.receiver_urls else "operation"
    html.write(
        directory / "report.html",
        summary,
        recorder,
        verdict=verdict,
        target=target,
        rerun=rerun,
        seed=options.seed,
        subject=subject,
    )
    traffic.write_ndjson(directory / "traffic.ndjson", recorder)
    traffic.write_har(directory / "traffic.har", recorder)
