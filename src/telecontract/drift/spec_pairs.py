"""Two versions of a spec read side by side: their shared operations and webhooks, what the client
sends and receives in each (payloads by location), and every field of those paired up, cached so
that one walk feeds every rule of a diff (`drift.spec_rules`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from telecontract.drift import locations
from telecontract.drift.findings import Severity
from telecontract.drift.pairing import pairs
from telecontract.drift.schemas import Field, fields
from telecontract.spec import Operation, Spec

Detect = Callable[[Spec, Spec], Iterator[tuple[str, str, str]]]  # -> (operation, location, sentence)
# A location is a JSON pointer that resolves in the document the finding is about (`drift.locations`):
# the new one, or the old one for what was removed.
SIDES = ("request", "response")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    detect: Detect
    example: str = ""  # one line: an edit that triggers it


def operations_of(spec: Spec) -> dict[str, Operation]:
    ops = {f"{op.method.upper()} {op.path}": op for op in spec.operations()}
    ops |= {f"WEBHOOK {name}": op for name, op in spec.webhooks().items()}
    return ops


def pointer_under(spec: Spec, op_key: str, *parts: str) -> str:
    """A pointer under the operation `op_key` of `spec` (each part one escaped token)."""
    return "/".join([locations.operation(spec, op_key), *(locations.escape(part) for part in parts)])


def shared_operations(old: Spec, new: Spec) -> Iterator[tuple[str, Operation, Operation]]:
    old_ops, new_ops = operations_of(old), operations_of(new)
    for key in sorted(old_ops.keys() & new_ops.keys()):
        yield key, old_ops[key], new_ops[key]


def responses_of(spec: Spec, op: Operation) -> dict[str, Any]:
    return {str(k): spec.resolve(v) for k, v in op.definition.get("responses", {}).items()}


def body_of(spec: Spec, holder: dict[str, Any]) -> tuple[str, Any] | None:
    """(media type, schema) of the JSON body (`application/json; charset=utf-8` and `+json` types too),
    else of the form body."""
    content = (spec.resolve(holder).get("content") or {}) if holder else {}
    by_essence = {str(media).split(";")[0].strip().lower(): media for media in content}
    json_types = sorted((m for m in by_essence if m == "application/json" or m.endswith("+json")), key=len)
    essence = json_types[0] if json_types else "application/x-www-form-urlencoded"
    media = by_essence.get(essence)
    found = content.get(media) if media is not None else None
    return (media, found["schema"]) if isinstance(found, dict) and "schema" in found else None


def body_at(spec: Spec, holder_at: str, media: str) -> str:
    return f"{locations.followed(spec, holder_at)}/content/{locations.escape(media)}/schema"


def parameters_of(spec: Spec, op: Operation, key: str) -> dict[str, tuple[Any, str]]:
    """Parameter schemas and where each is written, by location label: parameters/query/verbose."""
    found = {}
    for name, (parameter, at) in declared_parameters(spec, op, key).items():
        if "schema" in parameter:
            found[f"parameters/{parameter.get('in')}/{name}"] = (parameter["schema"], f"{at}/schema")
    return found


Payloads = dict[str, tuple[Any, str]]  # location label -> (schema, the pointer it is written at)


def payloads(spec: Spec, key: str, op: Operation, side: str) -> Payloads:
    """Schemas by location label of what the client sends (side "request") or receives ("response").

    Labels pair the two versions' payloads (whatever their media types' spelling); each schema
    comes with the pointer it is written at, where its fields' locations start.
    """
    at = locations.operation(spec, key)
    requests: Payloads = {}
    if (body := body_of(spec, op.definition.get("requestBody", {}))) is not None:
        requests["requestBody/content"] = (body[1], body_at(spec, f"{at}/requestBody", body[0]))
    requests |= parameters_of(spec, op, key)
    responses: Payloads = {}
    for status, response in responses_of(spec, op).items():
        response_at = locations.followed(spec, f"{at}/responses/{locations.escape(status)}")
        if (body := body_of(spec, response)) is not None:
            responses[f"responses/{status}/content"] = (body[1], body_at(spec, response_at, body[0]))
        for name, header in (response.get("headers") or {}).items():
            if "schema" in (header := spec.resolve(header)):
                header_at = locations.followed(spec, f"{response_at}/headers/{locations.escape(name)}")
                responses[f"responses/{status}/headers/{name}"] = (header["schema"], f"{header_at}/schema")
    # For a webhook the provider sends the request and the client answers it.
    client_sends, client_receives = (responses, requests) if key.startswith("WEBHOOK ") else (requests, responses)
    return client_sends if side == "request" else client_receives


@functools.lru_cache(maxsize=16)
def field_pairs(
    old: Spec, new: Spec, side: str, branches: bool = False
) -> tuple[tuple[str, str, Field | None, Field | None], ...]:
    """Cached: one walk of both versions feeds every field rule (five dozen of them) of a diff."""
    return tuple(walk_pairs(old, new, side, branches=branches))


def walk_pairs(
    old: Spec, new: Spec, side: str, *, branches: bool = False
) -> Iterator[tuple[str, str, Field | None, Field | None]]:
    """(operation, location, field before, field after) for every field of either version.

    Fields inside a branch that only one version has are left to the branch rules (one finding for
    the branch, not one per field in it); `branches=True` yields just those branches.
    """
    for key, old_op, new_op in shared_operations(old, new):
        old_payloads, new_payloads = payloads(old, key, old_op, side), payloads(new, key, new_op, side)
        for label in sorted(old_payloads.keys() & new_payloads.keys()):
            (old_schema, old_at), (new_schema, new_at) = old_payloads[label], new_payloads[label]
            before = {f.pointer: f for f in fields(old, old_schema)}
            after = {f.pointer: f for f in fields(new, new_schema)}
            paired = list(pairs(before, after))
            lone = [p for p, was, now in paired if (was is None) != (now is None) and (was or now).branch]  # type: ignore[union-attr]
            # A branch inside a lone branch is part of it: one finding, for the outermost.
            outermost = {b for b in lone if not any(b.startswith(other + "/") for other in lone)}
            for pointer, was, now in paired:
                inside_lone = any(pointer == b or pointer.startswith(b + "/") for b in lone)
                if inside_lone == branches and (not branches or pointer in outermost):
                    # In the new document, or the old one for a field that is gone.
                    where = locations.field(new, new_at, pointer) if now else locations.field(old, old_at, pointer)
                    yield key, where, was, now


def declared_parameters(spec: Spec, op: Operation, key: str) -> dict[str, tuple[dict[str, Any], str]]:
    """name -> (parameter, the pointer it is written at); the operation's own override the path's."""
    at = locations.operation(spec, key)
    item_at = at.rsplit("/", 1)[0]
    declared = {}
    for holder_at, holder in ((item_at, path_items(spec, key)), (at, op.definition)):
        for index, parameter in enumerate(holder.get("parameters", [])):
            parameter_at = locations.followed(spec, f"{holder_at}/parameters/{index}")
            declared[spec.resolve(parameter)["name"]] = (spec.resolve(parameter), parameter_at)
    return declared


def path_items(spec: Spec, key: str) -> dict[str, Any]:
    kind, _, name = key.partition(" ")
    return spec.resolve(spec.document.get("webhooks" if kind == "WEBHOOK" else "paths", {}).get(name, {}))
