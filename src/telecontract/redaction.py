"""Redaction for everything that leaves the process: logs, reports, recorded traffic.

Secrets (auth headers, signatures, API keys, tokens) are replaced whole; phone numbers keep only
enough digits to tell them apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from telecontract.phone import redact_number

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "x-ts-authorization",  # a TeleSign callback's copy of its Authorization
        "x-plivo-signature-v3",
        "x-plivo-signature-v3-nonce",
        "x-vts-signature-v3",
        "x-vts-signature-v3-nonce",
        "x-ts-nonce",
        "cookie",
        "set-cookie",
        "proxy-authorization",
    }
)
REDACTED = "[REDACTED]"
# user:password@ in a URL (a proxy's credentials written into --target-url or a config file).
URL_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
# A run of 7 to 15 digits, optionally after a +, not inside a longer alphanumeric token
# (so 32-hex reference ids and uuids survive).
PHONE_NUMBER = re.compile(r"(?<![0-9A-Za-z])\+?[1-9][0-9]{6,14}(?![0-9A-Za-z])")


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: REDACTED if name.lower() in SECRET_HEADERS else value for name, value in items}


def redact_url_credentials(text: str) -> str:
    """Only user:password@ in URLs: for commands a user copies, whose numbers (seeds) must survive."""
    return URL_USERINFO.sub(REDACTED + "@", text)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Phone numbers masked, credentials in URLs and every known secret value replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = redact_url_credentials(text)
    return PHONE_NUMBER.sub(lambda m: ("+" if m.group().startswith("+") else "") + redact_number(m.group()), text)


def redact_body(text: str, secrets: Iterable[str] = ()) -> str:
    """Like `redact_text`, but a JSON body stays valid JSON: only its strings are touched."""
    try:
        document = json.loads(text)
    except ValueError:
        return redact_text(text, secrets)
    secrets = tuple(secrets)

    def walk(node: object) -> object:
        if isinstance(node, str):
            return redact_text(node, secrets)
        if isinstance(node, dict):
            return {redact_text(str(k), secrets): walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node  # numbers are never phone numbers here: the specs send those as strings

    return json.dumps(walk(document), ensure_ascii=False, separators=(",", ":"))
