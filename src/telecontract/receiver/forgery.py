"""Callbacks a receiver must refuse: unsigned, signed with another key, or changed after signing."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

from telecontract import webhooks
from telecontract.credentials import Credentials

FORGERIES = ("unsigned", "wrong_key", "tampered_body")


def forged(kind: str, payload: Any, *, url: str, credentials: Credentials, how: str) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of a forged callback of `kind`."""
    body = webhooks.encode(payload)
    if how == "unsigned":
        headers = webhooks.signed_headers(kind, url=url, body=body, credentials=credentials)
        for name in webhooks.signature_header_names(kind):
            del headers[name]
        return body, headers
    if how == "wrong_key":
        other = dataclasses.replace(
            credentials,
            telesign_api_key=base64.b64encode(b"not the account's key").decode(),
            vts_auth_token="not-the-account-token",
        )
        return body, webhooks.signed_headers(kind, url=url, body=body, credentials=other)
    if how == "tampered_body":
        # Signed as the provider sent it, then changed on the way: an attacker's edit.
        headers = webhooks.signed_headers(kind, url=url, body=body, credentials=credentials)
        changed = dict(payload) | {"tampered": True} if isinstance(payload, dict) else payload
        return webhooks.encode(changed), headers
    raise ValueError(f"unknown forgery {how!r}")
