"""VTS masking sessions: the Plivo-compatible lifecycle, list paging, expiry and callbacks."""

from __future__ import annotations

import time

import orjson

from telecontract.sink import read_deliveries


def sessions_url(credentials) -> str:
    return f"/v1/Account/{credentials.vts_auth_id}/Masking/Session/"


def create(mock, credentials, first="+14155552345", second="+12165554567", **settings):
    return mock.client.post(sessions_url(credentials), json={"first_party": first, "second_party": second, **settings})


def test_created_session_is_what_get_returns(mock, credentials) -> None:
    created = create(mock, credentials, record=True, ring_timeout=30).json()
    fetched = mock.client.get(f"{sessions_url(credentials)}{created['session_uuid']}/").json()
    for field in ("session_uuid", "virtual_number", "first_party", "second_party", "record", "ring_timeout"):
        assert fetched[field] == created[field]
    assert (fetched["record"], fetched["ring_timeout"], fetched["status"]) == ("true", "30", "active")


def test_the_documents_path_without_trailing_slash_works(mock, credentials) -> None:
    response = mock.client.post(
        sessions_url(credentials).rstrip("/"), json={"first_party": "+14155552345", "second_party": "+12165554567"}
    )
    assert response.status_code == 200


def test_list_filters_and_pages(mock, credentials) -> None:
    for i in range(25):
        create(mock, credentials, second=f"+1216555{i:04d}")
    create(mock, credentials, first="+14155550000", second="+14155550001")
    page = mock.client.get(
        sessions_url(credentials), params={"first_party": "+14155552345", "limit": 10, "offset": 20}
    ).json()
    assert page["meta"]["total_count"] == 25
    assert len(page["objects"]) == 5
    assert page["meta"]["next"] is None and "offset=10" in page["meta"]["previous"]
    assert all(s["first_party"] == "+14155552345" for s in page["objects"])
    for bad in ({"limit": 0}, {"limit": 21}, {"offset": -1}, {"limit": "ten"}):
        response = mock.client.get(sessions_url(credentials), params=bad)
        assert response.status_code == 400, bad
        assert set(response.json()) == {"api_id", "error"}


def test_update_changes_only_what_was_sent(mock, credentials) -> None:
    uuid = create(mock, credentials, ring_timeout=30).json()["session_uuid"]
    updated = mock.client.post(f"{sessions_url(credentials)}{uuid}/", json={"call_time_limit": 600}).json()
    assert (updated["call_time_limit"], updated["ring_timeout"]) == ("600", "30")
    assert updated["modified_time"] is not None


def test_session_expiry_turns_status_to_expired(mock, credentials) -> None:
    uuid = create(mock, credentials, session_expiry=10).json()["session_uuid"]
    time.sleep(0.05)
    assert mock.client.get(f"{sessions_url(credentials)}{uuid}/").json()["status"] == "expired"


def test_delete_then_get_is_404(mock, credentials) -> None:
    uuid = create(mock, credentials).json()["session_uuid"]
    assert mock.client.delete(f"{sessions_url(credentials)}{uuid}/").status_code == 204
    missing = mock.client.get(f"{sessions_url(credentials)}{uuid}/")
    assert missing.status_code == 404 and set(missing.json()) == {"api_id", "error"}


def test_equal_parties_are_refused(mock, credentials) -> None:
    response = create(mock, credentials, first="+14155552345", second="14155552345")
    assert response.status_code == 422


def test_expiry_and_deletion_are_called_back_signed(mock, credentials, sink) -> None:
    url = f"{sink.url}/vtsSessionCallback"
    expiring = create(mock, credentials, callback_url=url, session_expiry=10).json()
    deleted = create(mock, credentials, first="+14155550000", callback_url=url).json()
    mock.client.delete(f"{sessions_url(credentials)}{deleted['session_uuid']}/")
    deadline = time.monotonic() + 5
    while len(deliveries := list(read_deliveries(sink.database))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    events = {orjson.loads(d.body)["session_uuid"]: orjson.loads(d.body)["event"] for d in deliveries}
    assert events == {expiring["session_uuid"]: "session_expired", deleted["session_uuid"]: "session_deleted"}
    assert all(d.signature_ok and d.schema_errors == "[]" for d in deliveries)
