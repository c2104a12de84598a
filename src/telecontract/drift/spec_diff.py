"""Spec against spec: every change between two versions, classified as breaking, risky or safe.

The rules are data: one entry per rule, each a function from (old, new) to findings. Requests
are what the client sends (operation request bodies and parameters, webhook responses); responses
are what the client receives (operation responses, webhook request bodies).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from telecontract.drift.findings import ERROR, INFO, WARNING, Finding, Severity, drift_finding
from telecontract.drift.schemas import Field, fields
from telecontract.spec import Operation, Spec


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    detect: Callable[[Spec, Spec], Iterator[tuple[str, str, str]]]  # (operation, location, sentence)


def _operations(spec: Spec) -> dict[str, Operation]:
    ops = {f"{op.method.upper()} {op.path}": op for op in spec.operations()}
    ops |= {f"WEBHOOK {name}": op for name, op in spec.webhooks().items()}
    return ops


def _pointer(op_key: str, *parts: str) -> str:
    kind, _, name = op_key.partition(" ")
    base = (
        f"#/webhooks/{name}/post"
        if kind == "WEBHOOK"
        else f"#/paths/{name.replace('~', '~0').replace('/', '~1')}/{kind.lower()}"
    )
    return "/".join([base, *parts])


def _shared(old: Spec, new: Spec) -> Iterator[tuple[str, Operation, Operation]]:
    old_ops, new_ops = _operations(old), _operations(new)
    for key in sorted(old_ops.keys() & new_ops.keys()):
        yield key, old_ops[key], new_ops[key]


def _responses(spec: Spec, op: Operation) -> dict[str, Any]:
    return {str(k): spec.resolve(v) for k, v in op.definition.get("responses", {}).items()}


def _body_schema(spec: Spec, holder: dict[str, Any]) -> Any | None:
    content = spec.resolve(holder).get("content", {}) if holder else {}
    media = content.get("application/json") or content.get("application/x-www-form-urlencoded")
    return media.get("schema") if media else None


def _payloads(spec: Spec, key: str, op: Operation, side: str) -> dict[str, Any]:
    """Body schemas by label, of what the client sends (side "request") or receives ("response")."""
    request_body = _body_schema(spec, op.definition.get("requestBody", {}))
    requests = {} if request_body is None else {"requestBody": request_body}
    responses = {
        f"responses/{status}": schema
        for status, response in _responses(spec, op).items()
        if (schema := _body_schema(spec, response)) is not None
    }
    # For a webhook the provider sends the request and the client answers it.
    client_sends, client_receives = (responses, requests) if key.startswith("WEBHOOK ") else (requests, responses)
    return client_sends if side == "request" else client_receives


def _field_pairs(old: Spec, new: Spec, side: str) -> Iterator[tuple[str, str, Field | None, Field | None]]:
    for key, old_op, new_op in _shared(old, new):
        old_payloads, new_payloads = _payloads(old, key, old_op, side), _payloads(new, key, new_op, side)
        for label in sorted(old_payloads.keys() & new_payloads.keys()):
            before = {f.pointer: f for f in fields(old, old_payloads[label])}
            after = {f.pointer: f for f in fields(new, new_payloads[label])}
            for pointer in sorted(before.keys() | after.keys()):
                yield key, _pointer(key, label, "content") + pointer, before.get(pointer), after.get(pointer)


# ---- the rules -------------------------------------------------------------------------------


def operation_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key in sorted(_operations(old).keys() - _operations(new).keys()):
        yield key, _pointer(key), f"{key} was removed"


def operation_added(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key in sorted(_operations(new).keys() - _operations(old).keys()):
        yield key, _pointer(key), f"{key} was added"


def status_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        for status in sorted(_responses(old, old_op).keys() - _responses(new, new_op).keys()):
            yield key, _pointer(key, "responses", status), f"{key} no longer documents status {status}"


def status_added(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        for status in sorted(_responses(new, new_op).keys() - _responses(old, old_op).keys()):
            yield (
                key,
                _pointer(key, "responses", status),
                f"{key} may now answer {status}, which clients may not handle",
            )


def request_field_required(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "request"):
        if after is not None and after.required and after.pointer != "/" and (before is None or not before.required):
            change = "was added as required" if before is None else "became required"
            yield key, where, f"request field {after.pointer} {change}"


def request_field_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "request"):
        if before is not None and after is None:
            yield key, where, f"request field {before.pointer} was removed; clients sending it may be refused"


def request_enum_narrowed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "request"):
        if before and after and before.enum is not None and after.enum is not None and before.enum - after.enum:
            gone = ", ".join(sorted(before.enum - after.enum))
            yield key, where, f"request field {after.pointer} no longer accepts {gone}"


def response_enum_widened(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "response"):
        if before and after and before.enum is not None and after.enum is not None and after.enum - before.enum:
            added = ", ".join(sorted(after.enum - before.enum))
            yield key, where, f"response field {after.pointer} may now be {added}, which clients may not handle"


def type_changed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for side in ("request", "response"):
        for key, where, before, after in _field_pairs(old, new, side):
            if before is None or after is None:
                continue
            if before.types and after.types and before.types != after.types:
                yield (
                    key,
                    where,
                    (
                        f"{side} field {after.pointer} changed type from {'/'.join(sorted(before.types))} "
                        f"to {'/'.join(sorted(after.types))}"
                    ),
                )
            elif before.format != after.format and (before.format or after.format):
                yield key, where, f"{side} field {after.pointer} changed format from {before.format} to {after.format}"


def response_field_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "response"):
        if before is not None and after is None:
            yield key, where, f"response field {before.pointer} was removed"


def response_field_optional(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "response"):
        if before is not None and after is not None and before.required and not after.required:
            yield key, where, f"response field {after.pointer} is no longer guaranteed (became optional)"


def _security(spec: Spec, op: Operation) -> str:
    requirements = op.definition.get("security", spec.document.get("security", []))
    return repr(sorted(sorted(r) for r in requirements))


def security_changed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        if _security(old, old_op) != _security(new, new_op):
            yield key, _pointer(key, "security"), f"{key} changed its security requirements"
    old_schemes = old.document.get("components", {}).get("securitySchemes", {})
    new_schemes = new.document.get("components", {}).get("securitySchemes", {})
    for name in sorted(old_schemes.keys() & new_schemes.keys()):
        before = {k: v for k, v in old.resolve(old_schemes[name]).items() if k != "description"}
        after = {k: v for k, v in new.resolve(new_schemes[name]).items() if k != "description"}
        if before != after:
            yield "", f"#/components/securitySchemes/{name}", f"security scheme {name} changed"


def _parameters(spec: Spec, op: Operation, path_item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    params = [spec.resolve(p) for p in path_item.get("parameters", []) + op.definition.get("parameters", [])]
    return {p["name"]: p for p in params}


def _path_items(spec: Spec, key: str) -> dict[str, Any]:
    kind, _, name = key.partition(" ")
    return spec.resolve(spec.document.get("webhooks" if kind == "WEBHOOK" else "paths", {}).get(name, {}))


def parameter_moved(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        before = _parameters(old, old_op, _path_items(old, key))
        after = _parameters(new, new_op, _path_items(new, key))
        for name in sorted(before.keys() & after.keys()):
            if before[name]["in"] != after[name]["in"]:
                yield (
                    key,
                    _pointer(key, "parameters", name),
                    (f"parameter {name} moved from {before[name]['in']} to {after[name]['in']}"),
                )


def parameter_required_added(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        before = _parameters(old, old_op, _path_items(old, key))
        after = _parameters(new, new_op, _path_items(new, key))
        for name in sorted(after):
            if after[name].get("required") and not (name in before and before[name].get("required")):
                yield key, _pointer(key, "parameters", name), f"parameter {name} is now required"


def server_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    before = {s["url"] for s in old.document.get("servers", [])}
    after = {s["url"] for s in new.document.get("servers", [])}
    for url in sorted(before - after):
        yield "", "#/servers", f"server {url} was removed"


RULES: tuple[Rule, ...] = (
    Rule("operation-removed", ERROR, "an operation or webhook was removed", operation_removed),
    Rule("operation-added", INFO, "an operation or webhook was added", operation_added),
    Rule("status-removed", ERROR, "a documented status code was removed", status_removed),
    Rule("status-added", WARNING, "a new status code may be answered", status_added),
    Rule(
        "request-field-required",
        ERROR,
        "a request field was added as required or made required",
        request_field_required,
    ),
    Rule("request-field-removed", WARNING, "a request field was removed", request_field_removed),
    Rule("request-enum-narrowed", ERROR, "an enum value was removed from a request field", request_enum_narrowed),
    Rule("response-enum-widened", ERROR, "an enum value was added to a response field", response_enum_widened),
    Rule("type-changed", ERROR, "a field changed type or format", type_changed),
    Rule("response-field-removed", ERROR, "a response field was removed", response_field_removed),
    Rule("response-field-optional", ERROR, "a response field became optional", response_field_optional),
    Rule("security-changed", ERROR, "security requirements or schemes changed", security_changed),
    Rule("parameter-moved", ERROR, "a parameter moved (query, header, path)", parameter_moved),
    Rule(
        "parameter-required-added",
        ERROR,
        "a parameter was added as required or made required",
        parameter_required_added,
    ),
    Rule("server-removed", ERROR, "a server URL was removed", server_removed),
)


def diff(old: Spec, new: Spec) -> list[Finding]:
    return [
        drift_finding(rule.id, rule.severity, location, sentence, operation)
        for rule in RULES
        for operation, location, sentence in rule.detect(old, new)
    ]
