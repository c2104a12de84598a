"""Every background call ends in a documented way, and nothing is logged as an unhandled exception.

Once, a Voice v2 `play` whose `collect_digits.max` was 5.0 (an integer, as JSON Schema counts) made
the call's task raise ("Task exception was never retrieved"): the call never completed and no
call_completed was sent.
"""

from __future__ import annotations

import logging
import time

import orjson
import pytest

from telecontract.mock import call_flow
from telecontract.sink import read_deliveries


def play(max_digits: object) -> dict:
    return {
        "jsonrpc": "2.0",
        "method": "play",
        "params": {"url": "https://x.test/a.mp3", "collect_digits": {"max": max_digits}},
    }


def events_until_completed(sink, reference_id: str, timeout: float = 10.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        payloads = [orjson.loads(d.body) for d in read_deliveries(sink.database, "voiceEvent")]
        mine = [p for p in payloads if p["reference_id"] == reference_id]
        if any(p["event"] == "call_completed" for p in mine):
            return mine
        time.sleep(0.02)
    raise AssertionError(f"no call_completed for {reference_id}")


def dial(mock) -> str:
    response = mock.client.post(
        "/v2/voice",
        json={"jsonrpc": "2.0", "method": "dial", "params": {"to": "15550000203", "max_call_duration": 60.0}},
    )
    assert response.status_code == 202, response.text
    return response.json()["reference_id"]


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("max_digits", [5.0, 2, 64.0])
def test_collect_digits_max_written_as_a_float_still_collects(start_mock, start_sink, caplog, max_digits) -> None:
    sink = start_sink(voice_script=lambda e: play(max_digits) if e["event"] == "dial_completed" else None)
    mock = start_mock(voice_event_url=f"{sink.url}/voiceEvent")
    with caplog.at_level(logging.WARNING):
        events = events_until_completed(sink, dial(mock))
    assert [e["event"] for e in events] == ["dial_completed", "play_completed", "call_completed"]
    assert events[1]["data"]["collected_digits"] == "3"
    assert isinstance(events[2]["data"]["duration"], int)
    assert all(d.schema_errors == "[]" for d in read_deliveries(sink.database))
    assert errors(caplog) == []


def test_a_posted_play_with_a_float_max_is_run_too(start_mock, sink, caplog) -> None:
    mock = start_mock(voice_event_url=f"{sink.url}/voiceEvent", time_scale=0.01)
    reference_id = dial(mock)
    queued = mock.client.post(
        "/v2/voice", json=play(4.0) | {"params": play(4.0)["params"] | {"reference_id": reference_id}}
    )
    assert queued.status_code == 202, queued.text
    with caplog.at_level(logging.WARNING):
        events = events_until_completed(sink, reference_id)
    assert events[-1]["data"]["status"] in ("completed", "max_duration_reached")
    assert errors(caplog) == []


def test_a_failure_inside_the_mock_ends_the_call_as_failed(start_mock, sink, monkeypatch, caplog) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("a bug in the mock")

    monkeypatch.setattr(call_flow, "_converse", broken)
    mock = start_mock(voice_event_url=f"{sink.url}/voiceEvent")
    with caplog.at_level(logging.WARNING):
        events = events_until_completed(sink, dial(mock))
    assert events[-1]["event"] == "call_completed" and events[-1]["data"]["status"] == "failed"
    assert not mock.state.dial_calls[events[-1]["reference_id"]].live
    assert not any("never retrieved" in message for message in errors(caplog))
