"""report.html of the gate and of a load run: what a person opening it must find, and nothing fetched."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from telecontract.contract.recording import Exchange, Recorder
from telecontract.contract.reports import html as gate_html
from telecontract.contract.summary import OperationTally, RunSummary
from telecontract.findings import Finding
from telecontract.load import report as load_html
from telecontract.load.baseline import compare, figures_of
from telecontract.load.figures import Figures, FinalStats
from telecontract.load.run import LoadReport
from telecontract.load.thresholds import Verdict, parse
from telecontract.verdict import decide

CREATE = "POST /v1/anonymous/session/sms"
FINDING = Finding(
    rule="masked_id_differs_from_real_number",
    source="documented",
    severity="error",
    message="masked id equals the rider's number",
    citation="Number Masking: 'a masked number that stands in for the real one'",
    operation=CREATE,
)


class Page(HTMLParser):
    """Tags, their attributes and the text of a page; fails the test on markup it cannot read."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.ids: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))
            if name == "id" and value:
                self.ids.add(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def assert_self_contained(page: str) -> None:
    """Opens from a CI artifact with no network: nothing is loaded from anywhere."""
    parsed = Page(page)
    fetched = [(t, n, v) for t, n, v in parsed.attributes if n in ("src", "href", "srcset") and v and v[0] != "#"]
    assert fetched == [], fetched
    assert parsed.tags["link"] == 0 and parsed.tags["iframe"] == 0
    assert not re.search(r"@import|url\((?!#)", page)
    assert page.lstrip().lower().startswith("<!doctype html>")


def exchange(status: int, elapsed_ms: float, findings: list[Finding], body: str = '{"session_id": "abc"}') -> Exchange:
    return Exchange(
        operation=CREATE,
        method="POST",
        url="https://rest-ww.telesign.com/v1/anonymous/session/sms",
        request_headers={"Authorization": "[REDACTED]", "Content-Type": "application/x-www-form-urlencoded"},
        request_body="phone_number_a=1415***0123",
        status=status,
        response_headers={"Content-Type": "application/json"},
        response_body=body,
        elapsed_ms=elapsed_ms,
        started=1_700_000_000.0,
        findings=findings,
    )


def test_the_gate_report_shows_verdict_operations_findings_and_latency(tmp_path: Path) -> None:
    summary = RunSummary()
    summary.operations[CREATE] = OperationTally(cases=3, checks=30, failed_checks=1, statuses=Counter({200: 2, 400: 1}))
    summary.findings.append(FINDING)
    summary.out_of_scope["POST /v1/voice"] = "places real calls: needs --allow-calls"
    recorder = Recorder()
    hostile = '<script>alert("x")</script>'
    recorder.exchanges += [exchange(200, 4.0, []), exchange(200, 9.0, [FINDING], body=hostile), exchange(400, 2.0, [])]
    recorder.record_test_finding("test_domain_rules.py::test_auth_is_enforced", FINDING)
    verdict = decide(summary.findings, strict=False, suite_status=1, cases=3)
    path = tmp_path / "report.html"
    rerun = "telecontract gate --seed 7"
    gate_html.write(path, summary, recorder, verdict=verdict, target="the embedded mock", rerun=rerun, seed=7)
    page = path.read_text()
    assert_self_contained(page)
    parsed = Page(page)
    words = parsed.words
    assert "FAIL" in words and verdict.reason in words
    assert "seed 7" in words and rerun in words
    assert {"verdict", "operations", "latency", f"rule-{FINDING.rule}"} <= parsed.ids
    # The operation's row: cases, checks, failed checks, p50 and p95 of its three answers (4, 9, 2 ms).
    assert re.search(rf"{re.escape(CREATE)} 3 30 1 0 4\.0 9\.0 200 \(2\), 400 \(1\)", words), words
    assert "Left out of this run POST /v1/voice : places real calls: needs --allow-calls" in words
    # The finding, grouped under its rule with source, severity, the exchange and a curl to reproduce.
    assert f"error : {FINDING.rule} x2 source: documented" in words
    assert FINDING.citation in words
    assert "curl -X POST" in words and "phone_number_a=1415***0123" in words
    assert "test_auth_is_enforced" in words
    # A response body is shown as text, never run as markup.
    assert hostile not in page and "&lt;script&gt;" in page
    # One latency histogram for the operation, drawn as inline SVG.
    assert parsed.tags["svg"] == 1


def test_a_clean_gate_report_says_so(tmp_path: Path) -> None:
    summary = RunSummary()
    summary.operations[CREATE] = OperationTally(cases=1, checks=5, statuses=Counter({200: 1}))
    recorder = Recorder()
    recorder.exchanges.append(exchange(200, 3.0, []))
    verdict = decide([], strict=False, suite_status=0, cases=1)
    path = tmp_path / "report.html"
    gate_html.write(path, summary, recorder, verdict=verdict, target="x", rerun="telecontract gate", seed=None)
    parsed = Page(path.read_text())
    assert "PASS" in parsed.words and "no-findings" in parsed.ids
    assert parsed.tags["svg"] == 0  # one answer draws no histogram
    assert "Too few answers to draw" in parsed.words


PERCENTILES = "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
HISTORY = f"""\
Timestamp,User Count,Type,Name,Requests/s,Failures/s,{PERCENTILES},Total Request Count
1796015720,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0
1796015721,4,,Aggregated,210.5,0.0,3,3,4,4,5,6,7,8,9,9,9,210
1796015722,4,,Aggregated,220.0,1.0,3,3,4,4,5,7,8,9,9,9,9,430
"""
TIMES = "Median Response Time,Average Response Time,Min Response Time,Max Response Time"
STATS = f"""\
Type,Name,Request Count,Failure Count,{TIMES},Average Content Size,Requests/s,Failures/s,{PERCENTILES}
POST,create_sms_session,430,1,3,3.2,1.0,19.5,650.0,215.0,0.5,3,3,4,4,5,7,8,9,19,19,19
,Aggregated,430,1,3,3.2,1.0,19.5,650.0,215.0,0.5,3,3,4,4,5,7,8,9,19,19,19
"""
# What Locust counted (the report's figures): p50 3, p95 7, p99 9 ms by its formula, 430 requests in 2 s.
ROW = Figures(
    "create_sms_session", "POST", 430, 1, max_response_time=19.5, response_times={3: 300, 7: 110, 9: 17, 19: 3}
)
COUNTED = FinalStats(entries=(ROW,), start_time=1.0, last_request_timestamp=3.0)


def test_the_load_report_shows_thresholds_baseline_plots_requests_and_callbacks(tmp_path: Path) -> None:
    (tmp_path / "locust_stats_history.csv").write_text(HISTORY)
    (tmp_path / "locust_stats.csv").write_text(STATS)
    totals = {"requests": 430.0, "failures": 1.0, "rps": 215.0, "p50_ms": 3.0, "p95_ms": 7.0, "p99_ms": 9.0}
    earlier = figures_of({**totals, "rps": 400.0, "p95_ms": 6.9})
    report = LoadReport(
        scenario="callbacks",
        target="http://127.0.0.1:1234",
        users=4,
        run_time="3s",
        thresholds="p95<5;lost_callbacks==0",
        locust=totals,
        callbacks={"placed": 100, "stored": 99, "lost_callbacks": 1, "duplicate_callbacks": 2, "delay_p50_ms": 1.7},
        locust_exit_code=1,
        callback_verdicts=[Verdict(parse("lost_callbacks==0")[0], 1.0)],
        report_dir=tmp_path,
        request_verdicts=[Verdict(parse("p95<5")[0], 7.0)],
        comparisons=compare(totals, earlier, {"p95": 0.1, "rps": 0.1}),
        baseline=Path("last/summary.json"),
        seed=11,
        command="telecontract load --scenario callbacks --seed 11",
        stats=COUNTED,
    )
    load_html.write(tmp_path / "report.html", report)
    page = (tmp_path / "report.html").read_text()
    assert_self_contained(page)
    parsed = Page(page)
    words = parsed.words
    assert "FAIL" in words and "seed 11" in words and report.command in words
    assert {"thresholds", "baseline", "plots", "requests", "callbacks"} <= parsed.ids
    assert "p95<5 7 BREACHED" in words and "lost_callbacks==0 1 BREACHED" in words
    assert "rps 400 215 -46.2% 360 REGRESSED" in words and "p95 6.9 7 +1.4% 11.9 ok" in words
    assert "POST create_sms_session 430 1 3 7 9 19.5 215.0" in words
    assert "lost 1" in words and "duplicates 2" in words
    assert parsed.tags["svg"] == 3  # throughput, latency percentiles, users over time
