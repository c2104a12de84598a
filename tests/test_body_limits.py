"""Our servers under abusive clients: a body far over the cap gets 413, a trickling one 408.

The mock, the callback receiver (sink) and the recording proxy share `telecontract.limits`;
each answers in its own shape (the mock and the proxy in the provider's, as the spec declares).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from telecontract.conformance import response_problems
from telecontract.credentials import Credentials
from telecontract.drift.proxy import create_proxy
from telecontract.mock import MockConfig, create_app
from telecontract.server import free_port, serve_in_thread
from telecontract.sink import SinkConfig, create_sink
from telecontract.spec import load_spec

FIFTY_MB = 50 * 1024 * 1024
VTS_CREATE = "/v1/Account/ACCOUNTID/Masking/Session"


def raw_exchange(url: str, request_head: bytes, body_chunks: Iterator[bytes]) -> tuple[int, bytes]:
    """Send a request by hand (a real client would not) and read whatever the server answers."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(request_head)
        try:
            for chunk in body_chunks:
                connection.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused and closed: what we want; its answer is already on the way
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < _expected_length(answer):
            data = connection.recv(65536)
            if not data:
                break
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _expected_length(answer: bytes) -> int:
    head, _, _ = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(head) + 4 + int(line.split(b":", 1)[1])
    return len(answer) + 1


def head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def zeros(total: int, size: int = 1024 * 1024) -> Iterator[bytes]:
    for start in range(0, total, size):
        yield b"0" * min(size, total - start)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    config = MockConfig(credentials=Credentials.from_env(), body_deadline=0.5)
    with serve_in_thread(create_app(config)) as url:
        yield url


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/v1/voice", "sendVoiceMessage"),
        ("/v2/voice", "controlVoiceCall"),
        (VTS_CREATE, "createVtsMaskingSession"),
    ],
)
def test_fifty_megabytes_get_413_in_the_provider_shape(mock_url: str, path: str, operation: str) -> None:
    started = time.monotonic()
    status, body = raw_exchange(
        mock_url, head(path, {"Content-Type": "application/json", "Content-Length": str(FIFTY_MB)}), zeros(FIFTY_MB)
    )
    assert status == 413
    spec = load_spec()
    assert not list(response_problems(spec, spec.operation(operation), 413, "application/json", body))
    assert time.monotonic() - started < 5  # refused up front, not after reading 50 MB


def test_a_chunked_body_is_cut_off_once_past_the_cap(mock_url: str) -> None:
    def chunked() -> Iterator[bytes]:
        for chunk in zeros(3 * 1024 * 1024, 256 * 1024):
            yield f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        yield b"0\r\n\r\n"

    status, body = raw_exchange(
        mock_url, head("/v1/voice", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}), chunked()
    )
    assert status == 413
    assert json.loads(body)["errors"][0]["description"].startswith("the request body is larger than")


def test_a_trickling_client_gets_408_and_others_are_served_meanwhile(mock_url: str) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(40):
            time.sleep(0.1)
            yield b"{"

    outcome: dict[str, object] = {}

    def slow_client() -> None:
        headers = {"Content-Type": "application/json", "Content-Length": "1000"}
        outcome["status"], outcome["body"] = raw_exchange(mock_url, head("/v1/voice", headers), trickle())

    slow = threading.Thread(target=slow_client)
    started = time.monotonic()
    slow.start()
    time.sleep(0.2)
    quick = httpx.get(f"{mock_url}/v1/voice/{'0' * 32}", timeout=5)
    assert quick.status_code == 401  # served (unsigned) while the trickle goes on
    assert time.monotonic() - started < 1.5  # not held up by the trickle (4 s of it)
    slow.join(10)
    assert outcome["status"] == 408
    assert time.monotonic() - started < 3  # cut off at the deadline, not after 4 s of trickle


def test_the_receiver_refuses_a_huge_callback(tmp_path: Path) -> None:
    config = SinkConfig(credentials=Credentials.from_env(), database=tmp_path / "d.sqlite3")
    with serve_in_thread(create_sink(config)) as url:
        status, body = raw_exchange(
            url,
            head("/voiceTransactionCallback", {"Content-Type": "application/json", "Content-Length": str(FIFTY_MB)}),
            zeros(FIFTY_MB),
        )
    assert status == 413
    assert "larger than" in json.loads(body)["error"]


def test_the_recording_proxy_refuses_before_forwarding(tmp_path: Path) -> None:
    upstream = f"http://127.0.0.1:{free_port()}"  # nothing listens: a forwarded request would be a 502
    proxy = create_proxy(upstream, load_spec(), tmp_path / "out.ndjson", max_body_bytes=1024)
    with serve_in_thread(proxy) as url:
        response = httpx.post(f"{url}{VTS_CREATE}", content=b"x" * 5000, timeout=5)
    assert response.status_code == 413
    assert set(response.json()) == {"api_id", "error"}
    assert not (tmp_path / "out.ndjson").exists()
