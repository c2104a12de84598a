"""The mock's outbound deliveries under failure, against a scripted customer server on 127.0.0.1.

The server answers each attempt as its script says: a status code, `drop` (close the connection
without answering) or `hang` (answer after the mock's delivery timeout).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

import pytest

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, callbacks
from telecontract.mock.callbacks import deliver, headers_for
from telecontract.mock.state import MockState
from telecontract.spec import load_spec

Step = int | str


@dataclass
class Customer:
    """A customer's callback endpoint that follows a script, one step per attempt."""

    script: list[Step]
    attempts: list[tuple[float, dict[str, str]]] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
            if not head:
                break
            lines = head.decode("latin-1").split("\r\n")[1:]
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)}
            await reader.readexactly(int(headers.get("content-length", "0")))
            self.attempts.append((time.monotonic(), headers))
            step = self.script[len(self.attempts) - 1] if len(self.attempts) <= len(self.script) else 200
            if step == "drop":
                break
            if step == "hang":
                await asyncio.sleep(callbacks.DELIVERY_TIMEOUT * 3)
            writer.write(f"HTTP/1.1 {step} X\r\ncontent-length: 0\r\n\r\n".encode())
            await writer.drain()
        writer.close()


async def _deliver_to(customer: Customer, mock_state: MockState) -> bool:
    server = await asyncio.start_server(customer.handle, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/callbacks"
    body = b'{"reference_id": "X"}'
    try:
        return await deliver(mock_state, url, body, headers_for(mock_state, "voiceTransactionCallback", url, body))
    finally:
        await callbacks.close(mock_state)
        server.close()


def state(credentials: Credentials, **overrides) -> MockState:
    return MockState(MockConfig(credentials=credentials, **{"time_scale": 0.001, **overrides}), load_spec())


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(callbacks, "DELIVERY_TIMEOUT", 0.3)


@pytest.mark.parametrize(
    "failures",
    [[503], ["drop"], ["hang"], [500, "drop"]],
    ids=["5xx", "dropped connection", "timeout", "5xx then dropped"],
)
def test_failed_attempts_are_retried_until_a_2xx(credentials, failures) -> None:
    customer = Customer([*failures, 204])
    assert asyncio.run(_deliver_to(customer, state(credentials)))
    assert len(customer.attempts) == len(failures) + 1
    assert customer.attempts[-1][1]["authorization"].startswith("TSA ")


def test_three_failures_drop_the_callback(credentials) -> None:
    mock_state = state(credentials)
    customer = Customer([503] * 5)
    assert not asyncio.run(_deliver_to(customer, mock_state))
    assert len(customer.attempts) == 3
    assert mock_state.dropped_callbacks == 1


def test_retry_delays_follow_the_documented_schedule(credentials) -> None:
    customer = Customer([503, 503, 200])
    asyncio.run(_deliver_to(customer, state(credentials, time_scale=0.01)))
    gaps = [round((b - a) / 0.01) for (a, _), (b, _) in itertools.pairwise(customer.attempts)]
    assert 9 <= gaps[0] <= 13 and 29 <= gaps[1] <= 35, gaps
