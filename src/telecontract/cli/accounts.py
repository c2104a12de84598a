"""What `telecontract mock` prints about its accounts at start, and one curl line that works as printed.

The embedded mock's default accounts are test credentials, not secrets: they are printed in full,
so a bare curl is not met by a 401 the user cannot get past without reading the source. Values
given through the TELECONTRACT_* variables may be a real account's: they are shown as
`aws configure list` shows keys (the last four characters), and the curl line names the variable
instead (`"$TELECONTRACT_TELESIGN_API_KEY"`), so it works in the shell that exported it.
"""

from __future__ import annotations

import json
import shlex

from telecontract.credentials import (
    DEFAULTS,
    ENV_TELESIGN_API_KEY,
    ENV_TELESIGN_CUSTOMER_ID,
    ENV_VTS_AUTH_ID,
    ENV_VTS_AUTH_TOKEN,
    Credentials,
)

# The documents' own example of a masked session (riderAndDriver in the spec): one the mock grants.
EXAMPLE_PATH = "/v1/anonymous/session/sms_voice"
EXAMPLE_BODY = {"phone_number_1": "15555551212", "phone_number_2": "15558675309", "validity_period": 500}
SHOWN_TAIL = 4


def _is_default(variable: str, value: str) -> bool:
    return DEFAULTS[variable] == value


def shown(variable: str, value: str) -> str:
    """A value as the banner shows it: in full when it is the mock's default, else its last characters."""
    if _is_default(variable, value):
        return value
    tail = value[-SHOWN_TAIL:] if len(value) >= 3 * SHOWN_TAIL else ""
    return f"{'*' * 8}{tail} (from ${variable})"


def _in_shell(variable: str, value: str) -> str:
    """The value as it goes inside the curl line's double quotes: itself, or the variable that holds it."""
    return value if _is_default(variable, value) else f"${variable}"


def lines(credentials: Credentials, url: str) -> list[str]:
    """The banner's lines after the URL: each account, then a curl that creates a masked session."""
    defaults = all(_is_default(name, value) for name, value in credentials.environment().items())
    said = (
        "the embedded mock's test accounts (not secrets; export TELECONTRACT_* to use others)"
        if defaults
        else "from the TELECONTRACT_* variables (redacted)"
    )
    user = _in_shell(ENV_TELESIGN_CUSTOMER_ID, credentials.telesign_customer_id)
    password = _in_shell(ENV_TELESIGN_API_KEY, credentials.telesign_api_key)
    body = json.dumps(EXAMPLE_BODY, separators=(",", ":"))
    # Double quotes around -u: a default is base64 and hex (nothing the shell expands), a variable expands.
    curl = (
        f'curl -sS -u "{user}:{password}" -H {shlex.quote("Content-Type: application/json")} '
        f"-d {shlex.quote(body)} {shlex.quote(url + EXAMPLE_PATH)}"
    )
    telesign = (
        f"customer id {shown(ENV_TELESIGN_CUSTOMER_ID, credentials.telesign_customer_id)}"
        f"  api key {shown(ENV_TELESIGN_API_KEY, credentials.telesign_api_key)}"
    )
    vts = (
        f"auth id {shown(ENV_VTS_AUTH_ID, credentials.vts_auth_id)}"
        f"  auth token {shown(ENV_VTS_AUTH_TOKEN, credentials.vts_auth_token)}"
    )
    return [
        f"accounts: {said}",
        f"  TeleSign (Basic or TSA HMAC)  {telesign}",
        f"  VTS (Basic)                   {vts}",
        f"try: {curl}",
    ]
