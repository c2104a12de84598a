"""VTS sessions are forgotten as masked sessions and calls are: RETENTION after they end.

Once, 20,000 expired sessions stayed listed and in memory for good after the clock moved on.
"""

from __future__ import annotations

from telecontract.mock.state import RETENTION_SECONDS


def sessions_url(credentials) -> str:
    return f"/v1/Account/{credentials.vts_auth_id}/Masking/Session/"


def create(mock, credentials, second: str, **settings) -> dict:
    body = {"first_party": "+14155552345", "second_party": second, **settings}
    response = mock.client.post(sessions_url(credentials), json=body)
    assert response.status_code == 200, response.text
    return response.json()


def advance(mock, provider_seconds: float) -> None:
    moved = mock.client.post("/_sim/clock", json={"advance": mock.state.scaled(provider_seconds)})
    assert moved.status_code == 200, moved.text


def test_ended_sessions_are_listed_as_expired_then_forgotten(mock, credentials) -> None:
    ending = [create(mock, credentials, f"+1216555{i:04d}", session_expiry=60)["session_uuid"] for i in range(30)]
    forever = create(mock, credentials, "+12165559999")["session_uuid"]  # session_expiry 0: never ends
    advance(mock, 61)
    page = mock.client.get(sessions_url(credentials), params={"status": "expired"}).json()
    assert page["meta"]["total_count"] == 30
    advance(mock, RETENTION_SECONDS)
    listed = mock.client.get(sessions_url(credentials)).json()
    assert [s["session_uuid"] for s in listed["objects"]] == [forever]
    assert mock.client.get(f"{sessions_url(credentials)}{ending[0]}/").status_code == 404
    assert set(mock.state.vts_sessions) == {forever}
    create(mock, credentials, "+12165558888")  # the pool forgets ended leases as it allocates
    assert mock.state.vts_pool.leases_kept() == 4  # two sessions left, each held for its two parties


def test_an_update_that_extends_a_session_keeps_it(mock, credentials) -> None:
    uuid = create(mock, credentials, "+12165550001", session_expiry=60)["session_uuid"]
    advance(mock, 30)
    assert mock.client.post(f"{sessions_url(credentials)}{uuid}/", json={"session_expiry": 600000}).status_code == 200
    advance(mock, RETENTION_SECONDS)  # a retention after the first end, not yet after the new one
    create(mock, credentials, "+12165550002")  # creations sweep what is due
    assert mock.client.get(f"{sessions_url(credentials)}{uuid}/").json()["status"] == "active"


def test_a_deleted_session_frees_its_number_at_once(start_mock, credentials) -> None:
    mock = start_mock(vts_numbers=("+12205550000",))
    first = create(mock, credentials, "+12165550001")
    assert (
        mock.client.post(
            sessions_url(credentials), json={"first_party": "+14155552345", "second_party": "+12165550002"}
        ).status_code
        == 409
    )
    assert mock.client.delete(f"{sessions_url(credentials)}{first['session_uuid']}/").status_code == 204
    assert create(mock, credentials, "+12165550002")["virtual_number"] == "+12205550000"
