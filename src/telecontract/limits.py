"""Request body limits for our servers (mock, receiver, recording proxy): too large, or too slow.

A body over the cap is refused with 413 before it is read (by Content-Length) or as soon as it
passes the cap (chunked); a body that has not fully arrived within the deadline (a client
trickling bytes to hold a connection) gets 408. Each server answers in its own error shape.
The body is read here, whole, before the app runs: the app never sees a partial or oversized one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: far above any provider request, far below what hurts a server
BODY_DEADLINE_SECONDS = 10.0

# (scope, HTTP status, message) -> the error response in the server's own shape.
Refusal = Callable[[Scope, int, str], Response]


def plain_refusal(scope: Scope, status: int, message: str) -> Response:
    from starlette.responses import JSONResponse

    return JSONResponse({"error": message}, status_code=status)


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = MAX_BODY_BYTES,
        deadline: float = BODY_DEADLINE_SECONDS,
        refuse: Refusal = plain_refusal,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.refuse = refuse
        self._deadlines = _Deadlines(period=min(1.0, deadline / 4))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send, 413, self._too_large())
            return
        chunks: list[bytes] = []
        size = 0
        # One deadline for the whole read, so a trickle cannot reset it. Watched by a sweeper
        # rather than a timer per request: this runs on every request of the mock's hot path.
        reading = self._deadlines.watch(self.deadline)
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the client left; nothing to answer
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_bytes:
                    break
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
        except asyncio.CancelledError:
            if not self._deadlines.expired(reading):
                raise
            message = f"the request body did not arrive within {self.deadline:g} s"
            await self._refuse(scope, receive, send, 408, message)
            return
        finally:
            self._deadlines.forget(reading)
        if size > self.max_bytes:
            await self._refuse(scope, receive, send, 413, self._too_large())
            return
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_bytes:,} bytes"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        response = self.refuse(scope, status, message)
        response.headers["connection"] = "close"  # do not read the rest of a body we refused
        await response(scope, receive, send)


class _Deadlines:
    """Tasks reading a body, each with its deadline; a sweeper cancels the overdue ones.

    Registering is a dict insert (about 0.5 us) where a timer handle per request costs about
    3.6 us; the price is that a deadline is kept within `period`, not to the millisecond.
    """

    def __init__(self, period: float) -> None:
        self.period = period
        self._reading: dict[int, tuple[float, asyncio.Task[Any]]] = {}
        self._overdue: set[int] = set()
        self._next = 0
        self._sweeper: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def watch(self, seconds: float) -> int:
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._sweeper is None or self._sweeper.done():
            self._loop = loop  # an app may be served by one loop after another (tests restart servers)
            self._sweeper = loop.create_task(self._sweep())
        self._next += 1
        task = asyncio.current_task()
        if task is not None:
            self._reading[self._next] = (loop.time() + seconds, task)
        return self._next

    def expired(self, key: int) -> bool:
        """Whether the sweeper cancelled this read; if so the cancellation is taken back."""
        if key not in self._overdue:
            return False
        self._overdue.discard(key)
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        return True

    def forget(self, key: int) -> None:
        self._reading.pop(key, None)
        self._overdue.discard(key)

    async def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.period)
            now = loop.time()
            for key, (deadline, task) in list(self._reading.items()):
                if deadline <= now and key not in self._overdue:
                    self._overdue.add(key)
                    task.cancel()


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the whole body once, then waits on the real one (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
