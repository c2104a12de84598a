"""A tiny ride app: a rider and a driver talk through masked numbers, and call results come back.

It stands for a team's own code under test; it does not import telecontract. It talks to TeleSign
with Basic auth ("easiest to implement", the Number Masking page says) and verifies the callbacks
TeleSign posts to it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

import httpx


class MaskingUnavailable(Exception):
    """No masked session could be opened; the app falls back to in-app chat."""


class PrivacyBreach(Exception):
    """The provider answered with a masked id that is a real number: never show it to anyone."""


@dataclass(frozen=True)
class Connection:
    rider_dials: str  # the number the rider calls to reach the driver
    driver_dials: str
    reference_id: str


@dataclass
class RideApp:
    base_url: str
    customer_id: str
    api_key: str
    results: dict[str, int] = field(default_factory=dict)  # reference_id -> status code of the call

    def connect(self, rider: str, driver: str, hours: int = 2) -> Connection:
        response = httpx.post(
            f"{self.base_url}/v1/anonymous/session/sms_voice",
            json={"phone_number_1": rider, "phone_number_2": driver, "validity_period": hours},
            auth=(self.customer_id, self.api_key),
            timeout=10,
        )
        if response.status_code != 200:
            raise MaskingUnavailable(f"TeleSign answered {response.status_code}")
        data = response.json()["session_data"]
        rider_masked = data["phone_number_1"]["masked_id"]
        driver_masked = data["phone_number_2"]["masked_id"]
        if {rider_masked, driver_masked} & {rider, driver}:
            raise PrivacyBreach("a masked id is a party's real number")
        # Each party dials the other's masked id.
        return Connection(
            rider_dials=driver_masked, driver_dials=rider_masked, reference_id=response.json()["reference_id"]
        )

    def handle_callback(self, body: bytes, authorization: str) -> int:
        """The HTTP status to answer a TeleSign transaction callback with."""
        expected = base64.b64encode(hmac.new(base64.b64decode(self.api_key), body, hashlib.sha256).digest()).decode()
        _, _, signature = authorization.partition(":")
        if not authorization.startswith("TSA ") or not hmac.compare_digest(signature, expected):
            return 401  # forged or unsigned: never act on it
        payload: dict[str, Any] = json.loads(body)
        self.results[payload["reference_id"]] = payload["status"]["code"]
        return 200
