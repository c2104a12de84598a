"""Every link in the spec leads somewhere that works: create with the documents' example, then use it.

The examples come through `telecontract.contract.bodies`: an edited spec that requires a field its
examples lack gets the field filled in, not a 400 for the test to trip on.

Schemathesis's stateful runs explore links at random; this walks each one once, deterministically,
with all checks on, so the happy path of every linked operation is always checked.
"""

from __future__ import annotations

from typing import Any

import pytest

from telecontract.client_auth import basic_for
from telecontract.contract.bodies import Bodies
from telecontract.contract.sending import SendingAuth
from telecontract.contract.target import Target
from telecontract.spec import Operation, Spec, load_spec


def links(spec: Spec) -> list[tuple[Operation, str, str, dict[str, Any]]]:
    return [
        (operation, status, name, link)
        for operation in spec.operations()
        for status, response in operation.definition.get("responses", {}).items()
        for name, link in spec.resolve(response).get("links", {}).items()
    ]


def request_of(spec: Spec, bodies: Bodies, operation: Operation, link_body: Any = None) -> tuple[Any, str | None]:
    """The operation's first request example (or the link's body), as the spec accepts it; (None, None): no body."""
    content = spec.resolve(operation.definition.get("requestBody", {})).get("content", {})
    if not content:
        return None, None
    media_type = next(iter(content))
    if link_body is not None:
        return bodies(operation.operation_id, link_body, media_type=media_type, from_example=False), media_type
    return bodies(operation.operation_id, media_type=media_type), media_type


def resolve(expression: Any, body: dict[str, Any]) -> Any:
    """`$response.body#/field` (the only form the spec uses), inside any JSON structure."""
    if isinstance(expression, str) and expression.startswith("$response.body#/"):
        return body[expression.removeprefix("$response.body#/")]
    if isinstance(expression, dict):
        return {key: resolve(value, body) for key, value in expression.items()}
    return expression


def case_for(
    api_schema: Any,
    operation: Operation,
    target: Target,
    *,
    path_parameters: dict[str, Any],
    body: Any,
    media_type: str | None,
    query: dict[str, Any] | None = None,
) -> Any:
    """A schemathesis case for one exchange of our choosing (test_promises walks with these too)."""
    # TeleSign's Basic header is upgraded to TSA HMAC on the wire by the run's auth.
    kwargs: dict[str, Any] = {
        "path_parameters": path_parameters,
        "headers": {"Authorization": basic_for(target.credentials, operation.path)},
    }
    if query:
        kwargs["query"] = query
    if media_type is not None:
        kwargs |= {"body": body, "media_type": media_type}
    try:
        found = api_schema[operation.path]
    except (KeyError, LookupError):
        found = api_schema[operation.path + "/"]  # the target wants the VTS paths with a slash
    return found[operation.method.upper()].Case(**kwargs)


@pytest.mark.parametrize(
    ("source", "status", "name", "link"), links(load_spec()), ids=lambda v: getattr(v, "operation_id", str(v))
)
def test_link_leads_to_a_working_operation(
    api_schema,
    spec: Spec,
    target: Target,
    wire_auth: SendingAuth,
    contract_checks: dict[str, Any],
    scope_reasons: dict[str, str],
    bodies: Bodies,
    source: Operation,
    status: str,
    name: str,
    link: dict[str, Any],
) -> None:
    for operation_id in (source.operation_id, link["operationId"]):
        if operation_id in scope_reasons:
            pytest.skip(f"{operation_id} is left out of this run: {scope_reasons[operation_id]}")
    account = {"auth_id": target.credentials.vts_auth_id} if "{auth_id}" in source.path else {}
    example, media_type = request_of(spec, bodies, source)  # on a live run, with listed numbers
    created_case = case_for(api_schema, source, target, path_parameters=account, body=example, media_type=media_type)
    created = created_case.call(auth=wire_auth)
    used_case, used = None, None
    if 200 <= created.status_code < 300:
        destination = spec.operation(link["operationId"])
        parameters = {**account, **resolve(link.get("parameters", {}), created.json())}
        link_body = resolve(link["requestBody"], created.json()) if "requestBody" in link else None
        body, media_type = request_of(spec, bodies, destination, link_body)
        used_case = case_for(
            api_schema, destination, target, path_parameters=parameters, body=body, media_type=media_type
        )
        used = used_case.call(auth=wire_auth)
    # Both are judged once both went out: the checks send requests of their own, and on the embedded
    # mock a dialled call is over in a tenth of a second, so judging the dial first let the call end
    # before its hangup arrived (a failure of this test, not of the target).
    created_case.validate_response(created, **contract_checks)
    # Any 2xx will do here: whether it is exactly the declared one is status_code_conformance's to say.
    assert used_case is not None and used is not None, (
        f"{source.operation_id} answered {created.status_code}: {created.text}"
    )
    used_case.validate_response(used, **contract_checks)
    assert 200 <= used.status_code < 300, f"{name}: {used.status_code} {used.text}"
