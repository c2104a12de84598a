from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from telecontract.errors import UsageError
from telecontract.load import thresholds


@dataclass
class FakeEntry:
    num_requests: int = 100
    fail_ratio: float = 0.02
    total_rps: float = 40.0
    avg_response_time: float = 12.0

    def get_response_time_percentile(self, percent: float) -> int:
        return int(percent * 100)  # p95 -> 95 ms


@dataclass
class FakeStats:
    total: FakeEntry = field(default_factory=FakeEntry)
    entries: dict = field(default_factory=lambda: {("create_sms_session", "POST"): FakeEntry(total_rps=7.0)})


def test_parse_reads_every_form() -> None:
    parsed = thresholds.parse("p95<200; p99[create_sms_session]<=300, fail_ratio<0.01;rps>50;lost_callbacks==0")
    assert [str(t) for t in parsed] == [
        "p95<200",
        "p99[create_sms_session]<=300",
        "fail_ratio<0.01",
        "rps>50",
        "lost_callbacks==0",
    ]


@pytest.mark.parametrize("text", ["p95 under 200", "latency<5", "p95<fast", "rps=>3"])
def test_unreadable_threshold_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="Cannot read threshold"):
        thresholds.parse(text)


def test_evaluate_names_limit_and_measured_value() -> None:
    verdicts = thresholds.evaluate(thresholds.parse("p95<100;fail_ratio<0.01;rps[create_sms_session]>5"), FakeStats())
    assert [v.passed for v in verdicts] == [True, False, True]
    assert verdicts[1].line() == "threshold fail_ratio<0.01 BREACHED: measured 0.02, limit <0.01"


def test_missing_data_is_a_breach_not_a_pass() -> None:
    (verdict,) = thresholds.evaluate(thresholds.parse("p95[no_such_request]<100"), FakeStats())
    assert not verdict.passed and "no data" in verdict.line()


def test_callback_metrics_come_from_the_receiver() -> None:
    (verdict,) = thresholds.evaluate(thresholds.parse("lost_callbacks==0"), FakeStats(), {"lost_callbacks": 3})
    assert not verdict.passed and verdict.value == 3
