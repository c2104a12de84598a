"""Bad input gets a documented 4xx with the documented error body, never a 5xx."""

from __future__ import annotations

import httpx
import pytest

from telecontract.contract.failures import RuleViolation
from telecontract.contract.target import Target
from telecontract.spec import Spec, load_spec

BROKEN_BODIES = {"truncated JSON": b'{"phone_number_1": ', "not JSON": b"\xff\xfe<xml/>", "empty": b""}


def operations_with_a_body(spec: Spec) -> list[tuple[str, str, str, str]]:
    return [
        (op.method.upper(), op.path, op.operation_id, media_type)
        for op in spec.operations()
        for media_type in spec.resolve(op.definition.get("requestBody", {})).get("content", {})
    ]


@pytest.mark.parametrize(("method", "path", "operation_id", "media_type"), operations_with_a_body(load_spec()), ids=str)
@pytest.mark.parametrize("kind", sorted(BROKEN_BODIES))
def test_malformed_body_is_a_documented_client_error(
    client: httpx.Client,
    spec: Spec,
    target: Target,
    method: str,
    path: str,
    operation_id: str,
    media_type: str,
    kind: str,
) -> None:
    url = path.replace("{auth_id}", target.credentials.vts_auth_id).replace("{session_uuid}", "no-such-session")
    response = client.request(method, url, content=BROKEN_BODIES[kind], headers={"Content-Type": media_type})
    if response.status_code >= 500:
        raise RuleViolation("not_a_server_error", f"{method} {path} with a {kind} body answered {response.status_code}")
    status = str(response.status_code)
    documented = spec.operation(operation_id).definition["responses"]
    if not status.startswith("4") or status not in documented:
        raise RuleViolation(
            "status_code_conformance", f"{method} {path} with a {kind} body answered {status}, not a documented 4xx"
        )
    schema = spec.response_schema(operation_id, status)
    errors = [e.message for e in spec.validator(schema).iter_errors(response.json())]
    if errors:
        raise RuleViolation("response_schema_conformance", f"{method} {path} {status} error body: {errors[0]}")
