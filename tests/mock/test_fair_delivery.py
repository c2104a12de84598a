"""A receiver that never answers delays only its own callbacks, not another customer's.

All outbound deliveries once shared one 64-slot semaphore: after 200 calls whose callback_url
never answered, another customer's callback arrived 17 s late instead of 0.1 s.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from telecontract.mock.delivery_slots import DeliverySlots, destination
from telecontract.sink import read_deliveries


@pytest.fixture
def silent_receiver() -> Iterator[str]:
    """Accepts connections and reads requests, but never answers one."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/callbacks"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


def place_call(mock, callback_url: str) -> str:
    response = mock.client.post(
        "/v1/voice",
        data={
            "phone_number": "15555551212",
            "message": "Your code is 1234",
            "message_type": "OTP",
            "callback_url": callback_url,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["reference_id"]


def test_another_customers_callback_arrives_behind_200_silent_ones(mock, sink, silent_receiver) -> None:
    for _ in range(200):
        place_call(mock, silent_receiver)
    deadline = time.monotonic() + 5
    while len(mock.state.tasks) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # the silent deliveries are on the wire, each holding its slot until the timeout
    started = time.monotonic()
    reference_id = place_call(mock, f"{sink.url}/voiceTransactionCallback")
    while not any(d.reference == reference_id for d in read_deliveries(sink.database)):
        assert time.monotonic() - started < 3.0, "the other customer's callback waited behind the silent receiver"
        time.sleep(0.02)


def test_destinations_are_scheme_host_and_port() -> None:
    assert destination("http://127.0.0.1:8000/a?b=1") == destination("http://127.0.0.1:8000/c")
    assert destination("http://127.0.0.1:8000/a") != destination("http://127.0.0.1:8001/a")
    assert destination("http://[::1") == "http://[::1"  # unparseable: a destination of its own


def test_slots_of_a_destination_are_forgotten_when_unused() -> None:
    async def use() -> None:
        slots = DeliverySlots(per_destination=2, in_all=4)
        async with slots.slot("http://a:1/x"), slots.slot("http://b:1/x"):
            assert slots.destinations() == 2
        assert slots.destinations() == 0

    asyncio.run(use())
