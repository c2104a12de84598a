"""Auth exactly as documented: TeleSign Basic and TSA HMAC-SHA256, VTS Basic."""

from __future__ import annotations

import uuid
from email.utils import formatdate
from time import time

import httpx

from telecontract import auth
from telecontract.credentials import Credentials

BODY = "phone_number=15555551212&message=Hello&message_type=OTP"
FORM = "application/x-www-form-urlencoded"


def signed(credentials: Credentials, **overrides: str) -> dict[str, str]:
    headers = auth.telesign_hmac_headers(
        customer_id=overrides.pop("customer_id", credentials.telesign_customer_id),
        api_key=overrides.pop("api_key", credentials.telesign_api_key),
        method="POST",
        resource="/v1/voice",
        body=BODY,
        content_type=FORM,
        **overrides,
    )
    return headers


def post(url: str, headers: dict[str, str], body: str = BODY) -> httpx.Response:
    return httpx.post(f"{url}/v1/voice", content=body, headers=headers)


def assert_refused(response: httpx.Response, code: int) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["status"]["code"] == code
    assert body["errors"][0]["code"] == code


def test_hmac_signed_request_is_accepted(mock, credentials) -> None:
    assert post(mock.url, signed(credentials)).status_code == 201


def test_basic_request_is_accepted(mock, credentials) -> None:
    headers = {
        "Authorization": auth.basic_authorization(credentials.telesign_customer_id, credentials.telesign_api_key),
        "Content-Type": FORM,
    }
    assert post(mock.url, headers).status_code == 201


def test_x_ts_date_may_replace_date(mock, credentials) -> None:
    date, nonce = formatdate(usegmt=True), str(uuid.uuid4())
    to_sign = auth.telesign_string_to_sign(
        method="POST", content_type=FORM, date="", nonce=nonce, body=BODY, resource="/v1/voice", ts_date=date
    )
    headers = {
        "Authorization": f"TSA {credentials.telesign_customer_id}:"
        + auth.hmac_b64(auth.decode_api_key(credentials.telesign_api_key), to_sign),
        "X-TS-Date": date,
        "X-TS-Nonce": nonce,
        "X-TS-Auth-Method": "HMAC-SHA256",
        "Content-Type": FORM,
    }
    assert post(mock.url, headers).status_code == 201


def test_missing_credentials_are_refused(mock) -> None:
    assert_refused(post(mock.url, {"Content-Type": FORM}), auth.MISSING_CREDENTIALS.code)


def test_wrong_signature_is_refused(mock, credentials) -> None:
    headers = signed(credentials)
    assert_refused(post(mock.url, headers, body=BODY + "&voice=f-fr-FR"), auth.BAD_SIGNATURE.code)


def test_unknown_customer_is_refused(mock, credentials) -> None:
    headers = signed(credentials, customer_id="00000000-0000-0000-0000-000000000000")
    assert_refused(post(mock.url, headers), auth.UNKNOWN_CUSTOMER.code)


def test_stale_date_is_refused(mock, credentials) -> None:
    headers = signed(credentials, date=formatdate(time() - 16 * 60, usegmt=True))
    assert_refused(post(mock.url, headers), auth.BAD_DATE.code)


def test_date_within_fifteen_minutes_is_accepted(mock, credentials) -> None:
    headers = signed(credentials, date=formatdate(time() - 14 * 60, usegmt=True))
    assert post(mock.url, headers).status_code == 201


def test_reused_nonce_is_refused(mock, credentials) -> None:
    headers = signed(credentials)
    assert post(mock.url, headers).status_code == 201
    assert_refused(post(mock.url, headers), auth.REUSED_NONCE.code)


def test_vts_wrong_token_is_refused(mock, credentials) -> None:
    response = httpx.get(
        f"{mock.url}/v1/Account/{credentials.vts_auth_id}/Masking/Session/",
        auth=(credentials.vts_auth_id, "wrong"),
    )
    assert response.status_code == 401
    assert set(response.json()) == {"api_id", "error"}


def test_vts_other_account_in_path_is_forbidden(mock, credentials) -> None:
    response = httpx.get(
        f"{mock.url}/v1/Account/MAOTHERACCOUNT000001/Masking/Session/",
        auth=(credentials.vts_auth_id, credentials.vts_auth_token),
    )
    assert response.status_code == 403
    assert set(response.json()) == {"api_id", "error"}


def test_a_signed_body_that_is_not_utf8_reaches_the_body_rule(mock) -> None:
    # Client and mock sign and verify the same bytes, so a malformed body is judged as a body (400),
    # not refused as a forgery (401).
    response = mock.client.post(
        "/v1/anonymous/session/sms", content=b"\xff\xfe<xml/>", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
