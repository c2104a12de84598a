"""Thresholds are read once, kept as values, and judged on what Locust counted."""

from __future__ import annotations

import pytest

from telecontract.errors import UsageError
from telecontract.load import scenario_fit, thresholds
from telecontract.load.figures import ErrorCount, Figures, FinalStats


def row(name: str, requests: int = 100, failures: int = 2, method: str = "POST") -> Figures:
    # One request per millisecond from 1 to `requests`: Locust's p95 of 100 such requests is 96 ms.
    return Figures(
        name,
        method,
        requests=requests,
        failures=failures,
        total_response_time=float(sum(range(1, requests + 1))),
        min_response_time=1,
        max_response_time=float(requests),
        response_times=dict.fromkeys(range(1, requests + 1), 1),
    )


STATS = FinalStats(
    total=row("Aggregated", method=""),
    entries=(row("create_sms_session", requests=70, failures=0),),
    errors=(ErrorCount("voiceEvent", "POST", "invalid answer: dial_completed: not an action", 3),),
    start_time=1000.0,
    last_request_timestamp=1010.0,
)


def test_parse_reads_every_form() -> None:
    parsed = thresholds.parse("p95<200; p99[create_sms_session]<=300, fail_ratio<0.01;rps>50;lost_callbacks==0")
    assert [str(t) for t in parsed] == [
        "p95<200",
        "p99[create_sms_session]<=300",
        "fail_ratio<0.01",
        "rps>50",
        "lost_callbacks==0",
    ]


@pytest.mark.parametrize("text", ["fail_ratio<0.00001", "p95<1000000", "rps>.5", "avg<7."])
def test_a_limit_is_shown_as_written_and_kept_as_a_number(text: str) -> None:
    (threshold,) = thresholds.parse(text)
    assert str(threshold) == text and "e-0" not in thresholds.Verdict(threshold, 1e-06).line()
    assert threshold.limit == float(text.split("<")[-1].split(">")[-1])


@pytest.mark.parametrize(
    "text", ["p95 under 200", "latency<5", "p95<fast", "rps=>3", "p95<1.2.3", "rps>.", "p95<1e6", "p95<-1"]
)
def test_unreadable_threshold_is_a_usage_error_naming_the_form(text: str) -> None:
    with pytest.raises(UsageError, match="Cannot read threshold") as caught:
        thresholds.parse(text)
    assert "plain decimal number" in str(caught.value.hint)


def test_a_percentile_outside_1_to_99_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="p1 to p99"):
        thresholds.parse("p0<5")


def test_evaluate_names_limit_and_measured_value() -> None:
    verdicts = thresholds.evaluate(thresholds.parse("p95<100;fail_ratio<0.01;rps[create_sms_session]>5"), STATS)
    assert [v.passed for v in verdicts] == [True, False, True]
    assert [v.value for v in verdicts] == [96.0, 0.02, 7.0]  # Locust's p95 and its requests over the run's span
    assert verdicts[1].line() == "threshold fail_ratio<0.01 BREACHED: measured 0.02, limit <0.01"


def test_a_tiny_measured_value_is_shown_without_an_exponent() -> None:
    (verdict,) = thresholds.evaluate(
        thresholds.parse("fail_ratio<0.00001"), FinalStats(total=row("Aggregated", 100_000, 3))
    )
    assert verdict.line() == "threshold fail_ratio<0.00001 BREACHED: measured 0.00003, limit <0.00001"


def test_missing_data_is_a_breach_not_a_pass() -> None:
    (verdict,) = thresholds.evaluate(thresholds.parse("p95[no_such_request]<100"), STATS)
    assert not verdict.passed and "no data" in verdict.line()


def test_with_no_request_every_request_threshold_breaches() -> None:
    nothing = FinalStats()
    verdicts = thresholds.evaluate(thresholds.parse("fail_ratio<0.05;p95<100;rps>0;timeouts==0;requests>0"), nothing)
    assert [v.value for v in verdicts] == [None, None, None, None, 0.0]
    assert not any(v.passed for v in verdicts)


def test_failures_are_counted_by_what_they_say() -> None:
    (verdict,) = thresholds.evaluate(thresholds.parse("invalid_answers==0"), STATS)
    assert verdict.value == 3 and not verdict.passed


def test_callback_metrics_come_from_the_receiver() -> None:
    (verdict,) = thresholds.evaluate(thresholds.parse("lost_callbacks==0"), STATS, {"lost_callbacks": 3})
    assert not verdict.passed and verdict.value == 3


def test_voice_calls_must_have_checked_a_journey() -> None:
    """Dials answered 202 and no call's events seen: before, that passed with nothing checked."""
    dials_only = FinalStats(total=row("Aggregated", 2, 0, ""), entries=(row("dial", 2, 0),), start_time=1.0)
    wanted = scenario_fit.required("voice_calls", thresholds.parse("fail_ratio<0.01"))
    verdicts = thresholds.evaluate(wanted, dials_only)
    assert [v.passed for v in verdicts] == [True, False]
    assert verdicts[1].line() == (
        "threshold requests[call_events_in_order]>0 BREACHED: measured 0, limit >0 "
        "(no call's events were checked: voice_calls checked nothing)"
    )
    assert scenario_fit.required("voice_calls", wanted) == wanted  # asked for once
