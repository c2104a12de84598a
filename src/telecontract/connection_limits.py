"""Limits on the connection itself, below the app: header size (431) and deadlines (408, closed).

`telecontract.limits` bounds a request's body, but only once its headers are in: uvicorn's
httptools protocol reads headers of any size for as long as a client likes (a 50 MB header was
read and answered; eight connections holding 40 MB unterminated headers kept +293 MiB). This
protocol counts the bytes of each request's head before the parser sees them:

- a head (request line and headers) over `max_header_bytes` is answered 431 and the connection
  closed, without feeding the rest to the parser;
- a head not complete within `header_deadline` of its first byte (or of the connection opening)
  is answered 408 and closed; an idle new connection is just closed;
- a request not complete (head and body) within `request_deadline` of its first byte is answered
  408, if nothing was answered yet, and closed. The app's own body deadline (`limits.BodyLimit`)
  is shorter and answers in the server's shape first; this one is the backstop.

Counting is a `find` over each chunk the socket gives (at most 256 KiB) while a head is open, and
the deadlines are kept by one sweep over the connections a few times a second (each deadline to
within a quarter of itself, at most 1 s late): benchmarks/mock_vs_prism.py measures the cost.
Between requests on a kept-alive connection uvicorn's own `timeout_keep_alive` applies.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 16 * 1024  # a provider request's head is under 1 KiB; h11's own default is 16 KiB too
HEADER_DEADLINE_SECONDS = 10.0
REQUEST_DEADLINE_SECONDS = 30.0
END_OF_HEAD = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    max_header_bytes: int = MAX_HEADER_BYTES
    header_deadline: float = HEADER_DEADLINE_SECONDS
    request_deadline: float = REQUEST_DEADLINE_SECONDS


def _raw_answer(status: int, reason: str, message: str) -> bytes:
    body = orjson.dumps({"error": message})
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class _Sweeper:
    """Checks every connection of one event loop against its deadlines, a few times a second.

    One sweep over the open connections per tick rather than two timers per request: timers
    armed and cancelled on every request cost the bare handler 16 % of its pace (measured with
    benchmarks/mock_vs_prism.py). A deadline is kept to within one tick.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, tick: float) -> None:
        self.loop = loop
        self.tick = tick
        self.connections: set[LimitedHttpToolsProtocol] = set()
        self._handle: asyncio.TimerHandle | None = None

    def watch(self, connection: LimitedHttpToolsProtocol) -> None:
        self.connections.add(connection)
        if self._handle is None:
            self._handle = self.loop.call_later(self.tick, self._sweep)

    def forget(self, connection: LimitedHttpToolsProtocol) -> None:
        self.connections.discard(connection)

    def _sweep(self) -> None:
        self._handle = None
        now = self.loop.time()
        for connection in list(self.connections):
            connection.check_deadlines(now)
        if self.connections:  # none left: stop, so an idle server (or one shutting down) has no timer
            self._handle = self.loop.call_later(self.tick, self._sweep)


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits of `limits` (a subclass sets them)."""

    limits = ConnectionLimits()
    # One sweeper per event loop (a server per thread in tests); each protocol_with class has its own.
    _sweepers: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sweeper]] = weakref.WeakKeyDictionary()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._in_head = True
        self._head_bytes = 0
        self._tail = b""  # the last bytes of the previous chunk: an end of head may span two
        # When the open head began (the connection opened, or its first byte came), and when the
        # current request's first byte came: None when there is none.
        self._head_since: float | None = self.loop.time()
        self._request_since: float | None = None
        self._sweeper().watch(self)

    def _sweeper(self) -> _Sweeper:
        sweeper = self._sweepers.get(self.loop)
        if sweeper is None:
            tick = min(1.0, self.limits.header_deadline / 4, self.limits.request_deadline / 4)
            sweeper = self._sweepers[self.loop] = _Sweeper(self.loop, tick)
        return sweeper

    def connection_lost(self, exc: Exception | None) -> None:
        self._sweeper().forget(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head and not self._head_fits(data):
            return
        super().data_received(data)

    def _head_fits(self, data: bytes) -> bool:
        """Count `data` against the open head; answer 431 (and say False) when it is too large."""
        if self._request_since is None:  # the first bytes of a request
            self._request_since = self.loop.time()
            if self._head_since is None:
                self._head_since = self._request_since
        searched = self._tail + data if self._tail else data
        end = searched.find(END_OF_HEAD)
        size = self._head_bytes - len(self._tail) + (len(searched) if end < 0 else end + len(END_OF_HEAD))
        if size > self.limits.max_header_bytes:
            message = f"the request's headers are larger than {self.limits.max_header_bytes:,} bytes"
            self._refuse(_raw_answer(431, "Request Header Fields Too Large", message))
            return False
        if end < 0:
            self._head_bytes = size
            self._tail = searched[-(len(END_OF_HEAD) - 1) :]
        else:  # the head is in (the common case: all of it in one chunk)
            self._in_head = False
            self._head_since = None
            if size != end + len(END_OF_HEAD):
                self._head_bytes, self._tail = 0, b""
        return True

    def _end_of_head(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._tail = b""
        self._head_since = None

    def on_headers_complete(self) -> None:
        if self._in_head:  # a pipelined request's head may end inside a chunk already counted
            self._end_of_head()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._request_since = None
        self._in_head = True  # what follows is the next request's head

    def check_deadlines(self, now: float) -> None:
        """Called by the sweeper: answer and close a head or a request that is late."""
        if self.transport.is_closing():
            return
        if self._in_head and self._head_since is not None and now - self._head_since > self.limits.header_deadline:
            if self._head_bytes or self._tail:
                message = f"the request's headers did not arrive within {self.limits.header_deadline:g} s"
                self._refuse(_raw_answer(408, "Request Timeout", message))
            else:
                self.transport.close()  # a connection that never sent anything: nothing to answer
        elif self._request_since is not None and now - self._request_since > self.limits.request_deadline:
            if self.cycle is None or not self.cycle.response_started:
                message = f"the request did not arrive within {self.limits.request_deadline:g} s"
                self._refuse(_raw_answer(408, "Request Timeout", message))
            else:
                self.transport.close()

    def _refuse(self, answer: bytes) -> None:
        self._head_since = self._request_since = None
        if self.cycle is not None:
            self.cycle.keep_alive = False
        self.transport.write(answer)
        self.transport.close()


def protocol_with(limits: ConnectionLimits) -> type[LimitedHttpToolsProtocol]:
    """The protocol class uvicorn instantiates per connection, carrying `limits` (and its sweepers)."""
    attributes = {"limits": limits, "_sweepers": weakref.WeakKeyDictionary()}
    return type("LimitedHttpToolsProtocol", (LimitedHttpToolsProtocol,), attributes)


def uvicorn_config(app: Any, limits: ConnectionLimits | None = None, **options: Any) -> uvicorn.Config:
    """A uvicorn config serving `app` with connection limits (h11's own head limit set to match)."""
    limits = limits or ConnectionLimits()
    return uvicorn.Config(
        app, http=protocol_with(limits), h11_max_incomplete_event_size=limits.max_header_bytes, **options
    )
