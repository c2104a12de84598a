"""The providers' official SDKs work unmodified against the mock."""

from __future__ import annotations

import time

import plivo
import plivo.rest.client
import pytest
from telesign.voice import VoiceClient


@pytest.mark.parametrize("auth_method", [None, "Basic"], ids=["hmac", "basic"])
def test_telesign_voice_client_calls_and_reads_status(mock, credentials, auth_method) -> None:
    client = VoiceClient(
        credentials.telesign_customer_id, credentials.telesign_api_key, rest_endpoint=mock.url, auth_method=auth_method
    )
    placed = client.call("15550000205", "Your code is 1 2 3 4", "OTP")
    assert placed.status_code == 201, placed.body
    assert placed.json["status"]["code"] == 103
    time.sleep(0.02)  # 5 s of provider time at the test time scale
    status = client.status(placed.json["reference_id"])
    assert status.status_code == 200, status.body
    assert status.json["status"]["code"] == 100
    assert status.json["voice"]["user_input"] == "5"


@pytest.fixture
def plivo_client(mock, credentials, monkeypatch) -> plivo.RestClient:
    # The SDK has no base-URL option; these module constants are where it reads the host.
    base = f"{mock.url}/v1/Account"
    for name in ("API_VOICE_BASE_URI", "API_VOICE_BASE_URI_FALLBACK_1", "API_VOICE_BASE_URI_FALLBACK_2"):
        monkeypatch.setattr(plivo.rest.client, name, base)
    return plivo.RestClient(credentials.vts_auth_id, credentials.vts_auth_token)


def test_plivo_masking_session_lifecycle(plivo_client) -> None:
    sessions = plivo_client.masking_sessions
    created = sessions.create_masking_session(
        first_party="+14155552345", second_party="+12165554567", session_expiry=3600
    )
    uuid = created["session_uuid"]
    assert created["virtual_number"].startswith("+")

    fetched = sessions.get_masking_session(uuid)
    assert fetched["first_party"] == "+14155552345"
    assert fetched["virtual_number"] == created["virtual_number"]

    updated = sessions.update_masking_session(uuid, ring_timeout=30)
    assert updated["ring_timeout"] == "30"

    listed = sessions.list_masking_session(first_party="+14155552345", limit=5)
    assert [s["session_uuid"] for s in listed["objects"]] == [uuid]
    assert listed["meta"]["total_count"] == 1

    sessions.delete_masking_session(uuid)
    with pytest.raises(plivo.exceptions.ResourceNotFoundError):
        sessions.get_masking_session(uuid)
