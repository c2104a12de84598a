"""The reports' charts read at a glance: throughput from Locust's cumulative counts, latency bands that
a slow answer does not squash, titles broken between names, a receiver's finding with its delivery."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from telecontract.contract.recording import Recorder
from telecontract.contract.reports import html as gate_html
from telecontract.contract.summary import OperationTally, RunSummary
from telecontract.findings import Finding
from telecontract.html import charts
from telecontract.load import report as load_html
from telecontract.load.run import LoadReport
from telecontract.spec import load_spec
from telecontract.verdict import decide

PERCENTILES = "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
# What Locust wrote in a 5 s run: its Requests/s column (a trailing average) is 0 for the first
# seconds while its cumulative count says 800 requests a second were answered.
HISTORY = f"""\
Timestamp,User Count,Type,Name,Requests/s,Failures/s,{PERCENTILES},Total Request Count,Total Failure Count
1796015720,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0
1796015721,10,,Aggregated,0.000000,0.000000,2,2,2,2,3,3,4,4,9,9,9,805,0
1796015722,10,,Aggregated,0.000000,0.000000,2,2,2,2,3,3,4,4,9,9,9,1605,2
1796015723,10,,Aggregated,763.000000,0.000000,2,2,2,2,3,3,4,4,9,9,9,2416,2
1796015725,10,,Aggregated,744.500000,0.000000,2,2,2,2,3,3,4,4,9,9,9,4016,6
"""


def rows() -> list[dict[str, str]]:
    header, *lines = HISTORY.strip().splitlines()
    return [dict(zip(header.split(","), line.split(","), strict=True)) for line in lines]


def test_throughput_comes_from_the_cumulative_counts() -> None:
    assert load_html.per_second(rows(), load_html.TOTAL_REQUESTS) == [
        (0.0, 0.0),
        (1.0, 805.0),
        (2.0, 800.0),
        (3.0, 811.0),
        (5.0, 800.0),  # two seconds between samples: per second, not per sample
    ]
    assert load_html.per_second(rows(), load_html.TOTAL_FAILURES) == [
        (0.0, 0.0),
        (1.0, 0.0),
        (2.0, 2.0),
        (3.0, 0.0),
        (5.0, 2.0),
    ]


def test_the_load_pages_throughput_line_rises_in_the_first_second(tmp_path: Path) -> None:
    """On the page: the requests/s line leaves the x axis at the first sample, not when Locust's average wakes."""
    (tmp_path / "locust_stats_history.csv").write_text(HISTORY)
    report = LoadReport(
        scenario="masking_sessions",
        target="http://127.0.0.1:1",
        users=10,
        run_time="5s",
        thresholds="fail_ratio<0.01",
        locust={"requests": 4016.0, "failures": 6.0, "rps": 800.0},
        callbacks={},
        locust_exit_code=0,
        callback_verdicts=[],
        report_dir=tmp_path,
    )
    load_html.write(tmp_path / "report.html", report)
    page = (tmp_path / "report.html").read_text()
    throughput = page[page.index("Throughput") :]
    line = re.search(r'<path d="M([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)', throughput)
    assert line, throughput[:2000]
    _, at_start, _, after_one_second, _, after_two = map(float, line.groups())
    assert (
        after_one_second < at_start - 100 and after_two < at_start - 100
    )  # up at 805 and 800 req/s (SVG y grows down)


def test_a_slow_answer_gets_a_band_of_its_own_instead_of_squashing_the_others() -> None:
    answers = [1.2, 1.4, 1.5, 1.7, 1.9, 2.0, 2.2, 2.4, 3.1, 3.3, 250.0]
    labels, counts = charts.bands(answers)
    assert labels[-1].startswith("≥") and counts[-1] == 1  # the 250 ms answer
    assert sum(counts) == len(answers)
    assert sum(1 for count in counts[:-1] if count) >= 4  # the other ten spread over several bands
    assert labels[:3] == ["1", "1.5", "2"]  # nice steps from the fastest answer


def test_answers_all_alike_are_one_band() -> None:
    assert charts.bands([2.0, 2.0, 2.0]) == (["2"], [3])


def test_a_title_breaks_between_words_or_before_a_slash_never_inside_a_name() -> None:
    fits = charts.reverse_text_len(charts.WIDTH, charts.STYLE.title_font_size * 1.1)
    for operation in load_spec().operations():
        title = f"{operation.label}: latency"
        lines = charts.wrapped(title, charts.WIDTH).split("\n")
        assert all(len(line) <= fits for line in lines), lines
        assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", title)  # nothing lost
        for before, after in itertools.pairwise(lines):
            assert after.startswith("/") or f"{before} {after.split()[0]}" in title, (before, after)


def test_a_long_path_title_is_not_cut_mid_name_at_a_narrow_width() -> None:
    title = "DELETE /v1/Account/{auth_id}/Masking/Session/{session_uuid}: latency"
    lines = charts.wrapped(title, 300).split("\n")
    assert len(lines) > 1
    for name in re.findall(r"[^\s/]+", title):  # `Account`, `{session_uuid}:`, ... each whole on some line
        whole = re.compile(rf"(?<![^\s/]){re.escape(name)}(?![^\s/])")
        assert any(whole.search(line) for line in lines), (name, lines)


def test_a_receivers_finding_shows_the_delivery_it_quotes(tmp_path: Path) -> None:
    """The receiver gate's findings are its tests' (one per rule and webhook): the page shows, with
    each, the delivery its message quotes: request, answer and a curl that sends the same callback."""
    recorder = Recorder()
    problem = "voiceEvent callback (wrong_key) was accepted: answered 200 (application/json, 17 bytes) in 3 ms"
    for problems in ({"receiver_refuses_forged_callback": None}, {"receiver_refuses_forged_callback": problem}):
        recorder.record_parts(
            "voiceEvent",
            url="http://127.0.0.1:8000/telesign/events",
            request_headers={"Content-Type": "application/json", "X-TS-Authorization": "TSA id:c2lnbmF0dXJl"},
            request_body=b'{"event": "call_completed", "reference_id": "0123456789ABCDEF0123456789ABCDEF"}',
            status=200,
            response_headers={"content-type": "application/json"},
            response_body=b'{"jsonrpc": "2.0"}',
            elapsed_ms=3.0,
            started=1_700_000_000.0,
            problems=problems,
        )
    found = Finding(
        "receiver_refuses_forged_callback",
        "documented",
        "error",
        f"{problem} (and 2 more deliveries)",
        operation="voiceEvent",
    )
    recorder.record_test_finding("test_receiver.py::test_forged_callbacks_are_refused[voiceEvent-wrong_key]", found)
    summary = RunSummary()
    summary.operations["voiceEvent"] = OperationTally(cases=2, checks=2, failed_checks=1, statuses=Counter({200: 2}))
    summary.findings.append(found)
    verdict = decide(summary.findings, strict=False, suite_status=1, cases=2)
    page_path = tmp_path / "report.html"
    gate_html.write(page_path, summary, recorder, verdict=verdict, target="r", rerun="r", seed=1, subject="webhook")
    page = page_path.read_text()
    section = page[page.index('id="rule-receiver_refuses_forged_callback"') :]
    assert "<code>voiceEvent</code> answered <b>200</b>" in section
    assert "POST http://127.0.0.1:8000/telesign/events" in section and "call_completed" in section
    assert "curl -X POST -H &#39;Content-Type: application/json&#39;" in section
    assert "X-TS-Authorization: [REDACTED]" in section and "c2lnbmF0dXJl" not in page  # redacted, as everywhere
    assert "-u " not in section.split("Reproduce", 1)[1].split("</pre>", 1)[0]  # a callback is signed by headers
    assert "found by <code>test_receiver.py::test_forged_callbacks_are_refused[voiceEvent-wrong_key]</code>" in section


@pytest.mark.parametrize("chart", ["histogram", "over_time"])
def test_charts_are_drawn_at_a_readable_size(chart: str) -> None:
    svg = (
        charts.histogram([1.0, 2.0, 3.0], title="x")
        if chart == "histogram"
        else charts.over_time({"a": [(0, 1.0), (1, 2.0)]}, title="x", y_title="y")
    )
    width, height = (float(v) for v in re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg).groups())  # type: ignore[union-attr]
    assert width >= 500 and height >= 240
