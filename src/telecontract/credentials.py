"""Provider credentials, read from the environment, with defaults for the embedded mock.

The same variables configure the mock (which accounts exist) and every client (the contract
suite, the load scenarios, the CLI), so pointing the suite at a real provider is only a matter of
exporting the real values.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Credentials:
    telesign_customer_id: str
    telesign_api_key: str
    vts_auth_id: str
    vts_auth_token: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if environ is None else environ
        credentials = cls(
            telesign_customer_id=env.get(ENV_TELESIGN_CUSTOMER_ID, DEFAULT_TELESIGN_CUSTOMER_ID),
            telesign_api_key=env.get(ENV_TELESIGN_API_KEY, DEFAULT_TELESIGN_API_KEY),
            vts_auth_id=env.get(ENV_VTS_AUTH_ID, DEFAULT_VTS_AUTH_ID),
            vts_auth_token=env.get(ENV_VTS_AUTH_TOKEN, DEFAULT_VTS_AUTH_TOKEN),
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

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a log or a report."""
        return (self.telesign_api_key, self.vts_auth_token)
