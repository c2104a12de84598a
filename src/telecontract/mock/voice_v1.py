"""TeleSign Voice v1: POST /v1/voice places a call, GET /v1/voice/{reference_id} reads it.

Outcomes are chosen by test numbers, the way providers publish magic numbers:

    15550000101  not answered (101)      15550000104  invalid number (104, no call placed)
    15550000106  call failed (106)       15550000130  blocked (130, no call placed)
    15550000107  line busy (107)         1555000020D  answered, the user pressed digit D
    anything else that is a possible number: answered (100)
"""

from __future__ import annotations

import asyncio
import re
import time
from email.utils import formatdate
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from telecontract import documents as codes
from telecontract import phone
from telecontract.mock import callbacks
from telecontract.mock.requests import media_type, parse_form, telesign_refusal, validation_error
from telecontract.mock.responses import JSON, telesign_error, telesign_status
from telecontract.mock.responses import reference_id as new_reference_id
from telecontract.mock.state import MockState, VoiceCall

FORM = "application/x-www-form-urlencoded"
CALL_SECONDS = 5.0  # from POST to final status, before --time-scale
DEFAULT_VOICE = "f-en-US"
REFERENCE_ID = re.compile(r"^[0-9A-Fa-f]{32}$")
OUTCOMES = {
    "15550000101": codes.NOT_ANSWERED,
    "15550000104": codes.INVALID_NUMBER,
    "15550000106": codes.CALL_FAILED,
    "15550000107": codes.LINE_BUSY,
    "15550000130": codes.CALL_BLOCKED,
}
PRESSED_DIGIT = re.compile(r"^155500002\d(\d)$")

# The Voice API page: "The allowed methods for v1/voice are POST and GET."
ALLOW = {"Allow": "POST, GET"}


def outcome(number: str) -> tuple[int, str | None]:
    """(final status code, digit pressed) for a destination number."""
    if number in OUTCOMES:
        return OUTCOMES[number], None
    if match := PRESSED_DIGIT.match(number):
        return codes.CALL_ANSWERED, match.group(1)
    try:
        phone.parse(number)
    except phone.InvalidNumber:
        return codes.INVALID_NUMBER, None
    return codes.CALL_ANSWERED, None


async def send_voice_message(request: Request) -> Response:
    state: MockState = request.app.state.mock
    raw = await request.body()
    if refusal := await telesign_refusal(request, state, raw):
        return refusal
    if media_type(request) != FORM:
        return _bad(state, f"Content-Type must be {FORM}, not {media_type(request) or 'missing'}")
    try:
        form = parse_form(raw)
    except (UnicodeDecodeError, ValueError):
        return _bad(state, "Request body is not a valid form encoding")
    if invalid := validation_error(state, "sendVoiceMessage", FORM, form):
        return _bad(state, f"Invalid value for {invalid.field}: {invalid.message}")
    final_code, digit = outcome(form["phone_number"])
    reference_id = "0" * 32 if state.config.has("reference_id_reused") else new_reference_id()
    voice = form.get("voice", DEFAULT_VOICE)
    body: dict[str, Any] = {"reference_id": reference_id, "external_id": form.get("external_id"), "voice": voice}
    now = time.time()
    if final_code in (codes.INVALID_NUMBER, codes.CALL_BLOCKED):
        # No call is placed: the answer is final at once, and GET reports the same.
        completes_at, http_status = now, 200
        body["status"] = telesign_status(final_code, codes.VOICE_DESCRIPTIONS[final_code])
    else:
        completes_at, http_status = now + state.scaled(CALL_SECONDS), 201
        # A defect words it as another code: the text the page gives a call answered.
        shown = codes.CALL_ANSWERED if state.config.has("voice_description_of_other_code") else codes.CALL_IN_PROGRESS
        body["status"] = telesign_status(codes.CALL_IN_PROGRESS, codes.VOICE_DESCRIPTIONS[shown])
        if state.config.has("voice_in_progress_as_200"):
            http_status = 200
        if state.config.has("voice_status_code_as_string"):
            body["status"]["code"] = str(codes.CALL_IN_PROGRESS)
    state.note_created(now)
    call = state.voice_calls[reference_id] = VoiceCall(
        reference_id=reference_id,
        phone_number=form["phone_number"],
        voice=voice,
        submitted_at=now,
        completes_at=completes_at,
        final_code=final_code,
        user_input=digit,
        callback_url=form.get("callback_url"),
        external_id=form.get("external_id"),
    )
    state.keep(state.voice_calls, reference_id, completes_at)
    if call.callback_url:
        callbacks.spawn(state, _call_back_when_done(state, call, call.callback_url))
    return JSON(body, status_code=http_status, headers=ALLOW)


async def _call_back_when_done(state: MockState, call: VoiceCall, url: str) -> None:
    """The transaction callback, sent once the call has its final status."""
    await asyncio.sleep(max(0.0, call.completes_at - time.time()))
    payload = call_status(call, max(time.time(), call.completes_at))  # the loop may wake a hair early
    payload.pop("external_id")
    if not payload["voice"]:
        payload.pop("voice")
    if state.config.has("callback_off_schema"):
        payload.pop("status")
    body = callbacks.encode(payload)
    await callbacks.deliver(state, url, body, callbacks.headers_for(state, "voiceTransactionCallback", url, body))


async def get_voice_call_status(request: Request) -> Response:
    state: MockState = request.app.state.mock
    if refusal := await telesign_refusal(request, state, b""):
        return refusal
    reference_id = request.path_params["reference_id"]
    call = state.voice_calls.get(reference_id.upper()) if REFERENCE_ID.match(reference_id) else None
    if call is None:
        return telesign_error(404, -10004, "No transaction with this reference id", reference_id=None)
    body = call_status(call, time.time())
    if state.config.has("voice_status_names_other_call"):
        body["reference_id"] = call.reference_id[::-1]
    return JSON(body, headers=ALLOW)


def call_status(call: VoiceCall, now: float) -> dict[str, Any]:
    """What GET reports and what the callback carries."""
    done = now >= call.completes_at
    code = call.final_code if done else codes.CALL_IN_PROGRESS
    body: dict[str, Any] = {
        "reference_id": call.reference_id,
        "external_id": call.external_id,
        "submit_timestamp": formatdate(call.submitted_at, usegmt=True),
        "status": telesign_status(code, codes.VOICE_DESCRIPTIONS[code]),
        "voice": {},
    }
    if done and call.user_input is not None:
        body["voice"]["user_input"] = call.user_input
    return body


def _bad(state: MockState, description: str) -> Response:
    wrong_shape = state.config.has("error_body_wrong_shape")
    return telesign_error(400, codes.INVALID_PARAMETER, description, wrong_shape=wrong_shape)
