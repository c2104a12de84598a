"""Callbacks a receiver must refuse: unsigned, signed with another key, or changed after signing."""

from __future__ import annotations

from typing import Any

from telecontract import webhooks
from telecontract.credentials import Credentials

FORGERIES = ("unsigned", "wrong_key", "tampered_body")


def forged(kind: str, payload: Any, *, url: str, credentials: Credentials, how: str) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of a forged callback of `kind`."""
    body = webhooks.encode(payload)
    if how != "tampered_body":
        return body, webhooks.badly_signed_headers(kind, how, url=url, body=body, credentials=credentials)
    # Signed as the provider sent it, then changed on the way: an attacker's edit.
    headers = webhooks.signed_headers(kind, url=url, body=body, credentials=credentials)
    changed = dict(payload) | {"tampered": True} if isinstance(payload, dict) else payload
    return webhooks.encode(changed), headers
