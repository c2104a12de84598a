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
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from telecontract.mock.responses import JSON
from telecontract.mock.state import MockState


def _refused(status: int, reason: str) -> Response:
    return JSON({"routed": False, "reason": reason}, status_code=status)


async def _read(request: Request) -> dict[str, str] | Response:
    try:
        body = orjson.loads(await request.body())
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
    body = await _read(request)
    if isinstance(body, Response):
        return body
    routed = route(state, body["from"], body["to"], voice=voice)
    if routed is None:
        return _refused(404, "no active session routes this sender to this number")
    return JSON(routed)


async def advance_clock(request: Request) -> Response:
    state: MockState = request.app.state.mock
    try:
        body = orjson.loads(await request.body())
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
