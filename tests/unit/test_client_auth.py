"""Our client-side signing, checked with respx: what goes on the wire verifies on the other side."""

from __future__ import annotations

import time

import httpx
import respx

from telecontract import auth
from telecontract.client_auth import HttpxAuth
from telecontract.credentials import Credentials


def test_httpx_auth_signs_the_final_body(credentials: Credentials) -> None:
    with respx.mock(base_url="https://rest-api.telesign.com") as router:
        route = router.post("/v1/voice").respond(201, json={})
        with httpx.Client(base_url="https://rest-api.telesign.com", auth=HttpxAuth(credentials)) as client:
            client.post("/v1/voice", data={"phone_number": "15555551212", "message": "Hé", "message_type": "OTP"})
    request = route.calls.last.request
    failure = auth.verify_telesign(
        headers=request.headers,
        method="POST",
        resource="/v1/voice",
        body=request.content.decode(),
        api_keys={credentials.telesign_customer_id: credentials.telesign_api_key},
        nonces=auth.NonceCache(),
        now=time.time(),
    )
    assert failure is None
    assert request.headers["authorization"].startswith(f"TSA {credentials.telesign_customer_id}:")


def test_httpx_auth_uses_basic_for_vts_paths(credentials: Credentials) -> None:
    with respx.mock(base_url="https://api.vtscom.net") as router:
        route = router.get(f"/v1/Account/{credentials.vts_auth_id}/Masking/Session/").respond(200, json={})
        with httpx.Client(base_url="https://api.vtscom.net", auth=HttpxAuth(credentials)) as client:
            client.get(f"/v1/Account/{credentials.vts_auth_id}/Masking/Session/")
    sent = route.calls.last.request.headers["authorization"]
    assert auth.parse_basic(sent) == (credentials.vts_auth_id, credentials.vts_auth_token)


def test_basic_mode_for_telesign(credentials: Credentials) -> None:
    with respx.mock(base_url="https://rest-ww.telesign.com") as router:
        route = router.post("/v2/voice").respond(202, json={})
        with httpx.Client(
            base_url="https://rest-ww.telesign.com", auth=HttpxAuth(credentials, telesign_mode="basic")
        ) as client:
            client.post("/v2/voice", json={})
    request = route.calls.last.request
    assert auth.parse_basic(request.headers["authorization"]) == (
        credentials.telesign_customer_id,
        credentials.telesign_api_key,
    )
    assert request.headers["x-ts-auth-method"] == "Basic"
