"""Credentials, and everything that holds them, never show a secret in a repr (pytest prints reprs in full at -vv)."""

from __future__ import annotations

import base64
from pathlib import Path

from _pytest._io.saferepr import saferepr_unlimited
from hypothesis.vendor.pretty import pretty

from telecontract.auth import basic_authorization
from telecontract.contract.recording import Recorder
from telecontract.contract.target import Target
from telecontract.credentials import Credentials
from telecontract.mock import MockConfig
from telecontract.sink import SinkConfig

ACCOUNT = Credentials(
    telesign_customer_id="5D2B7C1E-94A0-4F3B-8E6D-0C1A2B3C4D5E",
    telesign_api_key=base64.b64encode(b"team-own-telesign-key/for+tests=").decode("ascii"),
    vts_auth_id="MAOWNACCOUNTID000042",
    vts_auth_token="team-own-vts-token-never-printed",
)
SECRET_PARTS = ("5D2B7C1E", ACCOUNT.telesign_api_key, "team-own-telesign-key", ACCOUNT.vts_auth_token, "MAOWNACCOUNT")


def shows_no_secret(text: str) -> bool:
    return not any(part in text for part in SECRET_PARTS)


def test_a_repr_shows_the_ids_tails_and_no_secret() -> None:
    shown = repr(ACCOUNT)
    assert shows_no_secret(shown)
    assert "telesign_api_key=[REDACTED]" in shown and "vts_auth_token=[REDACTED]" in shown
    assert "'********4D5E'" in shown and "'********0042'" in shown  # enough to tell accounts apart
    assert str(ACCOUNT) == shown


def test_pytest_and_hypothesis_print_no_secret_either() -> None:
    # pytest's tracebacks (arguments, --showlocals) at -vv; hypothesis's falsifying examples.
    assert shows_no_secret(saferepr_unlimited(ACCOUNT))
    assert shows_no_secret(pretty(ACCOUNT)) and pretty(ACCOUNT) == repr(ACCOUNT)


def test_what_holds_credentials_prints_none_of_their_secrets(tmp_path: Path) -> None:
    holders = [
        Target("http://127.0.0.1:8080", ACCOUNT, embedded=False),
        MockConfig(credentials=ACCOUNT),
        SinkConfig(credentials=ACCOUNT, database=tmp_path / "sink.sqlite3"),
        Recorder(secrets=ACCOUNT.secrets, numbers=("14155550123",)),
    ]
    for holder in holders:
        assert shows_no_secret(repr(holder)), type(holder).__name__
        assert shows_no_secret(pretty(holder)), type(holder).__name__
    assert "14155550123" not in repr(holders[-1])


def test_secrets_are_every_form_a_request_carries_them_but_not_the_vts_auth_id() -> None:
    secrets = set(ACCOUNT.secrets)
    basic = {
        basic_authorization(ACCOUNT.telesign_customer_id, ACCOUNT.telesign_api_key).removeprefix("Basic "),
        basic_authorization(ACCOUNT.vts_auth_id, ACCOUNT.vts_auth_token).removeprefix("Basic "),
    }
    raw = {ACCOUNT.telesign_customer_id, ACCOUNT.telesign_api_key, ACCOUNT.vts_auth_token}
    assert raw | basic | {"team-own-telesign-key/for+tests="} == secrets
    assert ACCOUNT.vts_auth_id not in secrets  # every VTS path names it: an address, not a key
