"""The mock provider as an ASGI app: TeleSign and VTS paths served side by side."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from telecontract.limits import BODY_KEY, BodyLimit
from telecontract.mock import callbacks, carrier, masking, voice_v1, voice_v2, vts
from telecontract.mock.config import MockConfig
from telecontract.mock.quirks import QuirksMiddleware
from telecontract.mock.responses import error_in_shape_of, telesign_error, vts_error
from telecontract.mock.state import MockState
from telecontract.spec import Spec, load_spec

logger = logging.getLogger("telecontract.mock")

VTS_SESSIONS = "/v1/Account/{auth_id}/Masking/Session"
VTS_SESSION = "/v1/Account/{auth_id}/Masking/Session/{session_uuid}"


Endpoint = Callable[[Request], Awaitable[Response]]


class MethodDispatch:
    """One endpoint per path, so a 405 names every allowed method in `Allow`, as HTTP requires.

    An ASGI app rather than a function: Starlette restricts function endpoints to GET.
    """

    def __init__(self, **handlers: Endpoint) -> None:
        self.handlers = handlers
        self.allow = ", ".join(handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = scope.get(BODY_KEY)
        if body is not None:  # read whole by BodyLimit: `request.body()` need not stream it again
            request._body = body
        handler = self.handlers.get(scope["method"])
        if handler is None:
            response = Response("Method Not Allowed", status_code=405, headers={"Allow": self.allow})
        else:
            response = await handler(request)
        await response(scope, receive, send)


def _routes() -> list[Route]:
    routes = [
        Route("/v1/anonymous/session/{resource}", MethodDispatch(POST=masking.create_session)),
        Route("/v1/voice", MethodDispatch(POST=voice_v1.send_voice_message)),
        Route("/v1/voice/{reference_id}", MethodDispatch(GET=voice_v1.get_voice_call_status)),
        Route("/v2/voice", MethodDispatch(POST=voice_v2.control_voice_call)),
        Route("/_sim/sms", MethodDispatch(POST=carrier.send_sms)),
        Route("/_sim/call", MethodDispatch(POST=carrier.place_call)),
        Route("/_sim/clock", MethodDispatch(POST=carrier.advance_clock)),
    ]
    # The VTS document writes the path without a trailing slash, the Plivo SDK with one: serve both.
    sessions = MethodDispatch(POST=vts.create_session, GET=vts.list_sessions)
    session = MethodDispatch(GET=vts.get_session, POST=vts.update_session, DELETE=vts.delete_session)
    for suffix in ("/", ""):
        routes += [Route(VTS_SESSIONS + suffix, sessions), Route(VTS_SESSION + suffix, session)]
    return routes


async def _unexpected(request: Request, exc: Exception) -> Response:
    # A faithful mock never gets here; if it does, answer in the provider's shape and log why.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    if request.url.path.startswith("/v1/Account/"):
        return vts_error(500, "Internal error")
    return telesign_error(503, 2704, "Internal error")


def tune_gc() -> None:
    """For a mock process that lives long under load: call once, before serving.

    The mock keeps many small long-lived objects (sessions, leases); default GC thresholds make
    full collections walk them often, which shows up as p99 spikes.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def create_app(config: MockConfig, spec: Spec | None = None) -> Starlette:
    state = MockState(config, spec or load_spec())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        # Stop call progress and pending callbacks with the server, and close their client.
        for task in list(state.tasks):
            task.cancel()
        await callbacks.close(state)

    body_limit = Middleware(
        BodyLimit,
        max_bytes=config.max_body_bytes,
        deadline=config.body_deadline,
        refuse=lambda scope, status, message: error_in_shape_of(scope["path"], status, message),
    )
    middleware = [body_limit] + ([Middleware(QuirksMiddleware, quirks=config.quirks)] if config.quirks else [])
    app = Starlette(
        routes=_routes(), exception_handlers={Exception: _unexpected}, lifespan=lifespan, middleware=middleware
    )
    app.router.redirect_slashes = False
    app.state.mock = state
    return app
