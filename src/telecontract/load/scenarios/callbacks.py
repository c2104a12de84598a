"""Callback handling under load: every placed call's transaction callback must be stored, once.

Users place Voice v1 calls whose callback_url is the receiver (the body from the run's spec, an
edited spec's required field included); each placed call goes into the run's
ledger. After the run, `telecontract load` compares the ledger with what the receiver stored on
disk: lost callbacks (placed, acknowledged by the target, never stored) and duplicates.
"""

from __future__ import annotations

from locust import constant, run_single_user, task

from telecontract.load.ledger import Ledger
from telecontract.load.users import SINK_URL, ContractUser, body_from_spec, party

ledger = Ledger.from_env()
# The call, from the run's spec: a one-time code, its transaction callback to the receiver.
CALL = body_from_spec(
    "sendVoiceMessage",
    {"message": "Your code is 1234", "message_type": "OTP", "callback_url": f"{SINK_URL}/voiceTransactionCallback"},
)


class CallbackUser(ContractUser):
    wait_time = constant(0)

    @task
    def place_call_with_callback(self) -> None:
        placed = self.call(
            "place_call",
            "sendVoiceMessage",
            path="/v1/voice",
            expect=(201,),
            form=CALL | {"phone_number": party("1203", 50_000)},
        )
        ledger.placed(placed["reference_id"])


if __name__ == "__main__":
    run_single_user(CallbackUser)
