"""Our callbacks, checked by the providers' own code: every valid one accepted, every forged one refused.

The checks are in `provider_code.py` (the telesign and plivo SDKs, TeleSign's "Authenticate
callbacks" steps); here they judge the shared signer (which the load storm uses), the mock's
deliveries and the receiver gate, and the sink is shown to accept signatures the plivo SDK made.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from plivo.utils.signature_v3 import construct_get_url, construct_post_url, get_signature_v3
from provider_code import TELESIGN_HEADERS, VTS, SdkReceiver, verified_by_the_providers_code

from telecontract import webhooks
from telecontract.client_auth import HttpxAuth
from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.receiver.forgery import FORGERIES, forged
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink, read_deliveries
from telecontract.spec import load_spec

SPEC = load_spec()
CREDENTIALS = Credentials.from_env()
URL = "http://127.0.0.1:8000/hooks/callback?account=7"
KINDS = webhooks.kinds(SPEC)
FAST = 0.001


def accepted(kind: str, method: str, url: str, body: bytes, headers: dict[str, str], header: str) -> bool:
    received = httpx.Headers(headers)  # case-insensitive, as a receiver's framework hands them over
    return verified_by_the_providers_code(
        kind, method=method, url=url, headers=received, body=body, credentials=CREDENTIALS, telesign_header=header
    )


def headers_to_check(kind: str) -> tuple[str, ...]:
    return ("-",) if kind == VTS else TELESIGN_HEADERS


# ---- the shared signer (mock, receiver gate and load storm all sign with it) -------------------------


def judge_with_the_providers_code(kind: str, payload: Any) -> None:
    body = webhooks.encode(payload)
    headers = webhooks.signed_headers(kind, url=URL, body=body, credentials=CREDENTIALS)
    for header in headers_to_check(kind):
        assert accepted(kind, "POST", URL, body, headers, header), (header, payload)
        for how in FORGERIES:
            forged_body, forged_headers = forged(kind, payload, url=URL, credentials=CREDENTIALS, how=how)
            assert not accepted(kind, "POST", URL, forged_body, forged_headers, header), (how, header)


@pytest.mark.parametrize("kind", KINDS)
def test_every_signed_callback_is_accepted_and_every_forgery_refused_by_the_providers_code(kind: str) -> None:
    for example in webhooks.examples(SPEC, kind):
        judge_with_the_providers_code(kind, example)

    @settings(max_examples=40, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(webhooks.payloads(SPEC, kind))
    def generated(payload: Any) -> None:
        judge_with_the_providers_code(kind, payload)

    generated()


def test_a_vts_get_callback_is_accepted_as_plivo_checks_a_get() -> None:
    (payload,) = webhooks.examples(SPEC, VTS)
    url = webhooks.with_query(URL, payload)
    headers = webhooks.signed_headers(VTS, url=url, body=b"", credentials=CREDENTIALS, method="GET")
    assert accepted(VTS, "GET", url, b"", headers, "-")
    assert not accepted(VTS, "GET", url.replace("session_expired", "session_deleted"), b"", headers, "-")
    assert not accepted(VTS, "POST", url, b'{"event":"session_expired"}', headers, "-")  # params in a body: not it
    unsigned = webhooks.badly_signed_headers(VTS, "wrong_key", url=url, body=b"", credentials=CREDENTIALS, method="GET")
    assert not accepted(VTS, "GET", url, b"", unsigned, "-")


def test_both_telesign_headers_carry_the_same_signature_and_vts_both_header_pairs() -> None:
    body = webhooks.encode(webhooks.examples(SPEC, "voiceEvent")[0])
    telesign = webhooks.signed_headers("voiceEvent", url=URL, body=body, credentials=CREDENTIALS)
    assert telesign["Authorization"] == telesign["X-TS-Authorization"]
    vts = webhooks.signed_headers(VTS, url=URL, body=body, credentials=CREDENTIALS)
    assert vts["X-Plivo-Signature-V3"] == vts["X-VTS-Signature-V3"]
    assert vts["X-Plivo-Signature-V3-Nonce"] == vts["X-VTS-Signature-V3-Nonce"]


# ---- the sink accepts what the plivo SDK signs ----------------------------------------------------------


def plivo_sdk_signature(method: str, url: str, params: dict[str, Any], nonce: str) -> str:
    base = construct_get_url(url, dict(params)) if method == "GET" else construct_post_url(url, dict(params))
    signature = get_signature_v3(CREDENTIALS.vts_auth_token.encode(), base.decode(), nonce.encode())
    return signature.decode()


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("arrangement", ["alone", "first of two", "second of two"])
def test_the_sink_accepts_a_signature_the_plivo_sdk_computed(method: str, arrangement: str, tmp_path) -> None:
    (payload,) = webhooks.examples(SPEC, VTS)
    config = SinkConfig(credentials=CREDENTIALS, database=tmp_path / "sink.sqlite3")
    with serve_in_thread(create_sink(config)) as sink:
        url = f"{sink}/{VTS}"
        body = b"" if method == "GET" else webhooks.encode(payload)
        if method == "GET":
            url = webhooks.with_query(url, payload)
        signature = plivo_sdk_signature(method, url, {} if method == "GET" else payload, "abc123")
        other = "c29tZSBvdGhlciB0b2tlbidzIHNpZ25hdHVyZQ=="  # e.g. a signature with a rotated-out token
        value = {"alone": signature, "first of two": f"{signature},{other}", "second of two": f"{other},{signature}"}
        headers = {"X-Plivo-Signature-V3": value[arrangement], "X-Plivo-Signature-V3-Nonce": "abc123"}
        if method == "POST":
            headers["Content-Type"] = "application/json"
        answered = httpx.request(method, url, content=body, headers=headers)
        assert answered.status_code == 200, answered.text
        (delivery,) = read_deliveries(config.database)
        assert delivery.signature_ok
        assert delivery.schema_errors == "[]"


def test_the_sink_refuses_a_plivo_signature_for_other_params(tmp_path) -> None:
    (payload,) = webhooks.examples(SPEC, VTS)
    config = SinkConfig(credentials=CREDENTIALS, database=tmp_path / "sink.sqlite3")
    with serve_in_thread(create_sink(config)) as sink:
        url = f"{sink}/{VTS}"
        signature = plivo_sdk_signature("POST", url, payload | {"event": "session_deleted"}, "n")
        headers = {"X-Plivo-Signature-V3": signature, "X-Plivo-Signature-V3-Nonce": "n"}
        httpx.post(url, content=webhooks.encode(payload), headers=headers | {"Content-Type": "application/json"})
        (delivery,) = read_deliveries(config.database)
        assert not delivery.signature_ok


# ---- the mock's deliveries --------------------------------------------------------------------------------


@pytest.fixture
def mock_posting_to(credentials: Credentials) -> Iterator[Callable[..., httpx.Client]]:
    """Start a mock whose Voice v2 events go to the given receiver; a signed client for it."""
    with ExitStack() as stack:

        def start(events_url: str, defects: frozenset[str] = frozenset()) -> httpx.Client:
            config = MockConfig(credentials=credentials, time_scale=FAST, voice_event_url=events_url, defects=defects)
            url = stack.enter_context(serve_in_thread(create_app(config)))
            return stack.enter_context(httpx.Client(base_url=url, auth=HttpxAuth(credentials), timeout=10))

        yield start


def provoke_every_callback(client: httpx.Client, receiver: str) -> None:
    """A Voice v1 call with a callback URL, a Voice v2 call, VTS sessions called back by POST and by GET."""
    voice = {"phone_number": "15555551212", "message": "Your code is 1234", "message_type": "OTP"}
    assert client.post("/v1/voice", data=voice | {"callback_url": f"{receiver}/voiceTransactionCallback"}).is_success
    dial = {"jsonrpc": "2.0", "method": "dial", "params": {"to": "15550000204", "caller_id_number": "15558675309"}}
    assert client.post("/v2/voice", json=dial).is_success
    sessions = f"/v1/Account/{CREDENTIALS.vts_auth_id}/Masking/Session/"
    for number, method in (("+14155552345", "POST"), ("+14155550000", "GET")):
        session = {"first_party": number, "second_party": "+12165554567", "session_expiry": 10}
        created = client.post(sessions, json=session | {"callback_url": f"{receiver}/{VTS}", "callback_method": method})
        assert created.is_success, created.text


def heard_enough(receiver: SdkReceiver, wanted: Callable[[list[Any]], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not wanted(receiver.heard) and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_receiver_written_with_the_sdks_accepts_every_mock_callback(
    sdk_receiver: Callable[..., SdkReceiver], mock_posting_to: Callable[..., httpx.Client]
) -> None:
    receiver = sdk_receiver()
    client = mock_posting_to(f"{receiver.url}/voiceEvent")
    provoke_every_callback(client, receiver.url)

    def everything(heard: list[Any]) -> bool:
        events = [h.payload.get("event") for h in heard if h.kind == "voiceEvent"]
        vts = {h.method for h in heard if h.kind == VTS}
        return (
            "call_completed" in events
            and vts == {"GET", "POST"}
            and any(h.kind == "voiceTransactionCallback" for h in heard)
        )

    heard_enough(receiver, everything)
    assert everything(receiver.heard), receiver.heard
    assert all(h.verified for h in receiver.heard), [h for h in receiver.heard if not h.verified]
    events = [h.payload["event"] for h in receiver.heard if h.kind == "voiceEvent"]
    # The receiver transferred the call (dial), then spoke, then hung up: the demo servers' flow.
    assert events == ["dial_completed", "call_leg_completed", "speak_completed", "call_completed"]


@pytest.mark.parametrize("defect", ["callback_unsigned", "callback_bad_signature"])
def test_a_receiver_written_with_the_sdks_refuses_the_mock_s_badly_signed_callbacks(
    defect: str, sdk_receiver: Callable[..., SdkReceiver], mock_posting_to: Callable[..., httpx.Client]
) -> None:
    receiver = sdk_receiver()
    client = mock_posting_to(f"{receiver.url}/voiceEvent", defects=frozenset({defect}))
    provoke_every_callback(client, receiver.url)
    heard_enough(receiver, lambda heard: {h.kind for h in heard} >= {"voiceEvent", "voiceTransactionCallback", VTS})
    assert {h.kind for h in receiver.heard} >= {"voiceEvent", "voiceTransactionCallback", VTS}
    assert not any(h.verified for h in receiver.heard)


# ---- the receiver gate ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", TELESIGN_HEADERS)
def test_a_receiver_verifying_with_the_providers_code_passes_the_receiver_gate_clean(
    header: str, sdk_receiver: Callable[..., SdkReceiver]
) -> None:
    receiver = sdk_receiver(telesign_header=header)
    flags = [arg for kind in KINDS for arg in ("--receiver-url", f"{kind}={receiver.url}/{kind}")]
    gate = [sys.executable, "-m", "telecontract.cli", "gate", *flags, "--seed", "3", "--strict"]
    run = subprocess.run(gate, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    verdict = next(line for line in run.stdout.splitlines() if line.startswith("PASS"))
    assert verdict == "PASS: the target honours the contract"  # not "... (N warnings, failing only with --strict)"
    assert "error:" not in run.stdout and "warning:" not in run.stdout  # no finding of any rule
    total = next(line for line in run.stdout.splitlines() if "total" in line)
    assert re.findall(r"\d+", total)[-2:] == ["0", "0"]  # the table's errors and warnings
    signed = [h for h in receiver.heard if h.verified]
    assert {h.kind for h in signed} == set(KINDS)
    assert sum(not h.verified for h in receiver.heard) == len(KINDS) * len(FORGERIES)  # each forgery, refused
