"""The ceiling for the mock's request path: a bare Starlette handler on the same uvicorn setup.

    python benchmarks/bare_starlette.py PORT [--stock]

Served as the mock is (`telecontract.connection_limits`: header limit and deadlines); `--stock`
serves it on uvicorn's own protocol instead, to measure what those limits cost.

It answers POST /v1/anonymous/session/sms_voice with a fixed body of the same size as the mock's,
reading the request body but checking nothing: what the stack costs before the mock does any work.
"""

from __future__ import annotations

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telecontract.connection_limits import uvicorn_config

BODY = (
    b'{"reference_id":"B56A497ACF2C4F3C9E4A6B2F6F0B1E7D","external_id":null,"status":{"code":2700,'
    b'"description":"Session created","updated_on":"2026-11-25T10:00:00.000000Z"},"error":null,'
    b'"session_data":{"masked_id":"13325550001","validity":"60","session_end_on":"2026-11-25T11:00:00.000000Z"}}'
)


async def create_session(request: Request) -> Response:
    await request.body()
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/v1/anonymous/session/{resource}", create_session, methods=["POST"])])

if __name__ == "__main__":
    options = {"host": "127.0.0.1", "port": int(sys.argv[1]), "log_level": "warning", "access_log": False}
    config = uvicorn.Config(app, **options) if "--stock" in sys.argv else uvicorn_config(app, **options)
    uvicorn.Server(config).run()
