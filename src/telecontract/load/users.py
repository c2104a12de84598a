"""The base of every load user: signed requests, every response checked against the spec."""

from __future__ import annotations

import os
import random
from typing import Any
from urllib.parse import urlencode

import orjson
from locust import FastHttpUser
from locust.exception import RescheduleTask

from telecontract.client_auth import auth_headers
from telecontract.credentials import Credentials
from telecontract.load import plugin  # noqa: F401 - registers --thresholds for every scenario
from telecontract.load.settings import ENV_NUMBERS, ENV_SINK_URL
from telecontract.load.validation import violation
from telecontract.spec import load_spec

FORM = "application/x-www-form-urlencoded"


class ContractUser(FastHttpUser):
    """A user whose every request is signed like a real client and judged by the spec."""

    abstract = True
    credentials = Credentials.from_env()
    spec = load_spec()
    sink_url = os.environ.get(ENV_SINK_URL, "http://127.0.0.1:8090")

    def call(
        self,
        name: str,
        operation_id: str,
        *,
        path: str,
        json: Any = None,
        form: dict[str, str] | None = None,
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


# Against a live target, the numbers the run may use (`--numbers`): every party comes from them.
LISTED = tuple(n for n in os.environ.get(ENV_NUMBERS, "").split(",") if n)


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
