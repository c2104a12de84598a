"""Our servers under clients that abuse the connection itself: huge headers get 431, slow ones 408.

The mock and the callback receiver (sink) are served with `telecontract.connection_limits`, in
the test fixtures (`serve_in_thread`) as in `telecontract mock` and `telecontract sink`.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from telecontract.client_auth import HttpxAuth
from telecontract.connection_limits import ConnectionLimits
from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink

LIMITS = ConnectionLimits(max_header_bytes=16 * 1024, header_deadline=0.5, request_deadline=1.5)
CREDENTIALS = Credentials.from_env()


@pytest.fixture(scope="module", params=["mock", "sink"])
def server_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "mock":
        app = create_app(MockConfig(credentials=CREDENTIALS, body_deadline=30))
    else:
        database = tmp_path_factory.mktemp("sink") / "deliveries.sqlite3"
        app = create_sink(SinkConfig(credentials=CREDENTIALS, database=Path(database)))
    with serve_in_thread(app, limits=LIMITS) as url:
        yield url


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def read_answer(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    answer = b""
    while data := connection.recv(65536):
        answer += data
    return answer


def send_slowly(connection: socket.socket, data: bytes) -> None:
    # The server may refuse and close first: its answer is already waiting.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        connection.sendall(data)


def test_headers_over_the_limit_get_431(server_url: str) -> None:
    with connect(server_url) as connection:
        send_slowly(connection, b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * (50 * 1024 * 1024))
        answer = read_answer(connection)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert b"connection: close" in answer.lower()


def test_many_small_headers_over_the_limit_get_431_too(server_url: str) -> None:
    headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(200))
    with connect(server_url) as connection:
        send_slowly(connection, b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n")
        assert read_answer(connection).startswith(b"HTTP/1.1 431 ")


def test_headers_that_never_end_are_closed_within_the_deadline(server_url: str) -> None:
    with connect(server_url) as connection:
        connection.sendall(b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        for _ in range(20):  # a trickle: one byte at a time keeps the head open, never the deadline
            try:
                connection.sendall(b"a")
            except OSError:
                break
            time.sleep(0.05)
        answer = read_answer(connection)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert waited < LIMITS.header_deadline + 1.0


def test_an_idle_connection_is_closed_within_the_deadline(server_url: str) -> None:
    with connect(server_url) as connection:
        started = time.monotonic()
        assert read_answer(connection) == b""
        assert time.monotonic() - started < LIMITS.header_deadline + 1.0


def test_a_request_whose_body_never_ends_is_closed_within_the_request_deadline(server_url: str) -> None:
    with connect(server_url) as connection:
        connection.sendall(
            b"POST /voiceEvent HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"
        )
        started = time.monotonic()
        answer = read_answer(connection)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert time.monotonic() - started < LIMITS.request_deadline + 1.0


def test_ordinary_requests_on_a_kept_alive_connection_still_work(server_url: str) -> None:
    with httpx.Client(base_url=server_url, auth=HttpxAuth(CREDENTIALS), timeout=10) as client:
        for _ in range(3):
            response = client.get("/v1/voice/" + "AB" * 16, headers={"X-Fine": "f" * 8000})
            assert response.status_code in (404, 405), response.text
            time.sleep(LIMITS.header_deadline / 2)  # idle between requests is keep-alive's, not the head's
