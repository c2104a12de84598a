"""The ride app tested against telecontract's faithful mock: only the installed package is needed.

`telecontract_mock` and `telecontract_router` come from telecontract's pytest plugin.
"""

from __future__ import annotations

import time

import httpx
import pytest
from ride_app import Connection, PrivacyBreach, RideApp

RIDER, DRIVER = "15555551212", "15558675309"


def app_for(mock) -> RideApp:
    return RideApp(mock.url, mock.credentials.telesign_customer_id, mock.credentials.telesign_api_key)


def test_rider_and_driver_reach_each_other_without_seeing_numbers(telecontract_mock) -> None:
    connection = app_for(telecontract_mock).connect(RIDER, DRIVER)
    delivered = telecontract_mock.sms(RIDER, connection.rider_dials)
    assert delivered["deliver_to"] == DRIVER
    assert delivered["shown_sender"] not in (RIDER, DRIVER)


def test_the_session_ends_when_its_hours_are_up(telecontract_mock) -> None:
    connection = app_for(telecontract_mock).connect(RIDER, DRIVER, hours=1)
    telecontract_mock.advance(3601)
    assert telecontract_mock.sms(RIDER, connection.rider_dials)["routed"] is False


def test_a_provider_that_leaks_a_real_number_is_refused(telecontract_mock) -> None:
    with telecontract_mock.defect("masked_id_is_real_number"), pytest.raises(PrivacyBreach):
        app_for(telecontract_mock).connect(RIDER, DRIVER)
    assert isinstance(app_for(telecontract_mock).connect(RIDER, DRIVER), Connection)  # the defect is off again


def call_with_callback(mock, url: str) -> str:
    credentials = mock.credentials
    response = httpx.post(
        f"{mock.url}/v1/voice",
        data={"phone_number": DRIVER, "message": "Your ride is here", "message_type": "ARN", "callback_url": url},
        auth=(credentials.telesign_customer_id, credentials.telesign_api_key),
    )
    assert response.status_code == 201, response.text
    return response.json()["reference_id"]


def sent_callback(mock, reference_id: str):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for sent in mock.callbacks:
            if reference_id.encode() in sent.body:
                return sent
        time.sleep(0.01)
    raise AssertionError("no callback was sent")


def test_the_app_records_signed_call_results_and_refuses_forged_ones(telecontract_mock, telecontract_sink) -> None:
    app = app_for(telecontract_mock)
    reference_id = call_with_callback(telecontract_mock, telecontract_sink.url_for("voiceTransactionCallback"))
    sent = sent_callback(telecontract_mock, reference_id)
    assert app.handle_callback(sent.body, sent.headers["Authorization"]) == 200
    assert app.results[reference_id] == 100

    with telecontract_mock.defect("callback_bad_signature"):
        forged_id = call_with_callback(telecontract_mock, telecontract_sink.url_for("voiceTransactionCallback"))
        forged = sent_callback(telecontract_mock, forged_id)
    assert app.handle_callback(forged.body, forged.headers["Authorization"]) == 401
    assert forged_id not in app.results


def test_in_process_without_a_port(telecontract_router) -> None:
    app = app_for(telecontract_router)
    assert app.base_url == "https://rest-ww.telesign.com"
    connection = app.connect(RIDER, DRIVER)
    assert telecontract_router.sms(DRIVER, connection.driver_dials)["deliver_to"] == RIDER
