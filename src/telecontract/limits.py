"""Request body limits for our servers (mock, receiver, recording proxy): too large, or too slow.

A body over the cap is refused with 413 before it is read (by Content-Length) or as soon as it
passes the cap (chunked); a body that has not fully arrived within the deadline (a client
trickling bytes to hold a connection) gets 408. Each server answers in its own error shape.
The body is read here, whole, before the app runs: the app never sees a partial or oversized one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_KEY = "telecontract.body"  # where the scope carries the body once read whole
MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: far above any provider request, far below what hurts a server
BODY_DEADLINE_SECONDS = 10.0

# (scope, HTTP status, message) -> the error response in the server's own shape.
Refusal = Callable[[Scope, int, str], Response]


def plain_refusal(scope: Scope, status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


class _ReadDeadlines:
    """The tasks reading a body, and since when: one sweep a tick cancels those past the deadline.

    A timer armed and cancelled per request cost more than the rest of this wrapper (13 us of
    the 14 a request spent here, measured under uvloop); a dict entry per read and one sweep per
    tick cost next to nothing. A late body is caught within a tick (a quarter of the deadline,
    at most 1 s).
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.tick = min(1.0, deadline / 4)
        self.reading: dict[asyncio.Task[object], float] = {}
        self.expired: set[asyncio.Task[object]] = set()
        self._handle: asyncio.TimerHandle | None = None

    def start(self, task: asyncio.Task[object], loop: asyncio.AbstractEventLoop) -> None:
        self.reading[task] = loop.time()
        if self._handle is None:
            self._handle = loop.call_later(self.tick, self._sweep, loop)

    def stop(self, task: asyncio.Task[object]) -> bool:
        """Forget `task`; True when it was cancelled for being late."""
        self.reading.pop(task, None)
        if task in self.expired:
            self.expired.discard(task)
            return True
        return False

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        self._handle = None
        horizon = loop.time() - self.deadline
        for task, started in list(self.reading.items()):
            if started <= horizon and task not in self.expired:
                self.expired.add(task)
                task.cancel()
        if self.reading:  # nothing being read: stop until the next read starts
            self._handle = loop.call_later(self.tick, self._sweep, loop)


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
        # One per event loop: the mock may serve from several threads' loops in one test process.
        self._deadlines: dict[asyncio.AbstractEventLoop, _ReadDeadlines] = {}

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
        # One deadline for the whole read, so a trickle cannot reset it.
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        deadlines = self._deadlines.get(loop)
        if deadlines is None:
            deadlines = self._deadlines[loop] = _ReadDeadlines(self.deadline)
        if task is not None:
            deadlines.start(task, loop)
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
            if task is None or not deadlines.stop(task):
                raise
            task.uncancel()
            late = f"the request body did not arrive within {self.deadline:g} s"
            await self._refuse(scope, receive, send, 408, late)
            return
        finally:
            if task is not None:
                deadlines.stop(task)
        if size > self.max_bytes:
            await self._refuse(scope, receive, send, 413, self._too_large())
            return
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        scope[BODY_KEY] = body  # the whole body, for handlers that read it without another pass
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_bytes:,} bytes"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        response = self.refuse(scope, status, message)
        response.headers["connection"] = "close"  # do not read the rest of a body we refused
        await response(scope, receive, send)


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
