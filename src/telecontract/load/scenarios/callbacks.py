"""Callback handling under load: every placed call's transaction callback must be stored, once.

Users place Voice v1 calls whose callback_url is the receiver; each placed call goes into the run's
ledger. After the run, `telecontract load` compares the ledger with what the receiver stored on
disk: lost callbacks (placed, acknowledged by the target, never stored) and duplicates.
"""

from __future__ import annotations

from locust import constant, run_single_user, task

from telecontract.load.ledger import Ledger
from telecontract.load.users import ContractUser, party

ledger = Ledger.from_env()


class CallbackUser(ContractUser):
    wait_time = constant(0)

    @task
    def place_call_with_callback(self) -> None:
        placed = self.call(
            "place_call",
            "sendVoiceMessage",
            path="/v1/voice",
            expect=(201,),
            form={
                "phone_number": party("1203", 50_000),
                "message": "Your code is 1234",
                "message_type": "OTP",
                "callback_url": f"{self.sink_url}/voiceTransactionCallback",
            },
        )
        ledger.placed(placed["reference_id"])


if __name__ == "__main__":
    run_single_user(CallbackUser)
