"""The carrier simulator: masked numbers route between the parties, and stop when sessions end."""

from __future__ import annotations

import httpx

from telecontract.auth import basic_authorization

RIDER, DRIVER = "15555551212", "15558675309"


def session(mock, validity: int = 500, resource: str = "sms_voice") -> dict:
    return mock.client.post(
        f"/v1/anonymous/session/{resource}",
        json={"phone_number_1": RIDER, "phone_number_2": DRIVER, "validity_period": validity},
    ).json()["session_data"]


def sms(mock, sender: str, to: str) -> httpx.Response:
    return mock.client.post("/_sim/sms", json={"from": sender, "to": to, "text": "on my way"})


def test_a_party_reaches_the_other_and_sees_only_a_masked_number(mock) -> None:
    data = session(mock)
    rider_masked, driver_masked = data["phone_number_1"]["masked_id"], data["phone_number_2"]["masked_id"]
    routed = sms(mock, RIDER, driver_masked).json()
    assert routed == {"routed": True, "deliver_to": DRIVER, "shown_sender": rider_masked, "session": routed["session"]}
    assert sms(mock, DRIVER, rider_masked).json()["deliver_to"] == RIDER


def test_strangers_and_expired_sessions_do_not_route(mock) -> None:
    data = session(mock, validity=1)  # one hour, by the documents' unit
    driver_masked = data["phone_number_2"]["masked_id"]
    assert sms(mock, "15555550000", driver_masked).status_code == 404
    assert sms(mock, RIDER, driver_masked).status_code == 200
    advanced = mock.client.post("/_sim/clock", json={"advance": mock.state.scaled(3600) + 0.01})
    assert advanced.status_code == 200, advanced.text
    refused = sms(mock, RIDER, driver_masked)
    assert refused.status_code == 404 and refused.json()["routed"] is False


def test_calls_route_only_through_voice_sessions(mock) -> None:
    data = session(mock, resource="sms")
    call = mock.client.post("/_sim/call", json={"from": RIDER, "to": data["phone_number_2"]["masked_id"]})
    assert call.status_code == 404


def test_vts_virtual_number_routes_both_ways(mock, credentials) -> None:
    created = mock.client.post(
        f"/v1/Account/{credentials.vts_auth_id}/Masking/Session/",
        json={"first_party": "+14155552345", "second_party": "+12165554567"},
    ).json()
    virtual = created["virtual_number"]
    call = mock.client.post("/_sim/call", json={"from": "+14155552345", "to": virtual}).json()
    assert call["deliver_to"] == "12165554567" and call["shown_sender"] == virtual.lstrip("+")


def test_malformed_simulator_requests_are_400(mock) -> None:
    assert mock.client.post("/_sim/sms", content=b"{").status_code == 400
    assert mock.client.post("/_sim/sms", json={"from": 1}).status_code == 400


def test_the_simulator_answers_the_account_only(mock, credentials) -> None:
    """Anyone on the host could otherwise move every account's clock, or learn a real number."""
    data = session(mock)
    ask = {"from": RIDER, "to": data["phone_number_2"]["masked_id"], "text": "who is this?"}
    for headers in ({}, {"Authorization": basic_authorization(credentials.vts_auth_id, "wrong")}):
        for path, body in (("/_sim/sms", ask), ("/_sim/call", ask), ("/_sim/clock", {"advance": 10**6})):
            refused = httpx.post(f"{mock.url}{path}", json=body, headers=headers)
            assert refused.status_code == 401 and refused.json()["routed"] is False, (path, refused.text)
    assert mock.state.clock_offset == 0
    vts = {"Authorization": basic_authorization(credentials.vts_auth_id, credentials.vts_auth_token)}
    assert httpx.post(f"{mock.url}/_sim/sms", json=ask, headers=vts).json()["deliver_to"] == DRIVER


def test_an_open_simulator_needs_no_credentials(start_mock) -> None:
    mock = start_mock(open_simulator=True)
    assert httpx.post(f"{mock.url}/_sim/clock", json={"advance": 1}).status_code == 200
