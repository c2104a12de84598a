"""The receiver gate's parts: signing and forging, judging an exchange, encoding payloads."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from telecontract import webhooks
from telecontract.credentials import Credentials
from telecontract.receiver import judging
from telecontract.receiver.delivery import Exchange
from telecontract.receiver.forgery import FORGERIES, forged
from telecontract.spec import load_spec

SPEC = load_spec()
CREDENTIALS = Credentials.from_env()
URL = "http://127.0.0.1:8000/hooks"
KINDS = webhooks.kinds(SPEC)


def verifies(kind: str, body: bytes, headers: dict[str, str]) -> bool:
    received = httpx.Headers(headers)  # as a receiver sees them: case-insensitive
    return webhooks.signature_ok(kind, url=URL, headers=received, body=body, credentials=CREDENTIALS)


@pytest.mark.parametrize("kind", KINDS)
def test_signed_callbacks_verify_and_every_forgery_does_not(kind: str) -> None:
    payload = webhooks.examples(SPEC, kind)[0]
    body = webhooks.encode(payload)
    assert verifies(kind, body, webhooks.signed_headers(kind, url=URL, body=body, credentials=CREDENTIALS))
    for how in FORGERIES:
        forged_body, headers = forged(kind, payload, url=URL, credentials=CREDENTIALS, how=how)
        assert not verifies(kind, forged_body, headers), how


def exchange(kind: str, status: int | None, content_type: str = "", answer: bytes = b"", error: str = "") -> Exchange:
    timed_out = error.startswith("no answer within")
    return Exchange(kind, URL, {}, b"{}", status, content_type, answer, 3.0, 0.0, error, timed_out)


DIAL = {"event": "dial_completed", "reference_id": "A" * 32, "data": {"status": "answered"}}
PLAY = json.dumps({"jsonrpc": "2.0", "method": "play", "params": {"url": "https://example.com/a.mp3"}}).encode()


@pytest.mark.parametrize(
    ("answered", "rule", "says"),
    [
        (exchange("voiceEvent", 200, "application/json", PLAY), None, None),
        (exchange("voiceEvent", 204), None, None),
        (exchange("voiceEvent", 200, "text/html", b"<p>ok</p>"), judging.VALID_ACTION, "text/html"),
        (exchange("voiceEvent", 200, "application/json", b'{"method": "dance"}'), judging.VALID_ACTION, "valid"),
        (exchange("voiceEvent", 500, "text/plain", b"boom"), judging.ACKNOWLEDGES, "answered 500"),
        (exchange("voiceEvent", None, error="no answer within 5 s"), judging.IN_TIME, "no answer within 5 s"),
    ],
)
def test_a_valid_callback_is_judged_by_each_rule_once(answered: Exchange, rule: str | None, says: str | None) -> None:
    problems = {r: p for r, p in judging.judge_valid(SPEC, answered, DIAL).items() if p}
    assert list(problems) == ([rule] if rule else [])
    if says:
        assert says in problems[rule]  # type: ignore[index]


@pytest.mark.parametrize(("status", "problem"), [(401, None), (403, None), (200, "was accepted"), (400, "not 401")])
def test_a_forged_callback_must_be_refused_with_401_or_403(status: int, problem: str | None) -> None:
    found = judging.judge_forged(exchange("maskingTransactionStatus", status), "unsigned")[judging.REFUSES_FORGED]
    assert (found is None) if problem is None else (problem in (found or ""))


def test_payloads_are_sent_as_json_even_beyond_64_bits_and_utf_8() -> None:
    assert json.loads(webhooks.encode({"n": 2**70})) == {"n": 2**70}
    assert webhooks.encode({"s": "\ud800"}) == b'{"s":"\\ud800"}'  # a lone surrogate cannot be UTF-8


@pytest.mark.parametrize("kind", KINDS)
def test_generated_payloads_are_valid_under_the_webhook_schema(kind: str) -> None:
    validator = SPEC.request_validator(webhooks.operation_id(SPEC, kind), "application/json")

    @settings(max_examples=30, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(webhooks.payloads(SPEC, kind))
    def check(payload: object) -> None:
        assert validator.is_valid(json.loads(webhooks.encode(payload)))

    check()


@pytest.mark.parametrize("kind", ["voiceTransactionCallback", "voiceEvent", "maskingTransactionStatus"])
def test_a_telesign_callback_needs_both_headers_signed(kind: str) -> None:
    """The "Authenticate callbacks" page: both are always included, so a provider sending one is wrong."""
    body = webhooks.encode(webhooks.examples(SPEC, kind)[0])
    headers = webhooks.signed_headers(kind, url=URL, body=body, credentials=CREDENTIALS)
    assert verifies(kind, body, headers)
    for name in webhooks.TELESIGN_SIGNATURE_HEADERS:
        assert not verifies(kind, body, {k: v for k, v in headers.items() if k != name}), f"without {name}"
        assert not verifies(kind, body, headers | {name: "TSA x:c2lnbmF0dXJl"}), f"{name} forged"


def test_a_vts_callback_verifies_by_either_header_pair_and_with_several_signatures() -> None:
    body = webhooks.encode(webhooks.examples(SPEC, webhooks.VTS_KIND)[0])
    headers = webhooks.signed_headers(webhooks.VTS_KIND, url=URL, body=body, credentials=CREDENTIALS)
    for kept in webhooks.VTS_HEADER_PAIRS:
        alone = {k: v for k, v in headers.items() if k in kept}
        assert verifies(webhooks.VTS_KIND, body, alone), kept
        several = alone | {kept[0]: f"c29tZSBvdGhlcg==, {alone[kept[0]]}"}
        assert verifies(webhooks.VTS_KIND, body, several), kept
    # A pair that does not verify spoils the callback, whatever the other says.
    assert not verifies(webhooks.VTS_KIND, body, headers | {"X-VTS-Signature-V3": "c29tZSBvdGhlcg=="})
