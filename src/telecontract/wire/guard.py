"""The forwarding server every request of a live run goes through, on 127.0.0.1.

Clients are pointed at it instead of the provider; it applies the run's `Policy` to each request
and forwards what may leave to its provider's host. A refused request gets an answer of the
guard's own (403, `X-Telecontract-Refused`), which the run reports as refused, never as the
provider's. Redirects are never followed: a 3xx goes back with its `Location` withheld, so no
client re-sends an authenticated request anywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from telecontract.redaction import redact_url_credentials
from telecontract.server import serve_in_thread
from telecontract.wire.policy import Allowance, Policy, Refusal

REFUSED = "X-Telecontract-Refused"  # the guard answered: the request never left
UPSTREAM_ERROR = "X-Telecontract-Upstream-Error"  # it left, and no answer came back
WITHHELD_LOCATION = "X-Telecontract-Withheld-Location"
# Hop-by-hop headers, and those the HTTP layer sets from the body or the URL.
NOT_FORWARDED = frozenset(
    {"host", "connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade", "proxy-connection"}
)
NOT_RETURNED = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"})
UPSTREAM_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
PROBE_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


@dataclass
class Tally:
    """What the guard sent and refused, for the run's report."""

    sent: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # kind -> count
    reasons: dict[str, str] = field(default_factory=dict)  # kind -> the first reason of that kind
    budget_spent: bool = False

    def refuse(self, refusal: Refusal) -> None:
        self.refused[refusal.kind] += 1
        self.reasons.setdefault(refusal.kind, refusal.reason)
        if refusal.kind == "budget":
            self.budget_spent = True

    def lines(self) -> list[str]:
        return [f"refused {count}: {kind} ({self.reasons[kind]})" for kind, count in sorted(self.refused.items())]


class Guard:
    """The policy, its allowance and tally, and the ASGI app that applies them."""

    def __init__(self, policy: Policy, max_requests: int | None = None, per_second: float | None = None) -> None:
        self.policy = policy
        self.allowance = Allowance(max_requests, per_second)
        self.tally = Tally()
        self.app = self._app()

    def _app(self) -> ASGIApp:
        """A bare ASGI app: no router, so every method and every path (even `%0A`) is the guard's."""
        clients: list[httpx.AsyncClient] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "lifespan":
                await _lifespan(receive, send, clients)
                return
            if scope["type"] != "http":
                return
            response = await self.forward(clients[0], Request(scope, receive))
            await response(scope, receive, send)

        return app

    async def forward(self, client: httpx.AsyncClient, request: Request) -> Response:
        try:
            return await self._forward(client, request)
        except Exception as exc:  # a bug of ours must not read as the provider's 500
            reason = f"the guard failed: {type(exc).__name__}: {exc}"
            return Response(reason, status_code=502, headers={UPSTREAM_ERROR: _header_text(reason)})

    async def _forward(self, client: httpx.AsyncClient, request: Request) -> Response:
        body = await request.body()
        path, query = request.url.path, request.scope.get("query_string", b"").decode("latin-1")
        # Forwarded as it came (still percent-encoded): the bytes the client signed and meant.
        raw_path = request.scope.get("raw_path", path.encode()).decode("latin-1")
        content_type = request.headers.get("content-type", "")
        upstream = self.policy.upstream_for(path)
        if isinstance(upstream, Refusal):
            return self._refused(upstream)
        if refusal := self.policy.refusal(request.method, path, query, content_type, body):
            return self._refused(refusal)
        wait = self.allowance.take()
        if wait is None:
            return self._refused(Refusal("budget", f"request budget of {self.allowance.max_requests} spent"))
        if wait:
            await asyncio.sleep(wait)
        self.tally.sent += 1
        url = httpx.URL(upstream.rstrip("/") + raw_path.split("?", 1)[0] + (f"?{query}" if query else ""))
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in NOT_FORWARDED]
        try:
            answer = await client.request(request.method, url, headers=headers, content=body)
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return Response(reason, status_code=502, headers={UPSTREAM_ERROR: _header_text(reason)})
        returned = {k: v for k, v in answer.headers.items() if k.lower() not in NOT_RETURNED}
        if answer.is_redirect and "location" in answer.headers:
            returned.pop("location", None)
            returned.pop("Location", None)
            returned[WITHHELD_LOCATION] = _header_text(redact_url_credentials(answer.headers["location"]))
        self.policy.learn(answer.headers.get("content-type", ""), answer.content)
        return Response(answer.content, status_code=answer.status_code, headers=returned)

    def _refused(self, refusal: Refusal) -> Response:
        self.tally.refuse(refusal)
        body = orjson.dumps({"refused": refusal.kind, "reason": refusal.reason})
        return Response(
            body,
            status_code=403,
            media_type="application/json",
            headers={REFUSED: _header_text(f"{refusal.kind}: {refusal.reason}")},
        )

    def probe(self) -> Iterator[tuple[str, Exception | None]]:
        """One GET to each provider URL, from the budget: (url, the transport error or None)."""
        for url in dict.fromkeys(u for u in self.policy.upstreams.values() if u):
            if self.allowance.take() is None:
                self.tally.refuse(Refusal("budget", f"request budget of {self.allowance.max_requests} spent"))
                return
            self.tally.sent += 1
            try:
                httpx.get(url, timeout=PROBE_TIMEOUT)
            except (httpx.TransportError, httpx.InvalidURL) as exc:
                yield url, exc
                continue
            yield url, None


async def _lifespan(receive: Receive, send: Send, clients: list[httpx.AsyncClient]) -> None:
    """One upstream client for the guard's life: connections to the provider are reused."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            clients.append(httpx.AsyncClient(follow_redirects=False, timeout=UPSTREAM_TIMEOUT))
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            for client in clients:
                await client.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return


def _header_text(text: str) -> str:
    """One line of printable latin-1 text, as a header value must be (a reason may quote generated bytes)."""
    line = " ".join(text.split()).encode("latin-1", "replace").decode("latin-1")[:500]
    return "".join(c if c.isprintable() else "?" for c in line)


@contextlib.contextmanager
def serving(guard: Guard) -> Iterator[str]:
    """The guard on a free loopback port for the block; yields its URL."""
    with serve_in_thread(guard.app) as url:
        yield url
