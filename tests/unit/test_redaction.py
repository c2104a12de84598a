"""Redaction: no phone number leaves the process readable, however it is written; ids, dates and figures survive."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from telecontract.redaction import NUMBER_FIELDS, REDACTED, redact_body, redact_headers, redact_text
from telecontract.spec import load_spec


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


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


@pytest.mark.parametrize(
    ("written", "redacted"),
    [
        ("+1 415-555-0142", "+1 4**-***-**42"),
        ("(415) 555-0142", "(41*) ***-**42"),
        ("415.555.0142", "41*.***.**42"),
        ("+44 7700 900123", "+44 **** ****23"),  # Ofcom's drama range: possible, not valid
        ("+1 (555) 555-0142", "+1 (5**) ***-**42"),
        ("+91 98765 43210", "+91 ***** ***10"),
    ],
)
def test_formatted_numbers_are_masked_in_their_format(written: str, redacted: str) -> None:
    assert redact_text(f"dial {written} now") == f"dial {redacted} now"


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01T12:00:00.123456+00:00",
        "session_end_on 2024-05-01 12:00:00",
        "session 123e4567-e89b-12d3-a456-426614174000 at http://127.0.0.1:8080/v1/anonymous",
        "p50 12.5 ms, p95 1234.5 ms over 999 999 requests, 1,234,567 bytes",
        "ids ab12-3456-7890-cd and version 1.2.3",
    ],
)
def test_dates_ids_and_figures_are_not_numbers(text: str) -> None:
    assert redact_text(text) == text


def test_percent_encoded_numbers_in_form_bodies_and_query_filters_are_masked() -> None:
    form = redact_body("phone_number=%2B15555551212&message=hi%20there&to=%2b1%20415-555-0142")
    assert form == "phone_number=%2B15*******12&message=hi%20there&to=%2B1%204**-***-**42"
    url = redact_text("/v1/Account/MA1/Masking/Session/?first_party=%2B918888888888&limit=20&offset=0")
    assert url == "/v1/Account/MA1/Masking/Session/?first_party=%2B91********88&limit=20&offset=0"


def test_json_bodies_stay_json_and_integers_in_number_fields_are_masked() -> None:
    body = {
        "phone_number_1": 15555551212,
        "params": {"to": [447700900123], "caller_id_number": "+1 415-555-0142", "timeout": 30},
        "validity_period": 2592000,
        "list": ["447700900123"],
        "flag": True,
    }
    redacted = json.loads(redact_body(json.dumps(body)))
    assert redacted["phone_number_1"] == "15*******12" and redacted["params"]["to"] == ["44********23"]
    assert redacted["params"]["caller_id_number"] == "+1 4**-***-**42"
    assert redacted["validity_period"] == 2592000 and redacted["params"]["timeout"] == 30 and redacted["flag"] is True
    assert redacted["list"] == ["44********23"]


def test_form_bodies_are_masked_as_text() -> None:
    assert "5555551212" not in redact_body("phone_number=15555551212&message=hi")


def fields_holding_numbers(node: Any, name: str | None = None) -> Iterator[str]:
    """Every property or parameter of the spec whose schema is one of its phone-number schemas."""
    if isinstance(node, dict):
        if name is not None and str(node.get("$ref", "")).endswith("PhoneNumber"):
            yield name
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for prop, schema in value.items():
                    yield from fields_holding_numbers(schema, prop)
            elif key == "schema" and "in" in node:  # a parameter: its name holds the number
                yield from fields_holding_numbers(value, node.get("name"))
            elif key in ("allOf", "oneOf", "anyOf", "items", "schema"):
                yield from fields_holding_numbers(value, name)
            else:
                yield from fields_holding_numbers(value)
    elif isinstance(node, list):
        for item in node:
            yield from fields_holding_numbers(item, name)


def test_every_field_the_spec_gives_a_phone_number_is_a_number_field() -> None:
    document = load_spec().document
    found = set(fields_holding_numbers(document))
    assert {"phone_number_1", "first_party", "virtual_number", "masked_id", "from"} <= found  # the walk works
    assert sorted(found - NUMBER_FIELDS) == []
