"""TeleSign Number Masking in the mock: pools, countries, validity, documented refusals."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import httpx
import pytest

from telecontract.client_auth import HttpxAuth

RIDER, DRIVER = "15555551212", "15558675309"


def create(mock, first=RIDER, second=DRIVER, validity=500, resource="sms_voice") -> httpx.Response:
    return mock.client.post(
        f"/v1/anonymous/session/{resource}",
        json={"phone_number_1": first, "phone_number_2": second, "validity_period": validity},
    )


def test_session_has_country_facts_and_distinct_masked_ids(mock) -> None:
    response = create(mock, "381555555555", "447700900123", resource="sms")
    assert response.status_code == 200
    data = response.json()["session_data"]
    serbia, britain = data["phone_number_1"], data["phone_number_2"]
    assert (serbia["country_code"], serbia["country_iso2"], serbia["country_iso3"], serbia["country_name"]) == (
        "381",
        "RS",
        "SRB",
        "Serbia",
    )
    assert (britain["country_iso2"], britain["country_iso3"], britain["country_name"]) == (
        "GB",
        "GBR",
        "United Kingdom",
    )
    assert serbia["masked_id"].startswith("381") and britain["masked_id"].startswith("44")
    assert serbia["masked_id"] not in (RIDER, DRIVER, britain["masked_id"])
    assert response.json()["status"]["code"] == 2700


def test_sms_and_sms_voice_draw_from_their_own_pools(mock) -> None:
    sms = create(mock, resource="sms").json()["session_data"]["phone_number_1"]["masked_id"]
    voice = create(mock, "15555550001", "15555550002").json()["session_data"]["phone_number_1"]["masked_id"]
    assert sms in mock.state.config.sms_pools["US"]
    assert voice in mock.state.config.dual_pools["US"]


def test_masked_id_from_another_country_is_2701(mock) -> None:
    response = create(mock, "4915112345678", RIDER)  # no German pool
    assert response.status_code == 200
    assert response.json()["status"]["code"] == 2701
    assert not response.json()["session_data"]["phone_number_1"]["masked_id"].startswith("49")


def test_exhausted_pool_is_2702(start_mock) -> None:
    mock = start_mock(dual_pools={"US": ("13325550000", "13325550001")})
    assert create(mock).status_code == 200
    response = create(mock, RIDER, "15555550003")  # shares the rider: may not reuse either number
    assert response.status_code == 400
    assert response.json()["status"]["code"] == 2702


def test_masked_ids_are_reused_only_between_sessions_without_a_shared_party(start_mock) -> None:
    mock = start_mock(dual_pools={"US": ("13325550000", "13325550001")})
    first = create(mock).json()["session_data"]
    other = create(mock, "15555550010", "15555550011").json()["session_data"]
    assert {first["phone_number_1"]["masked_id"], first["phone_number_2"]["masked_id"]} == {
        other["phone_number_1"]["masked_id"],
        other["phone_number_2"]["masked_id"],
    }


def test_expired_session_frees_its_masked_ids(start_mock) -> None:
    mock = start_mock(dual_pools={"US": ("13325550000", "13325550001")})
    assert create(mock, validity=1).status_code == 200
    assert create(mock, RIDER, "15555550003").json()["status"]["code"] == 2702  # both ids are taken
    mock.client.post("/_sim/clock", json={"advance": mock.state.scaled(3600) + 0.01})  # an hour on
    assert create(mock, RIDER, "15555550003").status_code == 200


@pytest.mark.parametrize(("unit", "seconds"), [("hours", 3600), ("seconds", 1), ("minutes", 60)])
def test_session_end_on_is_creation_plus_validity_in_the_accounts_unit(start_mock, unit: str, seconds: int) -> None:
    body = create(start_mock(validity_unit=unit), validity=500).json()
    created = datetime.strptime(body["status"]["updated_on"], "%Y-%m-%dT%H:%M:%S.%fZ")
    ends = datetime.strptime(body["session_data"]["session_end_on"], "%Y-%m-%d %H:%M:%S.%f")
    assert ends - created == timedelta(seconds=500 * seconds)  # hours by default, as the documents show
    assert body["session_data"]["validity"] == 500


def test_documented_refusals(mock) -> None:
    cases = {
        2705: create(mock, validity=0),
        2708: create(mock, RIDER, RIDER),
        2706: create(mock, "15550000666", DRIVER),
        2707: create(mock, RIDER, "15550000777"),
    }
    for code, response in cases.items():
        assert response.status_code == 400, (code, response.text)
        assert response.json()["status"]["code"] == code
        assert response.json()["errors"][0]["code"] == code


def test_validity_given_as_whole_float_is_an_integer(mock) -> None:
    assert create(mock, validity=500.0).status_code == 200
    assert create(mock, validity=500.5).json()["status"]["code"] == 2705


def test_parallel_creates_never_share_a_masked_id_within_a_party(mock, credentials) -> None:
    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=mock.url, auth=HttpxAuth(credentials), timeout=30) as client:
            calls = [
                client.post(
                    "/v1/anonymous/session/sms_voice",
                    json={"phone_number_1": RIDER, "phone_number_2": f"1555555{i:04d}", "validity_period": 900},
                )
                for i in range(200)
            ]
            return await asyncio.gather(*calls)

    responses = asyncio.run(burst())
    assert all(r.status_code == 200 for r in responses)
    masked = [r.json()["session_data"][p]["masked_id"] for r in responses for p in ("phone_number_1", "phone_number_2")]
    assert len(set(masked)) == len(masked) == 400


def test_long_finished_sessions_are_forgotten(mock) -> None:
    reference_id = create(mock, validity=1).json()["reference_id"]
    now = time.time()
    mock.state.forget_old(now)
    assert reference_id in mock.state.masked_sessions  # ended, but within the retention time
    mock.state.forget_old(now + mock.state.scaled(26 * 3600))
    assert reference_id not in mock.state.masked_sessions
