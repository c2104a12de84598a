from __future__ import annotations

import json

from telecontract.redaction import REDACTED, redact_body, redact_headers, redact_text


def test_phone_numbers_are_masked_but_ids_survive() -> None:
    text = "rider +15555551212 got 381671111112; call ABCDEF0123456789ABCDEF0123456789"
    redacted = redact_text(text)
    assert "5555551212" not in redacted and "671111112" not in redacted
    assert "+15*******12" in redacted and "ABCDEF0123456789ABCDEF0123456789" in redacted


def test_secrets_are_replaced_whole() -> None:
    assert redact_text("key=c2VjcmV0LWtleQ==", ["c2VjcmV0LWtleQ=="]) == f"key={REDACTED}"


def test_auth_headers_are_redacted() -> None:
    headers = redact_headers({"Authorization": "TSA a:b", "X-TS-Nonce": "n", "Content-Type": "application/json"})
    assert headers == {"Authorization": REDACTED, "X-TS-Nonce": REDACTED, "Content-Type": "application/json"}


def test_json_bodies_stay_json_and_numbers_stay_numbers() -> None:
    body = json.dumps({"phone_number_1": "15555551212", "validity_period": 2592000, "list": ["447700900123"]})
    redacted = json.loads(redact_body(body))
    assert redacted["validity_period"] == 2592000
    assert redacted["phone_number_1"] == "15*******12" and redacted["list"] == ["44********23"]


def test_form_bodies_are_masked_as_text() -> None:
    assert "5555551212" not in redact_body("phone_number=15555551212&message=hi")
