"""A Voice v2 call journey under load: dial, let the call play and collect digits, see it end.

The target posts the call's events to the callback receiver, which answers dial_completed with
`play` + `collect_digits` and play_completed with `hangup`. The user dials, then waits until the
receiver has stored a signed `call_completed`, and checks the order of the signed events. Only the
embedded mock knows where this run's receiver is, so `telecontract load` runs it there only.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import orjson
from locust import constant, run_single_user, task

from telecontract.load.users import ContractUser, body_from_spec

# The dial, from the run's spec: to a number whose callee answers and presses 3 (the mock's carrier).
DIAL = body_from_spec("controlVoiceCall", {"method": "dial", "params": {"to": "15550000203"}})
EXPECTED = ["dial_completed", "play_completed", "call_completed"]
# Locust logs at INFO: httpx would log every poll of the receiver, burying Locust's own lines.
logging.getLogger("httpx").setLevel(logging.WARNING)


class CallerUser(ContractUser):
    wait_time = constant(0.1)

    def on_start(self) -> None:
        # The receiver is not the system under test: ask it with a client Locust does not measure.
        # Its reads need the account's credentials, as the target's requests do.
        account = (self.credentials.telesign_customer_id, self.credentials.telesign_api_key)
        self.receiver = httpx.Client(base_url=self.sink_url, timeout=10, auth=account)

    @task
    def call_and_collect_digits(self) -> None:
        accepted = self.call(
            "dial",
            "controlVoiceCall",
            path="/v2/voice",
            expect=(202,),
            json=DIAL,
        )
        reference_id = accepted["reference_id"]
        started = time.monotonic()
        events: list[str] = []
        while time.monotonic() - started < 10 and "call_completed" not in events:
            time.sleep(0.05)
            response = self.receiver.get(f"/_sink/deliveries/{reference_id}")
            # Only signed events the receiver acknowledged: a customer's receiver drops an unsigned one.
            events = [d["payload"]["event"] for d in orjson.loads(response.content) if _arrived(d)]
        self.environment.events.request.fire(
            request_type="FLOW",
            name="call_events_in_order",
            response_time=(time.monotonic() - started) * 1000,
            response_length=len(events),
            exception=None if events == EXPECTED else AssertionError(f"events came as {events}"),
        )


def _arrived(delivery: dict[str, Any]) -> bool:
    return bool(delivery["signature_ok"]) and int(delivery["answered"]) < 300


if __name__ == "__main__":
    run_single_user(CallerUser)
