"""TeleSign Voice v2: JSON-RPC 2.0 call control at POST /v2/voice."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from telecontract import phone
from telecontract.mock import call_flow, callbacks
from telecontract.mock.requests import media_type, parse_json, telesign_refusal, validation_error
from telecontract.mock.responses import JSON, voice_rpc_error
from telecontract.mock.responses import reference_id as new_reference_id
from telecontract.mock.state import DialCall, MockState

OPERATION_ID = "controlVoiceCall"
BLOCKED_NUMBERS = frozenset({"15550000130"})

ACCOUNT_CALLER_ID = "15550009999"  # what the callee sees when a dial names no caller id


async def control_voice_call(request: Request) -> Response:
    state: MockState = request.app.state.mock
    raw = await request.body()
    if refusal := await telesign_refusal(request, state, raw):
        return refusal
    if media_type(request) != "application/json":
        return voice_rpc_error(400, "invalid_request", "Content-Type must be application/json")
    try:
        body = parse_json(raw)
    except ValueError:
        return voice_rpc_error(400, "invalid_request", "Request body is not valid JSON")
    if invalid := validation_error(state, OPERATION_ID, "application/json", body):
        return voice_rpc_error(400, _rpc_status(body, invalid.field), f"{invalid.field}: {invalid.message}")
    params: dict[str, Any] = body["params"]
    if body["method"] == "dial":
        return _dial(state, params)
    return _act(state, body["method"], params)


def _rpc_status(body: Any, field: str) -> str:
    """The documented status string for what is wrong with a dial, else invalid_request."""
    params = body.get("params") if isinstance(body, dict) else None
    if not isinstance(body, dict) or body.get("method") != "dial" or not isinstance(params, dict):
        return "invalid_request"
    if "to" not in params:
        return "to_number_not_provided"
    if field.endswith("to") or field.endswith("caller_id_number"):
        return "invalid_phone_number"
    return "invalid_request"


def _dial(state: MockState, params: dict[str, Any]) -> Response:
    # A caller id is optional ("if you decide to use a caller ID"); without one the account's own shows.
    caller_id = params.get("caller_id_number", ACCOUNT_CALLER_ID)
    for number in (params["to"], caller_id):
        try:
            phone.parse(number)
        except phone.InvalidNumber:
            return voice_rpc_error(400, "invalid_phone_number", "Not a possible phone number")
    reference_id = new_reference_id()
    if params["to"] in BLOCKED_NUMBERS:
        return JSON({"reference_id": reference_id, "status": "blocked"}, status_code=200)
    call = state.dial_calls[reference_id] = DialCall(
        reference_id=reference_id,
        to=params["to"],
        caller_id_number=caller_id,
        max_call_duration=params.get("max_call_duration", 14400),
        created_at=time.time(),
    )
    state.note_created(call.created_at)
    state.keep(state.dial_calls, reference_id, call.created_at)
    callbacks.spawn(state, call_flow.run(state, call))
    return JSON({"reference_id": reference_id, "status": "dial_accepted"}, status_code=202)


def _act(state: MockState, method: str, params: dict[str, Any]) -> Response:
    reference_id = params["reference_id"].upper()
    call = state.dial_calls.get(reference_id)
    if call is None or not call.live:
        return JSON({"reference_id": params["reference_id"], "status": "call_not_found"}, status_code=404)
    if method == "hangup":
        call.live = False
    else:
        params = {k: v for k, v in params.items() if k != "reference_id"}
        call.queued.append({"jsonrpc": "2.0", "method": method, "params": params})
    return JSON({"reference_id": reference_id, "status": "action_accepted"}, status_code=202)
