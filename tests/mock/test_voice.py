"""Voice v1 outcomes and callbacks, Voice v2 call flows."""

from __future__ import annotations

import itertools
import time

import orjson
import pytest

from telecontract import callback_signing
from telecontract.sink import read_deliveries

FAST = 0.001


def call(mock, number: str, **extra: str):
    return mock.client.post("/v1/voice", data={"phone_number": number, "message": "Hi", "message_type": "OTP", **extra})


def wait_for(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize(
    ("number", "code", "digit"),
    [
        ("15555551212", 100, None),
        ("15550000101", 101, None),
        ("15550000106", 106, None),
        ("15550000107", 107, None),
        ("15550000203", 100, "3"),
    ],
)
def test_calls_progress_to_the_final_status_of_their_test_number(mock, number, code, digit) -> None:
    placed = call(mock, number)
    assert placed.status_code == 201 and placed.json()["status"]["code"] == 103
    reference_id = placed.json()["reference_id"]
    assert mock.client.get(f"/v1/voice/{reference_id}").json()["status"]["code"] in (103, code)
    status = wait_for(lambda: (b := mock.client.get(f"/v1/voice/{reference_id}").json())["status"]["code"] != 103 and b)
    assert status["status"]["code"] == code
    assert status["voice"].get("user_input") == digit


@pytest.mark.parametrize(("number", "code"), [("15550000130", 130), ("15550000104", 104), ("999123456789", 104)])
def test_blocked_and_invalid_numbers_place_no_call(mock, number, code) -> None:
    response = call(mock, number)
    assert response.status_code == 200
    assert response.json()["status"]["code"] == code


def test_message_length_counts_code_points(mock) -> None:
    assert call(mock, "15555551212", message="\N{GRINNING FACE}" * 2000).status_code == 201  # 4000 UTF-16 units
    refused = call(mock, "15555551212", message="a" * 2001)
    assert refused.status_code == 400
    assert "message" in refused.json()["errors"][0]["description"]


def test_unknown_reference_is_404(mock) -> None:
    assert mock.client.get("/v1/voice/" + "0" * 32).status_code == 404


def test_callback_is_signed_and_matches_the_spec(mock, sink, credentials) -> None:
    placed = call(mock, "15555551212", callback_url=f"{sink.url}/voiceTransactionCallback")
    deliveries = wait_for(lambda: list(read_deliveries(sink.database)))
    (delivery,) = deliveries
    assert delivery.signature_ok and delivery.schema_errors == "[]"
    payload = orjson.loads(delivery.body)
    assert payload["reference_id"] == placed.json()["reference_id"]
    assert payload["status"]["code"] == 100
    keys = {credentials.telesign_customer_id: credentials.telesign_api_key}
    assert not callback_signing.verify_telesign_callback(authorization="TSA x:y", api_keys=keys, body=delivery.body)


def test_failed_callback_is_retried_after_10_then_30_seconds(mock, start_sink) -> None:
    sink = start_sink(fail_first=2)
    call(mock, "15555551212", callback_url=f"{sink.url}/voiceTransactionCallback")
    attempts = wait_for(lambda: (d := list(read_deliveries(sink.database))) and len(d) == 3 and d)
    assert [a.answered for a in attempts] == [503, 503, 200]
    gaps = [(b.received_at - a.received_at) / FAST for a, b in itertools.pairwise(attempts)]
    # Lower bounds are exact (a retry is never early); upper ones leave a loaded machine its delays.
    assert 9 <= gaps[0] <= 30 and 29 <= gaps[1] <= 60 and gaps[1] > gaps[0], gaps


def test_callback_is_dropped_after_three_failures(mock, start_sink) -> None:
    sink = start_sink(fail_first=10)
    call(mock, "15555551212", callback_url=f"{sink.url}/voiceTransactionCallback")
    wait_for(lambda: mock.state.dropped_callbacks == 1)
    assert len(list(read_deliveries(sink.database))) == 3


def dial(mock, to: str = "15555551212", **params):
    return mock.client.post(
        "/v2/voice",
        json={"jsonrpc": "2.0", "method": "dial", "params": {"to": to, "caller_id_number": "15558675309", **params}},
    )


def events_of(sink, reference_id: str, until: str = "call_completed") -> list[dict]:
    def seen():
        payloads = [orjson.loads(d.body) for d in read_deliveries(sink.database, "voiceEvent")]
        mine = [p for p in payloads if p["reference_id"] == reference_id]
        return mine if any(p["event"] == until for p in mine) else None

    return wait_for(seen)


def test_dial_plays_collects_digits_and_hangs_up(start_mock, sink) -> None:
    mock = start_mock(voice_event_url=f"{sink.url}/voiceEvent")
    accepted = dial(mock, to="15550000207")
    assert accepted.status_code == 202 and accepted.json()["status"] == "dial_accepted"
    events = events_of(sink, accepted.json()["reference_id"])
    assert [e["event"] for e in events] == ["dial_completed", "play_completed", "call_completed"]
    assert events[0]["data"]["status"] == "answered"
    assert events[1]["data"]["collected_digits"] == "7"
    assert events[2]["data"]["status"] == "completed"
    assert all(d.signature_ok and d.schema_errors == "[]" for d in read_deliveries(sink.database))


def test_unanswered_dial_completes_without_actions(start_mock, sink) -> None:
    mock = start_mock(voice_event_url=f"{sink.url}/voiceEvent")
    events = events_of(sink, dial(mock, to="15550000107").json()["reference_id"])
    assert [e["event"] for e in events] == ["dial_completed", "call_completed"]
    assert events[0]["data"]["status"] == "busy" and events[1]["data"]["status"] == "busy"


def test_max_call_duration_ends_an_endless_call(start_mock, start_sink) -> None:
    def play_forever(event):
        return {"jsonrpc": "2.0", "method": "speak", "params": {"tts": {"message": "still here"}}}

    sink = start_sink(voice_script=play_forever)
    mock = start_mock(voice_event_url=f"{sink.url}/voiceEvent")
    events = events_of(sink, dial(mock, max_call_duration=20).json()["reference_id"])
    assert events[-1]["event"] == "call_completed"
    assert events[-1]["data"]["status"] == "max_duration_reached"
    assert events[-1]["data"]["duration"] == 20


def test_posted_hangup_ends_a_live_call(start_mock, sink) -> None:
    mock = start_mock(voice_event_url=f"{sink.url}/voiceEvent", time_scale=0.01)
    reference_id = dial(mock).json()["reference_id"]
    hangup = {"jsonrpc": "2.0", "method": "hangup", "params": {"reference_id": reference_id}}
    assert mock.client.post("/v2/voice", json=hangup).status_code == 202
    assert mock.client.post("/v2/voice", json=hangup).status_code == 404
    events = events_of(sink, reference_id)
    assert events[-1]["event"] == "call_completed"
