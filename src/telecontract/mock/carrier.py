"""The carrier simulator under /_sim/: what happens when a party texts or calls a masked number.

Never part of the provider spec; it exists so privacy rules can be tested end to end.

    POST /_sim/sms   {"from": REAL, "to": MASKED, "text": "..."}
    POST /_sim/call  {"from": REAL, "to": MASKED}
    POST /_sim/clock {"advance": SECONDS}   moves the sessions' clock on (real seconds)

TeleSign sessions: party P reaches the other party Q by contacting Q's masked id; Q sees P's
masked id as the sender. VTS sessions: either party contacts the virtual number, and the other
party sees the virtual number. Calls route only through `sms_voice` sessions. The answer is
200 `{"routed": true, "deliver_to", "shown_sender", "session"}` or 404 `{"routed": false, "reason"}`;
a malformed request is 400 `{"routed": false, "reason"}`.

Every request needs the account's credentials, as the provider's paths do (either account's Basic
credentials, or TeleSign's signature), unless the mock was started with the simulator open: a
request without them is 401 `{"routed": false, "reason"}`.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from telecontract import auth
from telecontract.mock.responses import JSON
from telecontract.mock.state import MockState


def _refused(status: int, reason: str) -> Response:
    return JSON({"routed": False, "reason": reason}, status_code=status)


def _unauthorised(request: Request, state: MockState, raw: bytes) -> Response | None:
    """401 unless the request carries one of the mock's accounts (or the simulator is open)."""
    if state.config.open_simulator:
        return None
    credentials = state.config.credentials
    accounts = {credentials.vts_auth_id: credentials.vts_auth_token}
    if auth.basic_matches(request.headers.get("authorization", ""), accounts):
        return None
    failure = auth.verify_telesign(
        headers=request.headers,
        method=request.method,
        resource=request.scope["path"],
        body=raw,
        api_keys=state.telesign_keys,
        nonces=state.nonces,
        now=time.time(),
    )
    if failure is None:
        return None
    return _refused(401, f"the simulator needs the account's credentials: {failure.reason}")


async def _body(request: Request, state: MockState) -> bytes | Response:
    raw = await request.body()
    return _unauthorised(request, state, raw) or raw


async def _read(request: Request, state: MockState) -> dict[str, str] | Response:
    raw = await _body(request, state)
    if isinstance(raw, Response):
        return raw
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _refused(400, "body must be JSON")
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("from", "to")):
        return _refused(400, "body needs string fields 'from' and 'to'")
    return {"from": body["from"].lstrip("+"), "to": body["to"].lstrip("+")}


def route(state: MockState, sender: str, dialled: str, *, voice: bool) -> dict[str, Any] | None:
    """Where a message or call from `sender` to `dialled` goes, or None when nothing routes it."""
    now = state.now()
    ignore_expiry = state.config.has("expired_session_routes")
    for session in state.masked_sessions.values():
        if voice and session.resource != "sms_voice":
            continue
        if not (ignore_expiry or session.lease.active(now)) or sender not in session.parties:
            continue
        me = session.parties.index(sender)
        other = 1 - me
        if session.masked_ids[other] == dialled:
            return {
                "routed": True,
                "deliver_to": session.parties[other],
                "shown_sender": session.masked_ids[me],
                "session": session.reference_id,
            }
    for vts_session in state.vts_sessions.values():
        parties = vts_session.lease.parties
        virtual = vts_session.fields["virtual_number"].lstrip("+")
        if virtual != dialled or sender not in parties:
            continue
        if not (ignore_expiry or vts_session.lease.active(now)):
            continue
        (other_party,) = parties - {sender}
        return {"routed": True, "deliver_to": other_party, "shown_sender": virtual, "session": vts_session.session_uuid}
    return None


async def _handle(request: Request, *, voice: bool) -> Response:
    state: MockState = request.app.state.mock
    body = await _read(request, state)
    if isinstance(body, Response):
        return body
    routed = route(state, body["from"], body["to"], voice=voice)
    if routed is None:
        return _refused(404, "no active session routes this sender to this number")
    return JSON(routed)


async def advance_clock(request: Request) -> Response:
    state: MockState = request.app.state.mock
    raw = await _body(request, state)
    if isinstance(raw, Response):
        return raw
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _refused(400, "body must be JSON")
    advance = body.get("advance") if isinstance(body, dict) else None
    if isinstance(advance, bool) or not isinstance(advance, int | float) or not 0 <= advance <= 10**9:
        return _refused(400, "body needs a number 'advance' of seconds, 0 or more")
    state.clock_offset += float(advance)
    return JSON({"advanced": advance, "offset": state.clock_offset})


async def send_sms(request: Request) -> Response:
    return await _handle(request, voice=False)


async def place_call(request: Request) -> Response:
    return await _handle(request, voice=True)
