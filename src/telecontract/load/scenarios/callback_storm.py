"""A callback storm: Locust users act as the provider and post signed callbacks to your receiver.

Each user picks a kind of callback by weight (`--kind-weight`), signs it as the provider does and
posts it to your `--receiver-url`. What a busy night brings comes too: a delivery that is not
acknowledged (non-2xx, or no answer within the provider's timeout) is retried after 10 s and then
30 s (times `--time-scale`); a share of callbacks arrives twice (`--duplicates`); a share of Voice
v2 calls reports call_completed before play_completed (`--out-of-order`). Answers to Voice v2
events must be valid actions. Latency is reported per kind (the request name).

    telecontract load --scenario callback_storm --receiver-url http://127.0.0.1:8000/callbacks \\
        --users 50 --run-time 1m --thresholds "p99<250;fail_ratio<0.01;invalid_answers==0"
"""

from __future__ import annotations

import random
from typing import Any

import gevent
from locust import FastHttpUser, constant, task

from telecontract import webhooks
from telecontract.credentials import Credentials
from telecontract.load import plugin  # noqa: F401 - registers --thresholds
from telecontract.load.storm import RETRY_DELAYS, Storm
from telecontract.receiver.answers import action_problem
from telecontract.spec import load_spec

storm = Storm.from_env() or Storm(urls={})
spec = load_spec()
credentials = Credentials.from_env()
EXAMPLES = {kind: webhooks.examples(spec, kind) for kind in webhooks.kinds(spec)}
INVALID_ANSWER = "invalid answer"
TIMEOUT = "timeout"


class Provider(FastHttpUser):
    """The provider: delivers callbacks, retries what is not acknowledged, checks v2 answers."""

    wait_time = constant(0)
    network_timeout = storm.timeout
    connection_timeout = storm.timeout
    host = next(iter(storm.urls.values()), "http://127.0.0.1")

    @task
    def deliver_a_callback(self) -> None:
        kinds = [kind for kind in storm.urls if storm.weight(kind) > 0]
        if not kinds:
            return
        kind = random.choices(kinds, weights=[storm.weight(k) for k in kinds])[0]
        if kind == webhooks.VOICE_EVENT:
            self.report_a_call()
        else:
            self.deliver(kind, self.payload(kind))

    def report_a_call(self) -> None:
        """One Voice v2 call's events, in order, or with call_completed overtaking play_completed."""
        reference_id = webhooks.new_reference_id()
        events = [dict(e, reference_id=reference_id) for e in EXAMPLES[webhooks.VOICE_EVENT]]
        by_name = {e["event"]: e for e in events}
        order = ["dial_completed", "play_completed", "call_completed"]
        if random.random() < storm.out_of_order:
            order = ["dial_completed", "call_completed", "play_completed"]
        for name in order:
            if name in by_name:
                self.deliver(webhooks.VOICE_EVENT, by_name[name])

    def payload(self, kind: str) -> Any:
        examples = EXAMPLES[kind]
        return webhooks.fresh(random.choice(examples)) if examples else {}

    def deliver(self, kind: str, payload: Any) -> None:
        body = webhooks.encode(payload)
        headers = webhooks.signed_headers(kind, url=storm.urls[kind], body=body, credentials=credentials)
        acknowledged = self.post(kind, kind, payload, body, headers)
        for delay in RETRY_DELAYS:
            if acknowledged:
                break
            gevent.sleep(delay * storm.time_scale)
            acknowledged = self.post(kind, f"{kind} (retry)", payload, body, headers)
        if acknowledged and random.random() < storm.duplicates:
            self.post(kind, f"{kind} (duplicate)", payload, body, headers)

    def post(self, kind: str, name: str, payload: Any, body: bytes, headers: dict[str, str]) -> bool:
        """One attempt, reported under `name` (the kind, or the kind's retries and duplicates apart)."""
        with self.client.post(storm.urls[kind], data=body, headers=headers, name=name, catch_response=True) as response:
            status = response.status_code or 0
            if status == 0:
                error = str(response.error or "no answer")
                timed_out = "timeout" in error.lower() or "timed out" in error.lower()
                response.failure(f"{TIMEOUT}: no answer within {storm.timeout:g} s" if timed_out else error)
                return False
            if not 200 <= status < 300:
                response.failure(f"not acknowledged: {status}")
                return False
            if webhooks.expects_action(kind, payload):
                content_type = response.headers.get("content-type", "") if response.headers else ""
                if problem := action_problem(spec, content_type, response.content or b""):
                    response.failure(f"{INVALID_ANSWER}: {payload['event']}: {problem}")
                    return True  # acknowledged all the same: the provider does not redeliver
            response.success()
            return True
