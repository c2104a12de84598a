"""The mock provider as an ASGI app: TeleSign and VTS paths served side by side."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telecontract.mock import masking, voice_v1, voice_v2, vts
from telecontract.mock.config import MockConfig
from telecontract.mock.responses import telesign_error, vts_error
from telecontract.mock.state import MockState
from telecontract.spec import Spec, load_spec

logger = logging.getLogger("telecontract.mock")

VTS_SESSIONS = "/v1/Account/{auth_id}/Masking/Session"
VTS_SESSION = "/v1/Account/{auth_id}/Masking/Session/{session_uuid}"


def _vts_routes() -> list[Route]:
    # The VTS document writes the path without a trailing slash, the Plivo SDK with one: serve both.
    routes = []
    for suffix in ("/", ""):
        routes += [
            Route(VTS_SESSIONS + suffix, vts.create_session, methods=["POST"]),
            Route(VTS_SESSIONS + suffix, vts.list_sessions, methods=["GET"]),
            Route(VTS_SESSION + suffix, vts.get_session, methods=["GET"]),
            Route(VTS_SESSION + suffix, vts.update_session, methods=["POST"]),
            Route(VTS_SESSION + suffix, vts.delete_session, methods=["DELETE"]),
        ]
    return routes


async def _unexpected(request: Request, exc: Exception) -> Response:
    # A faithful mock never gets here; if it does, answer in the provider's shape and log why.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    if request.url.path.startswith("/v1/Account/"):
        return vts_error(500, "Internal error")
    return telesign_error(503, 2704, "Internal error")


def create_app(config: MockConfig, spec: Spec | None = None) -> Starlette:
    routes = [
        Route("/v1/anonymous/session/{resource}", masking.create_session, methods=["POST"]),
        Route("/v1/voice", voice_v1.send_voice_message, methods=["POST"]),
        Route("/v1/voice/{reference_id}", voice_v1.get_voice_call_status, methods=["GET"]),
        Route("/v2/voice", voice_v2.control_voice_call, methods=["POST"]),
        *_vts_routes(),
    ]
    app = Starlette(routes=routes, exception_handlers={Exception: _unexpected})
    app.router.redirect_slashes = False
    app.state.mock = MockState(config, spec or load_spec())
    return app
