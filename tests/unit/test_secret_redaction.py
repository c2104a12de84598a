"""Redaction of a run's own secrets and listed numbers, in the forms pytest's outputs write them."""

from __future__ import annotations

import json

from hypothesis.vendor.pretty import pretty

from telecontract.redaction import REDACTED, Redaction, redact_body, redact_text

KEY = "dGVhbS1vd24ta2V5L2Zvcit0ZXN0cz0="  # base64 with `/`, `+` and `=`: each escaped differently
TOKEN = "team-own-vts-token"
NONCE = "0b9348e3-231d-4659-8359-da8233e8fb14"
LISTED = ("14155550123", "447700900123")


def test_secret_headers_written_in_text_lose_their_values() -> None:
    curl = f"curl -X POST -H 'Authorization: TSA CUST:sig==' -H 'X-TS-Nonce: {NONCE}' -H 'Date: Wed' http://h/v1/voice"
    assert redact_text(curl) == (
        f"curl -X POST -H 'Authorization: {REDACTED}' -H 'X-TS-Nonce: {REDACTED}' -H 'Date: Wed' http://h/v1/voice"
    )
    local = f"headers = {{'Authorization': 'Basic QUJD', \"x-ts-nonce\": \"{NONCE}\", 'Content-Type': 'text/plain'}}"
    assert redact_text(local) == (
        f"headers = {{'Authorization': '{REDACTED}', \"x-ts-nonce\": \"{REDACTED}\", 'Content-Type': 'text/plain'}}"
    )
    asgi = "[(b'authorization', b'Basic QUJD'), (b'host', b'127.0.0.1')]"
    assert redact_text(asgi) == f"[(b'authorization', b'{REDACTED}'), (b'host', b'127.0.0.1')]"


def test_words_that_only_name_a_header_survive() -> None:
    text = "Authorization, Date and X-TS-Nonce are signed; set-cookie is never sent"
    assert redact_text(text) == text


def test_a_secret_is_replaced_raw_percent_encoded_and_json_escaped() -> None:
    written = [KEY, "dGVhbS1vd24ta2V5L2Zvcit0ZXN0cz0%3D", "dGVhbS1vd24ta2V5L2Zvcit0ZXN0cz0%3D".replace("/", "%2F")]
    written.append(KEY.replace("/", "\\/"))
    for form in written:
        assert redact_text(f"key={form}&x=1", [KEY]) == f"key={REDACTED}&x=1", form


def test_listed_numbers_are_masked_even_inside_a_longer_token() -> None:
    # The generic pattern leaves digits glued to letters alone (ids); a listed number is never an id.
    text = "ref ABC14155550123, national 7700900123, elsewhere 447700900123"
    assert redact_text(text, numbers=LISTED) == "ref ABC14*******23, national 77******23, elsewhere 44********23"
    assert redact_text("ref ABC14155550123") == "ref ABC14155550123"  # without the list: an id


def test_bodies_are_redacted_with_the_runs_numbers_and_secrets() -> None:
    body = json.dumps({"note": "ABC14155550123", "token": TOKEN, "to": 447700900123})
    assert json.loads(redact_body(body, [TOKEN], LISTED)) == {
        "note": "ABC14*******23",
        "token": REDACTED,
        "to": "44********23",
    }


def test_a_runs_redaction_prints_nothing_it_hides() -> None:
    redaction = Redaction(secrets=(KEY, TOKEN), numbers=LISTED)
    for shown in (repr(redaction), pretty(redaction)):
        assert KEY not in shown and TOKEN not in shown and "4155550123" not in shown
    assert redaction.text(f"{TOKEN} called ABC14155550123") == f"{REDACTED} called ABC14*******23"


def test_a_secret_cut_short_by_a_repr_shows_neither_of_its_ends() -> None:
    # pytest's assertion message at default verbosity: most of the token, with a cut in the middle.
    said = "AssertionError: assert 'team-own-vt...s-token' == 'x' (see the... log)"
    assert redact_text(said, [TOKEN]) == f"AssertionError: assert '{REDACTED}...{REDACTED}' == 'x' (see the... log)"
    assert redact_text("token 'team…'", [TOKEN]) == f"token '{REDACTED}…'"
    assert redact_text("a tea... party", [TOKEN]) == "a tea... party"  # three characters are no fragment
