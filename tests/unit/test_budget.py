from __future__ import annotations

import time

import pytest
import requests

from telecontract.contract.budget import Budget, Wire, WireAuth, parse_rate
from telecontract.contract.target import Target
from telecontract.credentials import Credentials
from telecontract.numbers import UnlistedNumber


def test_rate_limit_spaces_requests() -> None:
    budget = Budget(per_second=50)
    started = time.monotonic()
    for _ in range(6):
        budget.spend()
    assert time.monotonic() - started >= 5 / 50 * 0.9


def test_spent_budget_skips() -> None:
    budget = Budget(max_requests=2)
    budget.spend()
    budget.spend()
    with pytest.raises(pytest.skip.Exception, match="request budget of 2 spent"):
        budget.spend()


@pytest.mark.parametrize(("text", "per_second"), [("10/s", 10.0), ("120/m", 2.0), ("5", 5.0), (None, None)])
def test_parse_rate(text, per_second) -> None:
    assert parse_rate(text) == per_second


@pytest.mark.parametrize("text", ["fast", "10/day", "-1/s", "0/s"])
def test_bad_rate_is_a_usage_error(text) -> None:
    with pytest.raises(pytest.UsageError, match="expected N/s"):
        parse_rate(text)


def test_the_wire_sends_each_path_to_its_providers_host() -> None:
    target = Target(
        "https://rest-ww.example/api",
        Credentials.from_env(),
        embedded=False,
        voice_v1_url="https://rest-api.example",
        vts_url="https://vts.example",
    )
    wire = Wire(target, Budget(), numbers=None)
    assert wire.routed("https://rest-ww.example/api/v1/voice/AB?x=1") == "https://rest-api.example/v1/voice/AB?x=1"
    assert wire.routed("https://rest-ww.example/api/v1/Account/MA1/Masking/Session") == (
        "https://vts.example/v1/Account/MA1/Masking/Session"
    )
    assert wire.routed("https://rest-ww.example/api/v2/voice") == "https://rest-ww.example/api/v2/voice"


def test_the_wire_drops_framing_headers_a_generated_case_carries() -> None:
    target = Target("http://127.0.0.1:1", Credentials.from_env(), embedded=True)
    auth = WireAuth(lambda request: request, Wire(target, Budget(), numbers=None))
    request = requests.Request(
        "POST", "http://127.0.0.1:1/v1/voice", data=b"x=1", headers={"Transfer-Encoding": "P:/", "Connection": "x"}
    ).prepare()
    sent = auth(request)
    assert "Transfer-Encoding" not in sent.headers and "Connection" not in sent.headers


def test_the_wire_refuses_an_unlisted_number_before_spending_or_sending() -> None:
    target = Target("http://127.0.0.1:1", Credentials.from_env(), embedded=False)
    budget = Budget()
    auth = WireAuth(lambda request: request, Wire(target, budget, numbers=("14155550123",)))
    unlisted = requests.Request("POST", "http://127.0.0.1:1/v2/voice", json={"params": {"to": "14155550199"}})
    with pytest.raises(UnlistedNumber):
        auth(unlisted.prepare())
    filtered = requests.Request("GET", "http://127.0.0.1:1/v1/Account/A/Masking/Session?first_party=%2B14155550199")
    with pytest.raises(UnlistedNumber):
        auth(filtered.prepare())
    assert budget.spent == 0
