"""The callbacks a provider sends: signed, shaped as the spec's webhooks, retried on schedule, in order.

No other tool tests this side of the contract: it needs a receiving server. Ours is
`telecontract.sink`, which the target is pointed at through callback URLs. Each finding names its
webhook. A callback that never arrives is `callback_delivered`'s finding, never that of a rule
about what should have arrived (its schedule, its order).
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from telecontract.contract.bodies import Bodies
from telecontract.contract.failures import RuleViolation
from telecontract.contract.target import Target
from telecontract.sink import Delivery, read_deliveries
from telecontract.webhooks import signature_header_names

pytestmark = pytest.mark.callbacks
RETRY_SCHEDULE = (10.0, 30.0)
V2_EVENTS = ("dial_completed", "play_completed", "call_completed")


def deliveries_until(database, matches: Callable[[list[Delivery]], bool], timeout: float = 10.0) -> list[Delivery]:
    deadline = time.monotonic() + timeout
    while True:
        found = list(read_deliveries(database))
        if matches(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def about(reference: str) -> Callable[[Delivery], bool]:
    return lambda d: reference.encode() in d.body


def retries_of(deliveries: list[Delivery], reference: str) -> list[Delivery]:
    """The attempts of the one delivery about `reference` that the sink failed on purpose.

    A retry carries the same body (the sink's delivery key), so other callbacks that name the same
    reference (another call given the same reference_id: another rule's finding) are not its retries.
    """
    mine = [d for d in deliveries if about(reference)(d)]
    failed = next((d for d in mine if d.answered == 503), None)
    return mine if failed is None else [d for d in mine if d.delivery_key == failed.delivery_key]


def assert_signed_and_conforming(deliveries: list[Delivery]) -> None:
    for delivery in deliveries:
        if not delivery.signature_ok:
            raise RuleViolation(
                "callback_signature_valid",
                f"{delivery.webhook} delivery {delivery.id} {signature_problem(delivery)}",
                operation=delivery.webhook,
            )
        if delivery.schema_errors != "[]":
            raise RuleViolation(
                "webhook_payload_conformance",
                f"{delivery.webhook} payload breaks the spec: {'; '.join(orjson.loads(delivery.schema_errors))}",
                operation=delivery.webhook,
            )


def signature_problem(delivery: Delivery) -> str:
    """What is wrong with a signature that did not verify: missing, or made with another key."""
    sent = {name.lower() for name in orjson.loads(delivery.headers)}
    if sent & {name.lower() for name in signature_header_names(delivery.webhook)}:
        return "carries a signature that does not verify with the account's key"
    return "carries no signature"


def nothing_arrived(webhook: str, what: str) -> RuleViolation:
    return RuleViolation("callback_delivered", f"no {webhook} arrived for {what}", operation=webhook)


def place_call(client, bodies: Bodies, callback_url: str) -> str:
    """A Voice v1 message (the spec's own request) whose result is posted to `callback_url`."""
    response = client.post("/v1/voice", data=bodies("sendVoiceMessage", {"callback_url": callback_url}))
    assert response.status_code == 201, response.text
    return response.json()["reference_id"]


@pytest.mark.operations("sendVoiceMessage")
def test_voice_callback_is_signed_and_matches_the_spec(client, callback_sink, bodies: Bodies) -> None:
    reference_id = place_call(client, bodies, f"{callback_sink.url}/voiceTransactionCallback")
    mine = [
        d
        for d in deliveries_until(callback_sink.database, lambda ds: any(map(about(reference_id), ds)))
        if about(reference_id)(d)
    ]
    if not mine:
        raise nothing_arrived("voiceTransactionCallback", f"call {reference_id}")
    assert_signed_and_conforming(mine)
    assert orjson.loads(mine[0].body)["status"]["code"] == 100


@pytest.mark.operations("sendVoiceMessage")
def test_failed_callbacks_are_retried_after_10_then_30_seconds(
    client, callback_sink, target: Target, bodies: Bodies
) -> None:
    # A URL of its own, so no other delivery shares its key (and its fail_first count) with this one.
    url = f"{callback_sink.url}/voiceTransactionCallback?fail_first=2&run={uuid.uuid4().hex}"
    reference_id = place_call(client, bodies, url)
    wait = 3 * sum(RETRY_SCHEDULE) * target.time_scale + 5
    attempts = retries_of(
        deliveries_until(callback_sink.database, lambda ds: len(retries_of(ds, reference_id)) >= 3, timeout=wait),
        reference_id,
    )
    webhook = "voiceTransactionCallback"
    if not attempts:
        raise nothing_arrived(webhook, f"call {reference_id}, failed on purpose twice")
    if len(attempts) < 3:
        raise RuleViolation(
            "callback_retry_schedule", f"{len(attempts)} attempts arrived, 3 were due", operation=webhook
        )
    gaps = [(b.received_at - a.received_at) / target.time_scale for a, b in itertools.pairwise(attempts[:3])]
    slack = 0.02 / target.time_scale  # 20 ms of real scheduling jitter, in provider seconds
    for retry, (gap, due) in enumerate(zip(gaps, RETRY_SCHEDULE, strict=True), start=1):
        if not due * 0.8 - slack <= gap <= due * 1.5 + slack:
            when = "early" if gap < due else "late"
            raise RuleViolation(
                "callback_retry_schedule",
                f"retry {retry} came {when}: retries came after {gaps[0]:.1f} s and {gaps[1]:.1f} s, not 10 s and 30 s",
                operation=webhook,
            )
    assert [a.answered for a in attempts[:3]] == [503, 503, 200]
    assert_signed_and_conforming(attempts)


@pytest.mark.operations("createVtsMaskingSession")
def test_vts_session_callbacks_are_signed_and_match_the_spec(
    client, callback_sink, target: Target, bodies: Bodies
) -> None:
    # The parties of the spec's example; a session that ends in a minute, and where its callbacks go.
    asked = {"session_expiry": 60, "callback_url": f"{callback_sink.url}/vtsSessionCallback"}
    response = client.post(
        f"/v1/Account/{target.credentials.vts_auth_id}/Masking/Session/",
        json=bodies("createVtsMaskingSession", asked),
    )
    uuid = response.json()["session_uuid"]
    mine = [
        d
        for d in deliveries_until(
            callback_sink.database, lambda ds: any(map(about(uuid), ds)), timeout=60 * target.time_scale + 5
        )
        if about(uuid)(d)
    ]
    if not mine:
        raise nothing_arrived("vtsSessionCallback", f"session {uuid}")
    assert_signed_and_conforming(mine)


@pytest.mark.embedded_only  # a live provider posts events to the URL set in its portal, not ours
@pytest.mark.operations("controlVoiceCall")
def test_voice_v2_events_arrive_in_order(client, callback_sink, bodies: Bodies) -> None:
    # The spec's dial, to the mock's number whose callee presses 4 (1555000020D: digit D).
    dial = bodies("controlVoiceCall", {"params": {"to": "15550000204"}})
    reference_id = client.post("/v2/voice", json=dial).json()["reference_id"]

    def completed(ds: list[Delivery]) -> bool:  # every event arrived, in whatever order
        bodies = [d.body for d in ds if about(reference_id)(d)]
        return all(any(f'"{name}"'.encode() in body for body in bodies) for name in V2_EVENTS)

    events = [d for d in deliveries_until(callback_sink.database, completed) if about(reference_id)(d)]
    assert_signed_and_conforming(events)
    names: list[Any] = [orjson.loads(d.body)["event"] for d in events]
    if missing := [name for name in V2_EVENTS if name not in names]:
        raise nothing_arrived("voiceEvent", f"call {reference_id}: {', '.join(missing)} never came")
    if names != list(V2_EVENTS):
        raise RuleViolation(
            "v2_event_order",
            f"events came as {' -> '.join(names)}; expected dial_completed -> play_completed -> call_completed",
            operation="voiceEvent",
        )
    assert orjson.loads(events[1].body)["data"]["collected_digits"] == "4"
