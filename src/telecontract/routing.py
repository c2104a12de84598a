"""The mock in-process for httpx-based apps: requests to the providers' real hosts, answered by it.

respx intercepts httpx (sync and async clients alike) and hands each request to the mock's ASGI
app through httpx's own ASGI transport, on an event loop of the router's own (where the mock's
background work, call progress and callbacks, also runs). No port is opened, and the app keeps
its production base URLs.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import respx

from telecontract.testing import MockProvider

PROVIDER_HOSTS = ("rest-ww.telesign.com", "rest-api.telesign.com", "rest.telesign.com", "api.vtscom.net")
ANSWER_TIMEOUT = 30.0


@contextmanager
def route_to_mock(mock: MockProvider, hosts: tuple[str, ...] = PROVIDER_HOSTS) -> Iterator[respx.MockRouter]:
    """Within the block, httpx requests to `hosts` reach `mock` (not started on a port) in-process.

    `mock.url` is TeleSign's real base URL meanwhile, and `mock.router` the respx router; requests
    to any other host go out as usual.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="telecontract-router", daemon=True)
    thread.start()
    transport = httpx.ASGITransport(app=mock.app)

    async def forward(request: httpx.Request) -> httpx.Response:
        answered = await transport.handle_async_request(request)
        content = await answered.aread()
        return httpx.Response(answered.status_code, headers=answered.headers, content=content)

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        return asyncio.run_coroutine_threadsafe(forward(request), loop).result(timeout=ANSWER_TIMEOUT)

    try:
        with respx.mock(assert_all_called=False) as router:
            for host in hosts:
                router.route(host=host).mock(side_effect=answer)
            router.route().pass_through()
            mock.url, mock.router = f"https://{hosts[0]}", router
            try:
                yield router
            finally:
                mock.url, mock.router = "", None
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()
