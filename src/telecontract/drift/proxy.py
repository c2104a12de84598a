"""A recording, validating proxy: put it between an app and the provider (in staging).

Every exchange is forwarded unchanged, written (redacted) to an NDJSON file that
`telecontract drift traffic` reads, and checked against the spec as it passes: a violation is
logged at once with its operation and rule.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telecontract.credentials import Credentials
from telecontract.drift.recordings import Recorded
from telecontract.drift.traffic import Router, observe
from telecontract.limits import MAX_BODY_BYTES, BodyLimit
from telecontract.mock.responses import error_in_shape_of
from telecontract.redaction import redact_body, redact_headers, redact_text
from telecontract.spec import Spec

logger = logging.getLogger("telecontract.record")
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "upgrade", "content-length", "host", "content-encoding"}
)


def create_proxy(
    upstream: str,
    spec: Spec,
    out: Path,
    credentials: Credentials | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Starlette:
    secrets = credentials.secrets if credentials else ()
    router = Router(spec)
    state: dict[str, object] = {}

    async def forward(request: Request) -> Response:
        client: httpx.AsyncClient = state["client"]  # type: ignore[assignment]
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        started = time.time()
        try:
            upstream_response = await client.request(
                request.method, request.url.path, params=request.query_params, content=body, headers=headers
            )
        except httpx.HTTPError as exc:
            logger.error("upstream %s unreachable: %s", upstream, type(exc).__name__)
            return Response(f"telecontract record: upstream unreachable ({type(exc).__name__})", status_code=502)
        url = str(request.url.replace(scheme=httpx.URL(upstream).scheme, netloc=httpx.URL(upstream).netloc.decode()))
        response_headers = dict(upstream_response.headers)
        recorded = Recorded(
            request.method,
            url,
            upstream_response.status_code,
            {k.lower(): v for k, v in response_headers.items()},
            upstream_response.text,
            {k.lower(): v for k, v in request.headers.items()},
            body.decode("utf-8", errors="replace"),
        )
        for seen in observe(spec, recorded, router):
            logger.warning(
                "%s %s: %s (%s)", seen.rule, seen.operation, redact_text(seen.message, secrets), seen.location
            )
        line = {
            "request": {
                "method": request.method,
                "url": redact_text(url, secrets),
                "headers": redact_headers(dict(request.headers)),
                "body": redact_body(body.decode("utf-8", errors="replace"), secrets),
            },
            "response": {
                "status": upstream_response.status_code,
                "headers": redact_headers(response_headers),
                "body": redact_body(upstream_response.text, secrets),
            },
            "elapsed_ms": round((time.time() - started) * 1000, 3),
            "started": started,
        }
        with out.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        passed = {k: v for k, v in response_headers.items() if k.lower() not in HOP_BY_HOP}
        return Response(upstream_response.content, status_code=upstream_response.status_code, headers=passed)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(base_url=upstream, timeout=30) as client:
            state["client"] = client
            yield

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    # Refused in the provider's shape: to the app behind the proxy it is the provider answering.
    body_limit = Middleware(
        BodyLimit,
        max_bytes=max_body_bytes,
        refuse=lambda scope, status, message: error_in_shape_of(scope["path"], status, message),
    )
    return Starlette(
        routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan, middleware=[body_limit]
    )
