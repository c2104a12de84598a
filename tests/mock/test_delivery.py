"""The mock's outbound deliveries under failure, with respx standing in for the customer's server."""

from __future__ import annotations

import asyncio
import itertools
import time

import httpx
import pytest
import respx

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig
from telecontract.mock.callbacks import deliver, telesign_headers
from telecontract.mock.state import MockState
from telecontract.spec import load_spec

URL = "https://customer.example/callbacks"


def state(credentials: Credentials, **overrides) -> MockState:
    return MockState(MockConfig(credentials=credentials, **{"time_scale": 0.001, **overrides}), load_spec())


async def _deliver(mock_state: MockState) -> bool:
    body = b'{"reference_id": "X"}'
    delivered = await deliver(mock_state, URL, body, telesign_headers(mock_state, body))
    await mock_state.http.aclose()  # type: ignore[union-attr]
    return delivered


@pytest.mark.parametrize(
    "failures",
    [
        [httpx.Response(503)],
        [httpx.ConnectError("refused")],
        [httpx.ReadTimeout("slow")],
        [httpx.Response(500), httpx.ConnectError("refused")],
    ],
    ids=["5xx", "refused", "timeout", "5xx then refused"],
)
def test_failed_attempts_are_retried_until_a_2xx(credentials, failures) -> None:
    with respx.mock() as router:
        route = router.post(URL).mock(side_effect=[*failures, httpx.Response(204)])
        delivered = asyncio.run(_deliver(state(credentials)))
    assert delivered
    assert route.call_count == len(failures) + 1
    assert route.calls.last.request.headers["authorization"].startswith("TSA ")


def test_three_failures_drop_the_callback(credentials) -> None:
    mock_state = state(credentials)
    with respx.mock() as router:
        route = router.post(URL).mock(side_effect=[httpx.Response(503)] * 5)
        delivered = asyncio.run(_deliver(mock_state))
    assert not delivered
    assert route.call_count == 3
    assert mock_state.dropped_callbacks == 1


def test_retry_delays_follow_the_documented_schedule(credentials) -> None:
    sent: list[float] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        return httpx.Response(503 if len(sent) < 3 else 200)

    with respx.mock() as router:
        router.post(URL).mock(side_effect=record)
        asyncio.run(_deliver(state(credentials, time_scale=0.01)))
    gaps = [round((b - a) / 0.01) for a, b in itertools.pairwise(sent)]
    assert 9 <= gaps[0] <= 13 and 29 <= gaps[1] <= 35, gaps
