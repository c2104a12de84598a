"""VTS masking sessions: create, retrieve, update, delete and list (Plivo-compatible)."""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from telecontract import phone
from telecontract.mock import callbacks
from telecontract.mock.pools import Lease
from telecontract.mock.requests import Invalid, media_type, parse_json, validation_error, vts_refusal
from telecontract.mock.responses import JSON, vts_error
from telecontract.mock.state import MockState, VtsSession
from telecontract.mock.vts_settings import typed, update_problem

DEFAULTS: dict[str, Any] = {
    "record": False,
    "recording_callback_url": None,
    "record_file_format": "mp3",
    "recording_callback_method": "POST",
    "session_expiry": 0,
    "call_time_limit": 14400,
    "initiate_call_to_first_party": False,
    "callback_url": None,
    "callback_method": "POST",
    "ring_timeout": 45,
    "first_party_play_url": None,
    "second_party_play_url": None,
}


def _timestamp(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _text(value: Any) -> str | None:
    """VTS renders every setting as a string: booleans lower case, unset as null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _expires_at(created_at: float, session_expiry: int, state: MockState) -> float:
    return created_at + state.scaled(session_expiry) if session_expiry else math.inf


def render(session: VtsSession, now: float) -> dict[str, Any]:
    fields = session.fields
    expired = not session.lease.active(now)
    expiry = fields["session_expiry"]
    expiry_from = session.created_at if session.expiry_from is None else session.expiry_from
    body: dict[str, Any] = {
        "api_id": str(uuid.uuid4()),
        "session_uuid": session.session_uuid,
        "virtual_number": fields["virtual_number"],
        "status": "expired" if expired else "active",
        "first_party": fields["first_party"],
        "second_party": fields["second_party"],
    }
    body |= {name: _text(fields[name]) for name in DEFAULTS}
    body |= {
        "created_time": _timestamp(session.created_at),
        "modified_time": _text(fields.get("modified_time")),
        "expiry_time": _timestamp(expiry_from + expiry) if expiry else None,
        "last_interaction_time": None,
        "total_call_count": "0",
        "total_call_amount": "0",
        "total_call_billed_duration": "0",
        "interaction": "{}",
    }
    return body


async def _json_body(request: Request, state: MockState, operation_id: str) -> dict[str, Any] | Response:
    if media_type(request) != "application/json":
        return vts_error(400, "Content-Type must be application/json")
    try:
        body = parse_json(await request.body())
    except ValueError:
        if state.config.has("server_error_on_bad_json"):
            return vts_error(500, "Internal error")
        return vts_error(400, "Request body is not valid JSON")
    if invalid := validation_error(state, operation_id, "application/json", body):
        return _invalid(invalid)
    return body


def _invalid(invalid: Invalid) -> Response:
    return vts_error(400, {invalid.field: invalid.message})


async def create_session(request: Request) -> Response:
    state: MockState = request.app.state.mock
    if refusal := vts_refusal(request, state):
        return refusal
    body = await _json_body(request, state, "createVtsMaskingSession")
    if isinstance(body, Response):
        return body
    # The plivo SDK may create a session with its first party only (create_session_with_single_party).
    first, second = body["first_party"].lstrip("+"), str(body.get("second_party", "")).lstrip("+")
    if first == second:
        return vts_error(422, "first_party and second_party must differ")
    parties = {"first_party": first, "second_party": second} if second else {"first_party": first}
    for field, number in parties.items():
        try:
            phone.parse(number)
        except phone.InvalidNumber as exc:
            return vts_error(400, {field: str(exc)})
    now = state.now()  # the simulator's clock (POST /_sim/clock) moves VTS sessions on too
    fields = DEFAULTS | typed(state.spec, body, DEFAULTS)  # an undocumented field is not kept
    if state.config.has("vts_create_ignores_settings"):  # every setting but the lifetime left at its default
        fields = DEFAULTS | {"session_expiry": fields["session_expiry"]}
    fields["session_expiry"] = _granted(state, fields["session_expiry"])
    lease = Lease(frozenset(parties.values()), _expires_at(now, fields["session_expiry"], state))
    virtual_number = state.vts_pool.allocate(lease, exclude=frozenset(), now=now)
    if virtual_number is None:
        return vts_error(409, "No virtual number is free for this pair of parties")
    second_party = "+" + second if second else ""
    fields |= {"virtual_number": virtual_number, "first_party": "+" + first, "second_party": second_party}
    session = VtsSession(uuid.uuid4().hex, fields, lease, now)
    state.note_created(now)
    state.vts_sessions[session.session_uuid] = session
    state.keep(state.vts_sessions, session.session_uuid, lease.expires_at)  # retained as masked sessions are
    if fields["callback_url"] and fields["session_expiry"]:
        callbacks.spawn(state, _call_back_on_expiry(state, session))
    return JSON(render(session, now) | {"message": "Session created"})


async def _call_back_on_expiry(state: MockState, session: VtsSession) -> None:
    # An update may push the expiry out: wait until the lease really ends.
    while (remaining := session.lease.expires_at - state.now()) > 0:
        await asyncio.sleep(remaining)
    if not session.lease.released:
        await _call_back(state, session, "session_expired")


async def _call_back(state: MockState, session: VtsSession, event: str) -> None:
    url = session.fields["callback_url"]
    payload: dict[str, Any] = {
        "session_uuid": session.session_uuid,
        "event": event,
        "virtual_number": session.fields["virtual_number"],
        "first_party": session.fields["first_party"],
        "second_party": session.fields["second_party"],
        "status": "expired",
        "timestamp": _timestamp(state.now()),
    }
    if not payload["second_party"]:  # a single-party session has no second party to name
        del payload["second_party"]
    if state.config.has("callback_off_schema"):
        del payload["timestamp"]
    # callback_method GET: the fields go in the query, signed as Plivo signs a GET.
    sending = callbacks.outbound(state, "vtsSessionCallback", url, payload, session.fields["callback_method"] or "POST")
    await callbacks.deliver(state, sending.url, sending.body, sending.headers, sending.method)


def _own_session(request: Request, state: MockState) -> VtsSession | Response:
    """The session the path names, if the caller may see it: else the 401/403/404 to answer."""
    if refusal := vts_refusal(request, state):
        return refusal
    session = state.vts_sessions.get(request.path_params["session_uuid"])
    if session is None:
        return vts_error(404, "No session with this uuid")
    return session


async def get_session(request: Request) -> Response:
    state: MockState = request.app.state.mock
    session = _own_session(request, state)
    if isinstance(session, Response):
        return session
    body = render(session, state.now())
    if state.config.has("vts_get_swaps_parties"):
        body["first_party"], body["second_party"] = body["second_party"], body["first_party"]
    return JSON(body)


def _granted(state: MockState, session_expiry: int) -> int:
    """The lifetime the mock gives a session: what was asked, unless a defect stretches it."""
    return 2 * session_expiry if state.config.has("vts_session_outlives_expiry") else session_expiry


async def update_session(request: Request) -> Response:
    state: MockState = request.app.state.mock
    session = _own_session(request, state)
    if isinstance(session, Response):
        return session
    body = await _json_body(request, state, "updateVtsMaskingSession")
    if isinstance(body, Response):
        return body
    # Refused before anything changes: only the documented settings may be written.
    if problem := update_problem(state.spec, body):
        return vts_error(400, {problem[0]: problem[1]})
    now = state.now()
    # Only the settings change (the plivo SDK also names the session in the body): a stray field of
    # the request never overwrites what the session is, such as its parties or number.
    changes = {k: v for k, v in body.items() if k in DEFAULTS} | {"modified_time": _timestamp(now)}
    if "session_expiry" in changes:
        changes["session_expiry"] = _granted(state, changes["session_expiry"])
    if state.config.has("vts_update_ignored"):  # answers as if updated, keeps nothing
        counted_from = now if "session_expiry" in changes else session.expiry_from
        fields = session.fields | changes
        shown = VtsSession(session.session_uuid, fields, session.lease, session.created_at, counted_from)
        return JSON(render(shown, now) | {"message": "Session updated"})
    session.fields |= changes
    if "session_expiry" in changes:
        # The expiry counts again from the update, as with Plivo.
        session.expiry_from = now
        session.lease.reschedule(_expires_at(now, changes["session_expiry"], state))
        state.keep(state.vts_sessions, session.session_uuid, session.lease.expires_at)
    return JSON(render(session, now) | {"message": "Session updated"})


async def delete_session(request: Request) -> Response:
    state: MockState = request.app.state.mock
    session = _own_session(request, state)
    if isinstance(session, Response):
        return session
    if state.config.has("vts_deleted_session_readable"):  # answers 204, forgets nothing, keeps routing
        return Response(status_code=204)
    session.lease.release()
    del state.vts_sessions[session.session_uuid]
    if session.fields["callback_url"]:
        callbacks.spawn(state, _call_back(state, session, "session_deleted"))
    return Response(status_code=204)


async def list_sessions(request: Request) -> Response:
    state: MockState = request.app.state.mock
    if refusal := vts_refusal(request, state):
        return refusal
    query = _typed_query(request, state)
    if isinstance(query, Response):
        return query
    limit, offset = query.pop("limit", 20), query.pop("offset", 0)
    now = state.now()
    state.forget_old(now)
    # Filter the stored sessions, then render only the page (rendering all cost 211 ms at 20,000).
    sessions = state.vts_sessions.values()
    matching = _matching(sessions, query, now)
    page = [render(s, now) for s in matching[offset : offset + limit]]
    meta = {
        "limit": limit,
        "offset": offset,
        "total_count": len(matching),
        "next": _page_url(request, limit, offset + limit) if offset + limit < len(matching) else None,
        "previous": _page_url(request, limit, max(offset - limit, 0)) if offset > 0 else None,
    }
    return JSON({"api_id": str(uuid.uuid4()), "meta": meta, "objects": page})


def _typed_query(request: Request, state: MockState) -> dict[str, Any] | Response:
    """Query parameters typed and checked with the operation's parameter schemas from the spec."""
    spec = state.spec
    parameters = [spec.resolve(p) for p in spec.operation("listVtsMaskingSessions").definition["parameters"]]
    properties = {p["name"]: p["schema"] for p in parameters if p["in"] == "query"}
    query: dict[str, Any] = {}
    for name, value in request.query_params.multi_items():
        if name not in properties:
            return vts_error(400, {name: "unknown query parameter"})
        if name in query:
            return vts_error(400, {name: "given more than once"})
        if spec.resolve(properties[name]).get("type") == "integer":
            try:
                query[name] = int(value)
            except ValueError:
                return vts_error(400, {name: "must be an integer"})
        else:
            query[name] = value
    schema = {"type": "object", "properties": properties}
    for error in spec.validator(schema).iter_errors(query):
        return vts_error(400, {".".join(map(str, error.instance_path)) or "query": error.message})
    return query


COMPARE = {
    "": lambda have, want: have == want,
    "__lt": lambda have, want: have < want,
    "__lte": lambda have, want: have <= want,
    "__gt": lambda have, want: have > want,
    "__gte": lambda have, want: have >= want,
}


STORED = ("first_party", "second_party", "virtual_number", "status", "subaccount")


def _matching(sessions: Iterable[VtsSession], query: dict[str, Any], now: float) -> list[VtsSession]:
    """The sessions every filter admits, in order.

    Parties, number and status are read from the stored sessions, a filter at a time over what is
    left; a time filter renders only what is left then (render is the one source of those texts).
    """
    if "subaccount" in query:
        return []  # the mock's account has no subaccounts
    found = list(sessions)
    for name in ("first_party", "second_party", "virtual_number"):
        if name in query:
            wanted = query[name].lstrip("+")
            found = [s for s in found if s.fields[name].lstrip("+") == wanted]
    if "status" in query:
        active = query["status"] == "active"
        found = [s for s in found if s.lease.active(now) is active]
    timed = {name: wanted for name, wanted in query.items() if name not in STORED}
    return [s for s in found if _times_match(render(s, now), timed)] if timed else found


def _times_match(rendered: dict[str, Any], query: dict[str, Any]) -> bool:
    for name, wanted in query.items():
        field, _, op = name.partition("__")
        have = int(rendered["total_call_billed_duration"]) if field == "duration" else rendered[field]
        if have is None or not COMPARE["__" + op if op else ""](have, wanted):
            return False
    return True


def _page_url(request: Request, limit: int, offset: int) -> str:
    params = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}
    return f"{request.url.path}?{urlencode(params | {'limit': limit, 'offset': offset})}"
