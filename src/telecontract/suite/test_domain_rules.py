"""Rules a schema cannot state and one response cannot show: auth, masked ids across sessions, routing."""

from __future__ import annotations

import time
import uuid
from email.utils import formatdate

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telecontract import auth
from telecontract.client_auth import basic_for
from telecontract.contract.bodies import Bodies
from telecontract.contract.failures import RuleViolation
from telecontract.contract.generation import possible_numbers
from telecontract.contract.target import Target

UNKNOWN_CALL = "/v1/voice/" + "AB" * 16
VOICE_GET = "GET /v1/voice/{reference_id}"
SMS_VOICE = "POST /v1/anonymous/session/sms_voice"
SMS = "POST /v1/anonymous/session/sms"


def signed_get(target: Target, path: str, **overrides: str) -> dict[str, str]:
    return auth.telesign_hmac_headers(
        customer_id=overrides.pop("customer_id", target.credentials.telesign_customer_id),
        api_key=overrides.pop("api_key", target.credentials.telesign_api_key),
        method="GET",
        resource=path,
        **overrides,
    )


@pytest.mark.parametrize(
    ("case", "headers"),
    [
        ("unsigned", lambda t: {}),
        ("wrongly signed", lambda t: signed_get(t, UNKNOWN_CALL, api_key="d3Jvbmcta2V5")),
        ("stale", lambda t: signed_get(t, UNKNOWN_CALL, date=formatdate(time.time() - 3600, usegmt=True))),
        ("unknown customer", lambda t: signed_get(t, UNKNOWN_CALL, customer_id=str(uuid.uuid4()).upper())),
    ],
)
@pytest.mark.operations("getVoiceCallStatus")
def test_auth_is_enforced(target: Target, case: str, headers) -> None:
    response = httpx.get(target.url_for(UNKNOWN_CALL) + UNKNOWN_CALL, headers=headers(target))
    if response.status_code != 401:
        raise RuleViolation(
            "auth_is_enforced", f"a {case} request was answered {response.status_code}, not 401", operation=VOICE_GET
        )


@pytest.mark.operations("getVoiceCallStatus")
def test_replayed_request_is_refused(target: Target) -> None:
    headers = signed_get(target, UNKNOWN_CALL)
    first = httpx.get(target.url_for(UNKNOWN_CALL) + UNKNOWN_CALL, headers=headers)
    assert first.status_code == 404, first.text
    replay = httpx.get(target.url_for(UNKNOWN_CALL) + UNKNOWN_CALL, headers=headers)
    if replay.status_code != 401:
        raise RuleViolation(
            "auth_is_enforced", f"a replayed nonce was answered {replay.status_code}, not 401", operation=VOICE_GET
        )


@pytest.fixture
def long_session(bodies: Bodies) -> dict[str, object]:
    """A session request that outlives the test; built here, outside hypothesis's examples (the
    spec's body is found once, and a search of its own inside a @given test would nest one)."""
    return bodies("createSmsVoiceMaskedSession", {"validity_period": 3600})


# Opens dozens of sessions: a real pool would answer 2702 (no masked id left) and bill for each.
@pytest.mark.embedded_only
@pytest.mark.operations("createSmsVoiceMaskedSession")
# The client fixture holds no per-example state, so sharing it across examples is safe.
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shared=possible_numbers(), others=st.lists(possible_numbers(), min_size=2, max_size=6, unique=True))
def test_masked_id_serves_one_session_per_party(
    client, long_session: dict[str, object], shared: str, others: list[str]
) -> None:
    """Sessions sharing a party never share a masked id, and none is a real number."""
    others = [n for n in others if n != shared]
    masked: list[str] = []
    for other in others:
        response = client.post(
            "/v1/anonymous/session/sms_voice", json=long_session | {"phone_number_1": shared, "phone_number_2": other}
        )
        assert response.status_code == 200, response.text
        data = response.json()["session_data"]
        masked += [data["phone_number_1"]["masked_id"], data["phone_number_2"]["masked_id"]]
    if len(set(masked)) != len(masked):
        raise RuleViolation(
            "masked_id_serves_one_session_per_party",
            f"{len(masked) - len(set(masked))} masked ids serve two sessions of one party",
            operation=SMS_VOICE,
        )
    if set(masked) & {shared, *others}:
        raise RuleViolation(
            "masked_id_differs_from_real_number", "a masked id is a party's real number", operation=SMS_VOICE
        )


def simulate(target: Target, what: str, body: dict[str, object]) -> httpx.Response:
    """The embedded mock's carrier simulator answers the account only."""
    account = {"Authorization": basic_for(target.credentials, f"/_sim/{what}")}
    return httpx.post(f"{target.base_url}/_sim/{what}", json=body, headers=account)


def sms(target: Target, sender: str, to: str) -> httpx.Response:
    return simulate(target, "sms", {"from": sender, "to": to, "text": "hello"})


@pytest.mark.embedded_only
@pytest.mark.operations("createSmsMaskedSession")
def test_expired_session_stops_routing(client, target: Target, bodies: Bodies) -> None:
    rider, driver = "15555551212", "15558675309"
    asked = {"phone_number_1": rider, "phone_number_2": driver, "validity_period": 3600}
    live = client.post("/v1/anonymous/session/sms", json=bodies("createSmsMaskedSession", asked)).json()["session_data"]
    routed = sms(target, rider, live["phone_number_2"]["masked_id"])
    assert routed.status_code == 200 and routed.json()["deliver_to"] == driver, routed.text
    if routed.json()["shown_sender"] in (rider, driver):
        raise RuleViolation("masked_id_differs_from_real_number", "the recipient sees a real number", operation=SMS)

    asked = {"phone_number_1": "15555550100", "phone_number_2": "15555550101", "validity_period": 1}
    short = client.post("/v1/anonymous/session/sms", json=bodies("createSmsMaskedSession", asked)).json()
    # Past the end the answer itself states (its validity, in the account's unit, scaled), on the
    # simulator's clock: a session that says it lasts longer than asked is another rule's finding,
    # and routing until the end it stated is not this one's.
    stated = short["session_data"].get("validity")
    units = int(stated) if isinstance(stated, int | str) and str(stated).isdigit() else 1
    advance = units * target.validity_seconds * target.time_scale + 1
    advanced = simulate(target, "clock", {"advance": advance})
    assert advanced.status_code == 200, advanced.text
    late = sms(target, "15555550100", short["session_data"]["phone_number_2"]["masked_id"])
    if late.status_code == 200:
        raise RuleViolation(
            "expired_session_stops_routing", "a message through an expired session was routed", operation=SMS
        )
    # Anything but "routed" or "not routed" is the simulator failing: an error of this run, not a finding.
    assert late.status_code == 404, f"the carrier simulator answered {late.status_code}: {late.text}"
