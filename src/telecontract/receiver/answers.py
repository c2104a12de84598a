"""Is the receiver's answer to a Voice v2 event a valid next action, as the spec describes it?"""

from __future__ import annotations

import orjson

from telecontract import webhooks
from telecontract.receiver.delivery import Exchange
from telecontract.spec import Spec


def action_problem(spec: Spec, exchange: Exchange) -> str | None:
    """Why the answer is not a valid action (or an empty body), or None when it is."""
    if not exchange.acknowledged or not exchange.answer.strip():
        return None  # not acknowledged is another rule's finding; empty hangs up, as the spec allows
    media_type = exchange.content_type.split(";", 1)[0].strip()
    if media_type != webhooks.JSON:
        return f"the answer came as {media_type or 'no content type'}, not application/json"
    try:
        action = orjson.loads(exchange.answer)
    except orjson.JSONDecodeError:
        return "the answer is not valid JSON"
    validator = spec.response_validator(webhooks.operation_id(spec, webhooks.VOICE_EVENT), "200")
    errors = list(validator.iter_errors(action))
    if not errors:
        return None
    where = "/".join(map(str, errors[0].instance_path)) or "(root)"
    return f"the answer is not a valid action at {where}: {errors[0].message}"
