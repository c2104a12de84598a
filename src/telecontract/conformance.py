"""Is a response what the spec says? The one answer, shared by the load users and drift's traffic check.

Each problem says which step failed (status, content type, JSON, schema), where, and why, so a
caller can report the first (a load failure) or all of them (drift findings with rule ids).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from telecontract.spec import Operation, Spec

Step = Literal["status", "content-type", "json", "schema"]


@dataclass(frozen=True, slots=True)
class Problem:
    step: Step
    where: str  # "" for the whole response, else the body's instance path ("/session_data/validity")
    message: str
    error: Any = None  # the jsonschema_rs error, for a schema problem


def response_problems(
    spec: Spec, operation: Operation, status: int, content_type: str, body: bytes | str
) -> Iterator[Problem]:
    """Every way the response breaks the operation's declared responses; nothing when it conforms."""
    answers = operation.definition.get("responses", {})
    if str(status) not in answers:
        yield Problem("status", "", f"status {status} is not documented for {operation.operation_id}")
        return
    content = spec.resolve(answers[str(status)]).get("content")
    if not content:
        return
    media_type = content_type.split(";", 1)[0].strip()
    if media_type not in content:
        came = media_type or "(no content type)"
        yield Problem("content-type", "", f"{status} came as {came}, documented: {', '.join(content)}")
        return
    if media_type != "application/json":
        return
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        yield Problem("json", "", f"{status} body is not valid JSON")
        return
    validator = spec.response_validator(operation.operation_id, str(status), media_type)
    if validator.is_valid(payload):  # the fast path: no error objects built
        return
    for error in validator.iter_errors(payload):
        where = "/" + "/".join(map(str, error.instance_path))
        yield Problem("schema", where, error.message, error)
