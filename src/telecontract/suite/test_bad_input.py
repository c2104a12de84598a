"""Bad input gets a documented 4xx with the documented error body, never a 5xx."""

from __future__ import annotations

import httpx
import pytest

from telecontract.contract.bodies import Bodies
from telecontract.contract.failures import RuleViolation
from telecontract.contract.options import RunOptions
from telecontract.contract.target import Target
from telecontract.provenance import provenance_at
from telecontract.spec import Spec, load_spec

BROKEN_BODIES = {"truncated JSON": b'{"phone_number_1": ', "not JSON": b"\xff\xfe<xml/>", "empty": b""}
VTS_SESSION = "{session_uuid}"


def operations_with_a_body(spec: Spec) -> list[tuple[str, str, str, str]]:
    return [
        (op.method.upper(), op.path, op.operation_id, media_type)
        for op in spec.operations()
        for media_type in spec.resolve(op.definition.get("requestBody", {})).get("content", {})
    ]


def existing_session(client: httpx.Client, target: Target, options: RunOptions, bodies: Bodies) -> str:
    """A VTS session to send broken updates to, so they reach the body rule rather than a 404."""
    listed = ("14155552345", "12165554567") if target.embedded else tuple(options.numbers or ())
    first, second = listed[0], listed[1 % len(listed)]
    response = client.post(
        f"/v1/Account/{target.credentials.vts_auth_id}/Masking/Session",
        json=bodies("createVtsMaskingSession", {"first_party": "+" + first, "second_party": "+" + second}),
    )
    assert response.status_code in (200, 201), response.text  # the VTS page's 200, Plivo's 201
    return str(response.json()["session_uuid"])


@pytest.mark.parametrize(("method", "path", "operation_id", "media_type"), operations_with_a_body(load_spec()), ids=str)
@pytest.mark.parametrize("kind", sorted(BROKEN_BODIES))
def test_malformed_body_is_a_documented_client_error(
    client: httpx.Client,
    spec: Spec,
    target: Target,
    contract_options: RunOptions,
    scope_reasons: dict[str, str],
    bodies: Bodies,
    method: str,
    path: str,
    operation_id: str,
    media_type: str,
    kind: str,
) -> None:
    if operation_id in scope_reasons:
        pytest.skip(f"{operation_id} is left out of this run: {scope_reasons[operation_id]}")
    url = path.replace("{auth_id}", target.credentials.vts_auth_id)
    if VTS_SESSION in url:
        if not target.embedded and not contract_options.numbers:
            pytest.skip("needs a VTS session, which needs --numbers to create")
        url = url.replace(VTS_SESSION, existing_session(client, target, contract_options, bodies))
    response = client.request(method, url, content=BROKEN_BODIES[kind], headers={"Content-Type": media_type})
    label = f"{method} {path}"  # what the finding is about, as the spec writes it
    if response.status_code >= 500:
        raise RuleViolation(
            "not_a_server_error", f"{label} with a {kind} body answered {response.status_code}", operation=label
        )
    status = str(response.status_code)
    answers = spec.operation(operation_id).definition["responses"]
    if not status.startswith("4") or status not in answers:
        raise RuleViolation(
            "status_code_conformance",
            f"{label} with a {kind} body answered {status}, not a documented 4xx",
            provenance=provenance_at(spec.document, ["paths", path, method.lower()]),
            operation=label,
        )
    schema = spec.response_schema(operation_id, status)
    errors = [e.message for e in spec.validator(schema).iter_errors(response.json())]
    if errors:
        answer = answers[status]
        where = answer["$ref"].lstrip("#/").split("/") if "$ref" in answer else ["paths", path, method.lower()]
        raise RuleViolation(
            "response_schema_conformance",
            f"{label} {status} error body: {errors[0]}",
            provenance=provenance_at(spec.document, [*where, "content", "application/json", "schema"]),
            operation=label,
        )
