"""Is a response what the spec says? Used by every load scenario: a non-conforming 2xx is a failure."""

from __future__ import annotations

from typing import Any

import orjson

from telecontract.spec import Spec


def violation(spec: Spec, operation_id: str, status: int, content_type: str, body: bytes) -> str | None:
    """Why the response breaks the spec, or None when it conforms."""
    responses = spec.operation(operation_id).definition["responses"]
    if str(status) not in responses:
        return f"status {status} is not documented for {operation_id}"
    response = spec.resolve(responses[str(status)])
    content = response.get("content")
    if not content:
        return None
    media_type = content_type.split(";", 1)[0].strip()
    if media_type not in content:
        return f"content type {media_type or '(none)'} is not documented for {operation_id} {status}"
    if media_type != "application/json":
        return None
    try:
        payload: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return f"{operation_id} {status}: body is not JSON"
    validator = spec.response_validator(operation_id, str(status), media_type)
    if validator.is_valid(payload):
        return None
    error = next(iter(validator.iter_errors(payload)))
    where = "/".join(map(str, error.instance_path)) or "(root)"
    return f"{operation_id} {status}: {where}: {error.message}"
