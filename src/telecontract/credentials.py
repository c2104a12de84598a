"""Provider credentials, read from the environment, with defaults for the embedded mock.

The same variables configure the mock (which accounts exist) and every client (the contract
suite, the load scenarios, the CLI), so pointing the suite at a real provider is only a matter of
exporting the real values.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from telecontract.auth import basic_authorization
from telecontract.errors import UsageError

# Defaults for the embedded mock only; never valid anywhere else.
DEFAULT_TELESIGN_CUSTOMER_ID = "FFFFFFFF-EEEE-DDDD-1234-AB1234567890"
DEFAULT_TELESIGN_API_KEY = base64.b64encode(b"telecontract-embedded-mock-key!!").decode("ascii")
# 20 characters starting with MA: the Plivo SDK refuses any other auth id.
DEFAULT_VTS_AUTH_ID = "MATELECONTRACTMOCK01"
DEFAULT_VTS_AUTH_TOKEN = "telecontract-embedded-mock-token"

ENV_TELESIGN_CUSTOMER_ID = "TELECONTRACT_TELESIGN_CUSTOMER_ID"
ENV_TELESIGN_API_KEY = "TELECONTRACT_TELESIGN_API_KEY"
ENV_VTS_AUTH_ID = "TELECONTRACT_VTS_AUTH_ID"
ENV_VTS_AUTH_TOKEN = "TELECONTRACT_VTS_AUTH_TOKEN"
# A repr shows an id's last characters (enough to tell accounts apart, as `aws configure list` does)
# and never any part of a secret: pytest prints reprs in failure tracebacks, in full at -vv.
SHOWN_TAIL = 4
HIDDEN = "[REDACTED]"
# What each provider's requests are signed with, so a run can ask for only the ones it uses.
TELESIGN_VARIABLES = (ENV_TELESIGN_CUSTOMER_ID, ENV_TELESIGN_API_KEY)
VTS_VARIABLES = (ENV_VTS_AUTH_ID, ENV_VTS_AUTH_TOKEN)
DEFAULTS = {
    ENV_TELESIGN_CUSTOMER_ID: DEFAULT_TELESIGN_CUSTOMER_ID,
    ENV_TELESIGN_API_KEY: DEFAULT_TELESIGN_API_KEY,
    ENV_VTS_AUTH_ID: DEFAULT_VTS_AUTH_ID,
    ENV_VTS_AUTH_TOKEN: DEFAULT_VTS_AUTH_TOKEN,
}


def unset(names: Iterable[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """The variables among `names` that are absent or empty (blank counts as empty)."""
    env = os.environ if environ is None else environ
    return [name for name in names if not env.get(name, "").strip()]


def shown_id(value: str) -> str:
    """An account id as a repr shows it: masked but for its last characters (none of a short one)."""
    tail = value[-SHOWN_TAIL:] if len(value) >= 3 * SHOWN_TAIL else ""
    return "*" * 8 + tail


@dataclass(frozen=True, slots=True)
class Credentials:
    telesign_customer_id: str
    telesign_api_key: str
    vts_auth_id: str
    vts_auth_token: str

    def __repr__(self) -> str:
        # Written out, not generated: the dataclass repr put every secret into failure tracebacks,
        # and into the repr of everything that holds credentials (Target, MockConfig, SinkConfig).
        return (
            f"Credentials(telesign_customer_id={shown_id(self.telesign_customer_id)!r}, "
            f"telesign_api_key={HIDDEN}, vts_auth_id={shown_id(self.vts_auth_id)!r}, vts_auth_token={HIDDEN})"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis's and IPython's pretty printers list a dataclass's fields themselves unless told."""
        printer.text(repr(self))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, required: Iterable[str] = ()) -> Credentials:
        """The credentials in the environment; an empty variable counts as unset.

        CI systems hand a missing secret over as an empty string (GitHub Actions does), so an empty
        value takes the embedded mock's default like an absent one. `required`: variables that must
        be set, because a live target would refuse the mock's defaults; a missing one is a usage error.
        """
        env = os.environ if environ is None else environ
        given = {name: value for name in DEFAULTS if (value := env.get(name, "").strip())}
        if missing := unset(required, env):
            raise UsageError(
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set (or empty); "
                "a live target needs the account's own credentials.",
                hint="Export them (in GitHub Actions from repository secrets: a secret that is not set "
                "arrives empty). The embedded mock's defaults apply only without a target URL.",
            )
        values = DEFAULTS | given
        credentials = cls(
            telesign_customer_id=values[ENV_TELESIGN_CUSTOMER_ID],
            telesign_api_key=values[ENV_TELESIGN_API_KEY],
            vts_auth_id=values[ENV_VTS_AUTH_ID],
            vts_auth_token=values[ENV_VTS_AUTH_TOKEN],
        )
        credentials.check()
        return credentials

    def check(self) -> None:
        try:
            base64.b64decode(self.telesign_api_key, validate=True)
        except ValueError:
            raise UsageError(
                f"{ENV_TELESIGN_API_KEY} is not valid base64.",
                hint="Copy the API key exactly as the TeleSign portal shows it.",
            ) from None

    def environment(self) -> dict[str, str]:
        """These credentials as the variables that give them (for a subprocess that must use the same)."""
        return {
            ENV_TELESIGN_CUSTOMER_ID: self.telesign_customer_id,
            ENV_TELESIGN_API_KEY: self.telesign_api_key,
            ENV_VTS_AUTH_ID: self.vts_auth_id,
            ENV_VTS_AUTH_TOKEN: self.vts_auth_token,
        }

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a log or a report, in every form a request carries them.

        The customer id counts: it is half of TeleSign's Basic credential and no URL carries it.
        The VTS auth id does not: every VTS path names it, as an account's address, not its key.
        """
        values = [
            self.telesign_customer_id,
            self.telesign_api_key,
            self.vts_auth_token,
            _basic_token(self.telesign_customer_id, self.telesign_api_key),
            _basic_token(self.vts_auth_id, self.vts_auth_token),
        ]
        # The key as the HMAC uses it: a bytes repr in a traceback shows it decoded.
        try:
            decoded = base64.b64decode(self.telesign_api_key, validate=True).decode("ascii")
        except ValueError:
            decoded = ""
        if decoded.isprintable() and len(decoded) >= SHOWN_TAIL:
            values.append(decoded)
        return tuple(dict.fromkeys(value for value in values if value))


def _basic_token(user: str, password: str) -> str:
    """What follows `Basic ` in an Authorization header."""
    return basic_authorization(user, password).removeprefix("Basic ")
