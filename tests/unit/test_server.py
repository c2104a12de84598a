"""`serve_in_thread` binds its socket once and hands it to uvicorn; the load run's mock says its port."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from telecontract.load import processes
from telecontract.load.processes import start_mock
from telecontract.server import serve_in_thread


async def hello(request: object) -> PlainTextResponse:
    return PlainTextResponse("hello")


APP = Starlette(routes=[Route("/", hello)])


def test_the_url_served_is_the_socket_bound_and_it_is_let_go_after() -> None:
    with serve_in_thread(APP) as url:
        assert httpx.get(url).text == "hello"
        port = int(url.rsplit(":", 1)[1])
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_a_taken_port_is_an_error_at_once_not_a_server_that_did_not_start() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # Bound here, so the address in use is the bind's own error, before any thread starts.
        with pytest.raises(OSError, match="in use"), serve_in_thread(APP, port=port):
            pass


def test_servers_side_by_side_each_get_their_own_port() -> None:
    with serve_in_thread(APP) as first, serve_in_thread(APP) as second:
        assert first != second
        assert httpx.get(first).text == httpx.get(second).text == "hello"


def test_the_load_runs_mock_is_reached_at_the_port_its_banner_names(monkeypatch: pytest.MonkeyPatch) -> None:
    # The banner ends the wait, not the startup timeout (which a first version waited out in full).
    monkeypatch.setattr(processes, "MOCK_STARTUP_SECONDS", 300.0)
    started = time.monotonic()
    process, url = start_mock("http://127.0.0.1:9", (), None)
    assert time.monotonic() - started < 150
    try:
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
        assert httpx.get(url + "/v1/nothing").status_code in (401, 404)
    finally:
        process.terminate()
        process.wait(10)
