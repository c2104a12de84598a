"""How a Voice v2 call unfolds after `dial`: events to the customer, actions back, until hangup.

    dial_completed -> [action -> play_completed | speak_completed | call_leg_completed]* -> call_completed

Each event is POSTed (signed) to the customer event URL; the body of the customer's answer is the
next action (`play`, `speak`, `dial` to transfer the call, `hangup`), or a list holding it (as
TeleSign's AWS Lambda demo answers); an empty or invalid answer hangs up. A transfer's leg ends with
`call_leg_completed`, whose answer is again the next action. Actions posted to /v2/voice for the
call are queued and run before the next event's answer is asked for. The call ends at
`max_call_duration` whatever the customer answers.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any

import orjson

from telecontract import webhooks
from telecontract.mock import callbacks
from telecontract.mock.state import DialCall, MockState

logger = logging.getLogger("telecontract.mock.voice")

RING_SECONDS = 2.0  # dial to answer
ACTION_SECONDS = 3.0  # one play or speak, digits included
OUTCOMES = {"15550000101": "no_answer", "15550000106": "failed", "15550000107": "busy"}
PRESSED_DIGIT = re.compile(r"^155500002\d(\d)$")


def _iso(at: float | None) -> str | None:
    return None if at is None else datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def simulated_digits(call: DialCall, collect: dict[str, Any] | None) -> str | None:
    """What the callee "presses": digit D for 1555000020D, else 1; none unless asked."""
    if not collect:
        return None
    match = PRESSED_DIGIT.match(call.to)
    return (match.group(1) if match else "1")[: _count(collect.get("max"))]


def _count(value: Any) -> int:
    """`max` as a count: JSON's 5.0 is the integer 5 (the schema allows it), which slicing refuses."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN
        return 1
    return max(1, int(value)) if abs(value) < 2**31 else 1


async def _post_event(state: MockState, call: DialCall, event: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """Send one event; the customer's answer if it is a valid action, else None."""
    call.events.append(event)
    url = state.config.voice_event_url
    if url is None:
        return None
    body = callbacks.encode({"event": event, "reference_id": call.reference_id, "data": data})
    answer = await callbacks.post(state, url, body, callbacks.headers_for(state, "voiceEvent", url, body))
    if answer is None or not answer.body.strip():
        return None
    try:
        action = orjson.loads(answer.body)
    except orjson.JSONDecodeError:
        return None
    if not state.spec.response_validator("receiveVoiceEvent", "200").is_valid(action):
        return None
    return webhooks.action_of(action)


async def run(state: MockState, call: DialCall) -> None:
    """The call from ring to call_completed. Whatever goes wrong on the way, the call ends as the
    spec's call record allows (status `failed`), with its call_completed sent: never silently."""
    try:
        await _run(state, call)
    except Exception:
        logger.error("call %s failed inside the mock; ending it", call.reference_id, exc_info=True)
        if "call_completed" not in call.events:
            await _complete(state, call, "failed")


async def _run(state: MockState, call: DialCall) -> None:
    await asyncio.sleep(state.scaled(RING_SECONDS))
    outcome = OUTCOMES.get(call.to, "answered") if call.live else "cancelled"
    parties = {"to": call.to, "from": call.caller_id_number}
    action = await _post_event(state, call, "dial_completed", parties | {"status": outcome})
    final = outcome if outcome != "answered" else "completed"
    if outcome == "answered":
        call.answered_at = time.time()
        deadline = call.answered_at + state.scaled(call.max_call_duration)
        final, pending = await _converse(state, call, action, deadline)
        if pending is not None and state.config.has("v2_events_out_of_order"):
            await _complete(state, call, final)
            await _post_event(state, call, *pending)
            return
        if pending is not None:
            await _post_event(state, call, *pending)
    await _complete(state, call, final)


async def _converse(
    state: MockState, call: DialCall, action: dict[str, Any] | None, deadline: float
) -> tuple[str, tuple[str, dict[str, Any]] | None]:
    """Run actions until hangup; returns the final status and the last event not yet sent."""
    while True:
        if call.queued:
            action = call.queued.pop(0)
        if not call.live or action is None or action["method"] == "hangup":
            return "completed", None
        seconds = min(state.scaled(ACTION_SECONDS), max(0.0, deadline - time.time()))
        await asyncio.sleep(seconds)
        if time.time() >= deadline:
            return "max_duration_reached", None
        params = action.get("params", {})
        event, data = _completed(call, action["method"], params)
        if state.config.has("v2_events_out_of_order"):
            return "completed", (event, data)
        action = await _post_event(state, call, event, data)


def _completed(call: DialCall, method: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The event that ends an action, with its data: a transfer's leg, or the audio played."""
    if method == "dial":
        # The transferred leg was answered and has hung up; the caller is still on the call.
        return "call_leg_completed", {"to": params["to"], "from": call.caller_id_number, "status": "completed"}
    data: dict[str, Any] = {"status": "completed"}
    if (digits := simulated_digits(call, params.get("collect_digits"))) is not None:
        data["collected_digits"] = digits
    return ("play_completed" if method == "play" else "speak_completed"), data


async def _complete(state: MockState, call: DialCall, status: str) -> None:
    call.live = False
    now = time.time()
    duration = int((now - call.answered_at) / state.config.time_scale) if call.answered_at else 0
    duration = int(min(duration, call.max_call_duration))  # the provider cuts the call at the limit
    await _post_event(
        state,
        call,
        "call_completed",
        {
            "status": status,
            "direction": "outbound",
            "duration": duration,
            "created_on": _iso(call.created_at),
            "answered_on": _iso(call.answered_at),
            "completed_on": _iso(now),
        },
    )
