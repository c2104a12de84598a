"""Masking session creation under concurrency: riders and drivers get masked numbers.

Measures session creation latency and failure ratio for TeleSign (sms, sms_voice) and VTS
(create -> get -> delete). Each create's body comes from the run's spec (an edited spec's required
field included) with the rider's and driver's numbers set. Every response is checked against the
spec: a 200 with a wrong body is a failure. Run headless with thresholds, e.g.

    locust -f src/telecontract/load/scenarios/masking_sessions.py --headless -u 50 -r 25 -t 30s \\
        --host http://127.0.0.1:8080 --thresholds "p95<200;fail_ratio<0.01"
"""

from __future__ import annotations

from locust import constant, run_single_user, task

from telecontract.load.users import ContractUser, body_from_spec, two_parties

# Each create's body, from the run's spec: how long the session lasts is ours, the parties each request's.
SMS_VOICE_SESSION = body_from_spec("createSmsVoiceMaskedSession", {"validity_period": 600})
SMS_SESSION = body_from_spec("createSmsMaskedSession", {"validity_period": 600})
VTS_SESSION = body_from_spec("createVtsMaskingSession", {"session_expiry": 600})


class RiderUser(ContractUser):
    wait_time = constant(0)

    def riders_and_drivers(self) -> dict[str, str]:
        rider, driver = two_parties(("1201", 20_000), ("1202", 5_000))
        return {"phone_number_1": rider, "phone_number_2": driver}

    @task(3)
    def create_sms_voice_session(self) -> None:
        self.call(
            "create_sms_voice_session",
            "createSmsVoiceMaskedSession",
            path="/v1/anonymous/session/sms_voice",
            json=SMS_VOICE_SESSION | self.riders_and_drivers(),
        )

    @task(1)
    def create_sms_session(self) -> None:
        self.call(
            "create_sms_session",
            "createSmsMaskedSession",
            path="/v1/anonymous/session/sms",
            json=SMS_SESSION | self.riders_and_drivers(),
        )

    @task(2)
    def open_read_and_close_vts_session(self) -> None:
        sessions = f"/v1/Account/{self.credentials.vts_auth_id}/Masking/Session/"
        rider, driver = two_parties(("1201", 20_000), ("1202", 5_000))
        created = self.call(
            "vts_create_session",
            "createVtsMaskingSession",
            path=sessions,
            json=VTS_SESSION | {"first_party": "+" + rider, "second_party": "+" + driver},
        )
        session = f"{sessions}{created['session_uuid']}/"
        self.call("vts_get_session", "getVtsMaskingSession", path=session)
        self.call("vts_delete_session", "deleteVtsMaskingSession", path=session, expect=(204,))


if __name__ == "__main__":
    run_single_user(RiderUser)
