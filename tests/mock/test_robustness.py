"""No request, however malformed, gets a 500 or a traceback from the faithful mock."""

from __future__ import annotations

import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telecontract.client_auth import auth_headers
from telecontract.credentials import Credentials

PATHS = [
    "/v1/anonymous/session/sms",
    "/v1/anonymous/session/sms_voice",
    "/v1/voice",
    "/v2/voice",
    "/v1/Account/MATELECONTRACTMOCK01/Masking/Session/",
    "/v1/Account/MATELECONTRACTMOCK01/Masking/Session/x/",
    "/_sim/sms",
]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "application/json; x"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=10,
)
# json.dumps writes NaN/Infinity as bare words: not JSON, which is exactly the kind of input to throw.
bodies = st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(PATHS),
    method=st.sampled_from(["POST", "GET", "DELETE", "PUT"]),
    content_type=st.sampled_from(CONTENT_TYPES),
    body=bodies,
)
def test_no_server_errors(mock, credentials: Credentials, path, method, content_type, body) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    headers |= auth_headers(credentials, method=method, path=path, body=body, content_type=content_type)
    response = httpx.request(method, mock.url + path, content=body, headers=headers)
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code not in (204, 405):
        assert "Traceback" not in response.text
        assert response.headers["content-type"].startswith("application/json")
