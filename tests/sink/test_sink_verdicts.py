"""The sink's verdicts count: a forged, unsigned or replayed delivery is stored but never counted as
received; reads of what arrived need the account; its own bookkeeping stays bounded."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from telecontract import webhooks
from telecontract.auth import basic_authorization
from telecontract.credentials import Credentials
from telecontract.receiver.forgery import forged
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink, read_deliveries
from telecontract.sink.attempts import AttemptCounter
from telecontract.sink.store import tally

CREDENTIALS = Credentials.from_env()


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    database = tmp_path / "deliveries.sqlite3"
    with serve_in_thread(create_sink(SinkConfig(credentials=CREDENTIALS, database=database))) as url:
        yield url, database


def voice_payload() -> dict:
    return {
        "reference_id": uuid.uuid4().hex.upper(),
        "status": {"code": 100, "description": "Call answered", "updated_on": "2026-11-25T10:00:00.000000Z"},
    }


def vts_payload() -> dict:
    return {
        "session_uuid": uuid.uuid4().hex,
        "event": "session_expired",
        "virtual_number": "+12205550000",
        "first_party": "+14155552345",
        "second_party": "+12165554567",
        "status": "expired",
        "timestamp": "2026-11-25 10:00:00",
    }


def post(url: str, kind: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{url}/{kind}", content=body, headers=headers)


def test_forged_unsigned_and_replayed_deliveries_are_not_received(sink) -> None:
    url, database = sink
    kind = "voiceTransactionCallback"
    good = voice_payload()
    body = webhooks.encode(good)
    assert post(
        url, kind, body, webhooks.signed_headers(kind, url=f"{url}/{kind}", body=body, credentials=CREDENTIALS)
    ).is_success
    refused = []
    for how in ("unsigned", "wrong_key", "tampered_body"):
        payload = voice_payload()
        refused.append(payload["reference_id"])
        forged_body, headers = forged(kind, payload, url=f"{url}/{kind}", credentials=CREDENTIALS, how=how)
        post(url, kind, forged_body, headers)
    # A VTS delivery sent twice with one nonce: the second is a replay.
    vts = vts_payload()
    vts_url = f"{url}/{webhooks.VTS_KIND}"
    vts_body = webhooks.encode(vts)
    vts_headers = webhooks.signed_headers(webhooks.VTS_KIND, url=vts_url, body=vts_body, credentials=CREDENTIALS)
    for _ in range(2):
        post(url, webhooks.VTS_KIND, vts_body, vts_headers)
    verdicts = [d.signature_ok for d in read_deliveries(database)]
    assert verdicts == [True, False, False, False, True, False]
    stored = tally(database)
    assert stored.deliveries == 6 and stored.unsigned == 4
    assert stored.accepted == 2 and stored.unique_accepted == 2 and stored.duplicates == 0
    assert stored.accepted_references == {good["reference_id"], vts["session_uuid"]}
    assert not set(refused) & stored.accepted_references


def test_a_vts_retry_with_a_fresh_nonce_is_no_replay(sink) -> None:
    url, database = sink
    vts_url = f"{url}/{webhooks.VTS_KIND}"
    body = webhooks.encode(vts_payload())
    for _ in range(2):
        headers = webhooks.signed_headers(webhooks.VTS_KIND, url=vts_url, body=body, credentials=CREDENTIALS)
        post(url, webhooks.VTS_KIND, body, headers)
    assert [d.signature_ok for d in read_deliveries(database)] == [True, True]
    assert tally(database).duplicates == 1  # the same delivery, acknowledged twice


@pytest.mark.parametrize(
    ("user", "secret", "status"),
    [
        (None, None, 401),
        (CREDENTIALS.telesign_customer_id, "wrong", 401),
        (CREDENTIALS.telesign_customer_id, CREDENTIALS.telesign_api_key, 200),
        (CREDENTIALS.vts_auth_id, CREDENTIALS.vts_auth_token, 200),
    ],
)
def test_reads_of_what_arrived_need_the_account(sink, user, secret, status) -> None:
    url, _ = sink
    headers = {"Authorization": basic_authorization(user, secret)} if user else {}
    assert httpx.get(f"{url}/_sink/deliveries/x", headers=headers).status_code == status


def test_an_open_sink_answers_reads_without_credentials(tmp_path: Path) -> None:
    config = SinkConfig(credentials=CREDENTIALS, database=tmp_path / "d.sqlite3", open_reads=True)
    with serve_in_thread(create_sink(config)) as url:
        assert httpx.get(f"{url}/_sink/deliveries/x").json() == []


def test_attempts_are_counted_only_when_they_decide_the_answer(tmp_path: Path) -> None:
    config = SinkConfig(credentials=CREDENTIALS, database=tmp_path / "d.sqlite3")
    kind = "voiceTransactionCallback"
    with serve_in_thread(create_sink(config)) as url:
        for _ in range(20):
            body = webhooks.encode(voice_payload())
            post(
                url, kind, body, webhooks.signed_headers(kind, url=f"{url}/{kind}", body=body, credentials=CREDENTIALS)
            )
        assert len(config.attempts) == 0
        body = webhooks.encode(voice_payload())
        headers = webhooks.signed_headers(kind, url=f"{url}/{kind}?fail_first=1", body=body, credentials=CREDENTIALS)
        answers = [
            httpx.post(f"{url}/{kind}?fail_first=1", content=body, headers=headers).status_code for _ in range(2)
        ]
    assert answers == [503, 200] and len(config.attempts) == 1


def test_the_attempt_counter_is_bounded() -> None:
    counter = AttemptCounter(max_deliveries=100)
    for i in range(10_000):
        assert counter.count(str(i)) == 1
    assert len(counter) == 100
    assert counter.count("9999") == 2 and counter.count("0") == 1  # the newest kept, the oldest forgotten
