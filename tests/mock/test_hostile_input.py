"""What one client sends never breaks another's requests: VTS updates are checked before they touch state.

Once, `session.fields |= body` stored `first_party: ["x"]` as given: every filtered list then
answered 500 and the carrier simulator 503, for every client, until the session was deleted.
"""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telecontract.mock import vts

FIRST, SECOND = "+14155552345", "+12165554567"
OTHER_FIRST, OTHER_SECOND = "+14155550000", "+14155550001"
HOSTILE_UPDATES = [
    {"first_party": ["x"]},
    {"virtual_number": 12345},
    {"second_party": "+12165550000"},
    {"status": "expired"},
    {"created_time": "2020-01-01 00:00:00"},
    {"total_call_count": None},
    {"interaction": {"a": 1}},
    {"undocumented": "x" * 1000},
    {"record": "yes"},
    {"ring_timeout": "30"},
    {"session_expiry": -1},
    {"callback_url": 7},
    {"session_expiry": 60, "first_party": "+14155559999"},  # one good setting does not carry a bad field
]
LIST_FILTERS = [
    {},
    {"first_party": FIRST},
    {"second_party": OTHER_SECOND},
    {"virtual_number": "+12205550000"},
    {"status": "active"},
    {"created_time__gte": "2000-01-01 00:00:00"},
    {"expiry_time__lt": "2100-01-01 00:00:00"},
    {"duration__gte": 0},
    {"limit": 1, "offset": 1},
]


def sessions_url(credentials) -> str:
    return f"/v1/Account/{credentials.vts_auth_id}/Masking/Session/"


def create(mock, credentials, first: str, second: str, **settings) -> dict:
    response = mock.client.post(
        sessions_url(credentials), json={"first_party": first, "second_party": second, **settings}
    )
    assert response.status_code == 200, response.text
    return response.json()


def every_read_of_another_client(mock, credentials, theirs: dict) -> None:
    """Lists with each filter, their session, the carrier through their number, and a new session."""
    for query in LIST_FILTERS:
        listed = mock.client.get(sessions_url(credentials), params=query)
        assert listed.status_code == 200, (query, listed.text)
    fetched = mock.client.get(f"{sessions_url(credentials)}{theirs['session_uuid']}/")
    assert fetched.status_code == 200 and fetched.json()["first_party"] == OTHER_FIRST
    routed = mock.client.post("/_sim/call", json={"from": OTHER_FIRST, "to": theirs["virtual_number"]})
    assert routed.status_code == 200 and routed.json()["deliver_to"] == OTHER_SECOND.lstrip("+"), routed.text
    fresh = mock.client.post(sessions_url(credentials), json={"first_party": "+14155551111", "second_party": SECOND})
    assert fresh.status_code == 200, fresh.text
    mock.client.delete(f"{sessions_url(credentials)}{fresh.json()['session_uuid']}/")


@pytest.mark.parametrize("update", HOSTILE_UPDATES, ids=lambda u: ",".join(u))
def test_a_hostile_update_is_refused_and_harms_no_one(mock, credentials, update: dict) -> None:
    mine = create(mock, credentials, FIRST, SECOND, ring_timeout=30)
    theirs = create(mock, credentials, OTHER_FIRST, OTHER_SECOND)
    refused = mock.client.post(f"{sessions_url(credentials)}{mine['session_uuid']}/", json=update)
    assert refused.status_code == 400, refused.text
    assert set(refused.json()) == {"api_id", "error"}
    after = mock.client.get(f"{sessions_url(credentials)}{mine['session_uuid']}/").json()
    for field in ("first_party", "second_party", "virtual_number", "ring_timeout", "session_expiry", "status"):
        assert after[field] == mine[field], field
    every_read_of_another_client(mock, credentials, theirs)


def test_an_update_naming_another_session_in_its_body_changes_only_the_paths(mock, credentials) -> None:
    mine = create(mock, credentials, FIRST, SECOND)
    theirs = create(mock, credentials, OTHER_FIRST, OTHER_SECOND, ring_timeout=30)
    body = {"session_uuid": theirs["session_uuid"], "ring_timeout": 99}
    assert mock.client.post(f"{sessions_url(credentials)}{mine['session_uuid']}/", json=body).status_code == 200
    assert mock.client.get(f"{sessions_url(credentials)}{theirs['session_uuid']}/").json()["ring_timeout"] == "30"
    assert mock.client.get(f"{sessions_url(credentials)}{mine['session_uuid']}/").json()["ring_timeout"] == "99"


def test_the_sdks_update_naming_its_own_session_is_accepted(mock, credentials) -> None:
    mine = create(mock, credentials, FIRST, SECOND)
    url = f"{sessions_url(credentials)}{mine['session_uuid']}/"
    updated = mock.client.post(url, json={"session_uuid": mine["session_uuid"], "call_time_limit": 600.0})
    assert updated.status_code == 200, updated.text
    assert updated.json()["call_time_limit"] in ("600", "600.0")
    assert mock.client.post(url, json={"geomatch": True}).status_code == 200  # a documented setting


def test_undocumented_create_fields_are_not_kept(mock, credentials) -> None:
    padding = {f"extra_{i}": "x" * 10_000 for i in range(50)}
    created = create(mock, credentials, FIRST, SECOND, record=True, generate_pin=True, **padding)
    stored = mock.state.vts_sessions[created["session_uuid"]].fields
    assert not any(name.startswith("extra_") for name in stored)
    assert "generate_pin" not in stored and stored["record"] is True
    assert len(json.dumps(stored)) < 2000


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
field_names = st.sampled_from(sorted(set(vts.DEFAULTS) | {"first_party", "second_party", "virtual_number"}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(update=st.dictionaries(field_names | st.text(max_size=10), json_values, min_size=1, max_size=4))
def test_no_update_makes_a_later_request_of_another_client_fail(mock, credentials, update: dict) -> None:
    mine = mock.client.post(sessions_url(credentials), json={"first_party": FIRST, "second_party": SECOND}).json()
    try:
        answered = mock.client.post(f"{sessions_url(credentials)}{mine['session_uuid']}/", json=update)
        assert answered.status_code in (200, 400), answered.text
        for query in LIST_FILTERS:
            assert mock.client.get(sessions_url(credentials), params=query).status_code == 200, query
        routed = httpx.post(
            f"{mock.url}/_sim/sms", json={"from": FIRST, "to": mine["virtual_number"]}, auth=mock.client.auth
        )
        assert routed.status_code in (200, 404), routed.text
    finally:
        mock.client.delete(f"{sessions_url(credentials)}{mine['session_uuid']}/")


def test_a_list_renders_only_its_page(mock, credentials, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(60):
        create(mock, credentials, FIRST, f"+1216555{i:04d}")
    rendered = []
    original = vts.render
    monkeypatch.setattr(vts, "render", lambda session, now: rendered.append(session) or original(session, now))
    page = mock.client.get(sessions_url(credentials), params={"limit": 1, "status": "active"}).json()
    assert page["meta"]["total_count"] == 60 and len(page["objects"]) == 1
    assert len(rendered) == 1
