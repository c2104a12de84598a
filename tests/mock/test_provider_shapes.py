"""The quirks that answer in the providers' other published forms do so, and the spec explains each."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from telecontract.conformance import response_problems
from telecontract.spec import Spec, load_spec
from telecontract.testing import MockProvider

PAIR = {"phone_number_1": "15555551212", "phone_number_2": "15558675309", "validity_period": 500}


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


def conforms(spec: Spec, operation_id: str, answer: Any) -> list[str]:
    found = response_problems(
        spec, spec.operation(operation_id), answer.status_code, answer.headers.get("content-type", ""), answer.content
    )
    return [p.message for p in found]


def test_published_masking_answers_validity_as_text_and_errors_in_the_session_shape(start_mock, spec) -> None:
    mock = start_mock(quirks=frozenset({"telesign_published_masking"}))
    created = mock.client.post("/v1/anonymous/session/sms", json=PAIR)
    assert created.status_code == 200 and created.json()["session_data"]["validity"] == "500"
    assert conforms(spec, "createSmsMaskedSession", created) == []
    refused = mock.client.post("/v1/anonymous/session/sms", json={**PAIR, "phone_number_2": PAIR["phone_number_1"]})
    body = refused.json()
    assert refused.status_code == 400 and "errors" not in body and body["error"] is None
    assert body["status"]["code"] == 2708
    assert body["session_data"]["phone_number_1"]["masked_id"] is None
    assert len(body["reference_id"]) == 32
    assert conforms(spec, "createSmsMaskedSession", refused) == []


def test_published_voice_v2_echoes_external_id_and_names_every_answer(start_mock, spec) -> None:
    mock = start_mock(quirks=frozenset({"telesign_published_voice_v2"}))
    dial = {"method": "dial", "params": {"to": "15555551212", "external_id": "ride-42"}}
    accepted = mock.client.post("/v2/voice", json=dial)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["external_id"] == "ride-42"
    refused = mock.client.post("/v2/voice", json={"method": "dial", "params": {}})
    assert refused.status_code == 400 and len(refused.json()["reference_id"]) == 32
    for answer in (accepted, refused):
        assert conforms(spec, "controlVoiceCall", answer) == []


def test_plivo_vts_shapes_wrap_reads_and_answer_create_201_and_delete_200(start_mock, spec, credentials) -> None:
    mock = start_mock(quirks=frozenset({"plivo_vts_shapes"}))
    base = f"/v1/Account/{credentials.vts_auth_id}/Masking/Session"
    created = mock.client.post(base, json={"first_party": "+14155552345", "second_party": "+12165554567"})
    assert created.status_code == 201, created.text
    uuid = created.json()["session_uuid"]
    assert created.json()["session"]["record"] is False  # typed, not "false"
    read = mock.client.get(f"{base}/{uuid}")
    assert read.json()["response"]["session_uuid"] == uuid
    listed = mock.client.get(base)
    assert [s["session_uuid"] for s in listed.json()["response"]["objects"]] == [uuid]
    updated = mock.client.post(f"{base}/{uuid}", json={"ring_timeout": 30})
    assert updated.json()["session"]["ring_timeout"] == 30
    deleted = mock.client.delete(f"{base}/{uuid}")
    assert deleted.status_code == 200 and deleted.json()["message"] == "Session Deleted"
    for operation_id, answer in [
        ("createVtsMaskingSession", created),
        ("getVtsMaskingSession", read),
        ("listVtsMaskingSessions", listed),
        ("updateVtsMaskingSession", updated),
        ("deleteVtsMaskingSession", deleted),
    ]:
        assert conforms(spec, operation_id, answer) == [], operation_id


def test_a_teams_own_tests_get_a_quirk_through_the_fixtures_mock(credentials) -> None:
    with MockProvider(quirks={"plivo_vts_shapes"}) as mock:
        created = httpx.post(
            f"{mock.url}/v1/Account/{credentials.vts_auth_id}/Masking/Session",
            json={"first_party": "+14155552345", "second_party": "+12165554567"},
            auth=(credentials.vts_auth_id, credentials.vts_auth_token),
        )
    assert created.status_code == 201 and "session" in created.json()
    with pytest.raises(ValueError, match="unknown quirk 'plivo'; the quirks are: "):
        MockProvider(quirks={"plivo"})
