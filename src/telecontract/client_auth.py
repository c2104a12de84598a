"""Client-side auth for any request to a target: TeleSign TSA or Basic, VTS Basic.

Signing happens on the final request (after the body is serialised), so the signature covers the
exact bytes sent. `RequestsAuth` plugs into schemathesis (which sends with requests),
`HttpxAuth` into our own httpx clients.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Literal
from urllib.parse import urlsplit

import httpx
import requests

from telecontract.auth import basic_authorization, telesign_hmac_headers
from telecontract.credentials import Credentials

TelesignMode = Literal["hmac", "basic"]


VTS_PREFIX = "/v1/Account/"  # VTS paths; every other path is TeleSign's


def basic_for(credentials: Credentials, path: str) -> str:
    """The Basic Authorization value of whichever provider serves `path`."""
    if path.startswith(VTS_PREFIX):
        return basic_authorization(credentials.vts_auth_id, credentials.vts_auth_token)
    return basic_authorization(credentials.telesign_customer_id, credentials.telesign_api_key)


def auth_headers(
    credentials: Credentials,
    *,
    method: str,
    path: str,
    body: bytes,
    content_type: str,
    telesign_mode: TelesignMode = "hmac",
) -> dict[str, str]:
    """The auth headers a request to `path` needs, chosen by which provider serves the path."""
    if path.startswith(VTS_PREFIX):
        return {"Authorization": basic_for(credentials, path)}
    if telesign_mode == "basic":
        return {"Authorization": basic_for(credentials, path), "X-TS-Auth-Method": "Basic"}
    headers = telesign_hmac_headers(
        customer_id=credentials.telesign_customer_id,
        api_key=credentials.telesign_api_key,
        method=method,
        resource=path,
        body=body,
        content_type=content_type,
    )
    headers.pop("Content-Type", None)  # already on the request; signing must not change it
    return headers


class RequestsAuth(requests.auth.AuthBase):
    """Upgrades our own TeleSign Basic header to TSA HMAC once the body is final.

    Schemathesis applies Basic credentials through its auth provider (so its own auth checks
    know what "authenticated" means) and then sends with requests. Only a header that is exactly
    our Basic credential is re-signed: anything schemathesis removed or forged on purpose to test
    auth handling goes out untouched.
    """

    def __init__(self, credentials: Credentials, telesign_mode: TelesignMode = "hmac") -> None:
        self.credentials = credentials
        self.telesign_mode = telesign_mode
        self._our_basic = basic_authorization(credentials.telesign_customer_id, credentials.telesign_api_key)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        path = urlsplit(request.url or "").path
        if self.telesign_mode != "hmac" or path.startswith(VTS_PREFIX):
            return request
        if request.headers.get("Authorization") != self._our_basic:
            return request
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        request.headers.update(
            auth_headers(
                self.credentials,
                method=request.method or "GET",
                path=path,
                body=body,
                content_type=request.headers.get("Content-Type", ""),
            )
        )
        return request


class HttpxAuth(httpx.Auth):
    requires_request_body = True

    def __init__(self, credentials: Credentials, telesign_mode: TelesignMode = "hmac") -> None:
        self.credentials = credentials
        self.telesign_mode = telesign_mode

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(
            auth_headers(
                self.credentials,
                method=request.method,
                path=request.url.path,
                body=request.content,
                content_type=request.headers.get("Content-Type", ""),
                telesign_mode=self.telesign_mode,
            )
        )
        yield request


class SchemathesisAuth:
    """A schemathesis auth provider: the Basic credential of whichever provider serves the path."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def get(self, case: object, context: object) -> Credentials:
        return self.credentials

    def set(self, case: object, data: Credentials, context: object) -> None:
        value = basic_for(data, case.operation.path)  # type: ignore[attr-defined]
        case.headers = {**(case.headers or {}), "Authorization": value}  # type: ignore[attr-defined]


def schemathesis_auth_provider(credentials: Credentials) -> type[SchemathesisAuth]:
    """Schemathesis instantiates providers without arguments; bind the credentials in a subclass."""

    class BoundAuth(SchemathesisAuth):
        def __init__(self) -> None:
            super().__init__(credentials)

    return BoundAuth
