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

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: far above any provider request, far below what hurts a server
BODY_DEADLINE_SECONDS = 10.0

# (scope, HTTP status, message) -> the error response in the server's own shape.
Refusal = Callable[[Scope, int, str], Response]


def plain_refusal(scope: Scope, status: int, message: str) -> Response:
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
        # One timer for the whole read, so a trickle cannot reset it.
        task = asyncio.current_task()
        expired = False

        def expire() -> None:
            nonlocal expired
            expired = True
            if task is not None:
                task.cancel()

        timer = asyncio.get_running_loop().call_later(self.deadline, expire)
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
            if not expired or task is None:
                raise
            task.uncancel()
            late = f"the request body did not arrive within {self.deadline:g} s"
            await self._refuse(scope, receive, send, 408, late)
            return
        finally:
            timer.cancel()
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
