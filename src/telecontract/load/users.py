"""The base of every load user: signed requests, every response checked against the spec.

Request bodies come from the run's spec too (`body_from_spec`), as the contract suite's do
(`telecontract.contract.bodies`): an edited spec that adds a required field gets it in every
request, not a 400 per request and a failed run on a false alarm.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import orjson
from locust import FastHttpUser
from locust.exception import RescheduleTask

from telecontract.client_auth import auth_headers
from telecontract.contract.bodies import Bodies
from telecontract.contract.generation import LiveLimits
from telecontract.credentials import Credentials
from telecontract.load import plugin  # noqa: F401 - registers --thresholds for every scenario
from telecontract.load.settings import ENV_NUMBERS, ENV_SINK_URL
from telecontract.load.validation import violation
from telecontract.spec import load_spec

FORM = "application/x-www-form-urlencoded"
SINK_URL = os.environ.get(ENV_SINK_URL, "http://127.0.0.1:8090")
# Against a live target, the numbers the run may use (`--numbers`): every party comes from them.
LISTED = tuple(n for n in os.environ.get(ENV_NUMBERS, "").split(",") if n)


class ContractUser(FastHttpUser):
    """A user whose every request is signed like a real client and judged by the spec."""

    abstract = True
    credentials = Credentials.from_env()
    spec = load_spec()
    sink_url = SINK_URL

    def call(
        self,
        name: str,
        operation_id: str,
        *,
        path: str,
        json: Any = None,
        form: Mapping[str, Any] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Any:
        """Send one request of `operation_id`; a response off the spec or off `expect` is a failure."""
        method = self.spec.operation(operation_id).method.upper()
        if json is not None:
            body, content_type = orjson.dumps(json), "application/json"
        elif form is not None:
            body, content_type = urlencode(form).encode(), FORM
        else:
            body, content_type = b"", ""
        headers = auth_headers(self.credentials, method=method, path=path, body=body, content_type=content_type)
        if content_type:
            headers["Content-Type"] = content_type
        with self.client.request(
            method, path, data=body or None, headers=headers, name=name, catch_response=True
        ) as response:
            problem = violation(
                self.spec,
                operation_id,
                response.status_code or 0,
                response.headers.get("content-type", "") if response.headers else "",
                response.content or b"",
            )
            if problem:
                response.failure(problem)
            elif response.status_code not in expect:
                response.failure(f"expected {' or '.join(map(str, expect))}, got {response.status_code}")
            else:
                response.success()
                return orjson.loads(response.content) if response.content else None
        raise RescheduleTask()  # the rest of this journey makes no sense without the step above


# Built once per process, when a scenario loads (before Locust starts its clock): filling in what
# an edited spec requires may take a schemathesis search, which no request should wait for.
_bodies = Bodies(
    ContractUser.spec,
    # A live run (only one has `--numbers`): the listed parties, its receiver for the URLs the
    # provider calls, and no session switched to call anyone.
    live=LiveLimits(LISTED, SINK_URL, allow_calls=False) if LISTED else None,
)


def body_from_spec(operation_id: str, fields: Mapping[str, Any] | None = None) -> Any:
    """The body of `operation_id` from the run's spec, with `fields` set: call it once, at module level.

    As a suite test's (`telecontract.contract.bodies`): the operation's request example, whatever
    else the run's spec requires, and `fields` over it (`{"params": {...}}` keeps the example's
    other params). A request sets its own fields (its parties) over it: `BODY | {"to": ...}`.
    """
    return _bodies(operation_id, fields)


def party(prefix: str, population: int) -> str:
    """A number from a population of users (riders, drivers) that recur, as in real traffic.

    The embedded mock's populations are numbers of exchanges 000-019, which no carrier assigns;
    a live run's parties are the listed numbers only.
    """
    if LISTED:
        return random.choice(LISTED)
    return f"{prefix}{random.randrange(population):07d}"


def two_parties(first: tuple[str, int], second: tuple[str, int]) -> tuple[str, str]:
    """Two different parties (a session between a number and itself is refused, rightly)."""
    if len(LISTED) >= 2:
        one, other = random.sample(LISTED, 2)
        return one, other
    return party(*first), party(*second)
