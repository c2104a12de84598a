"""What the spec tells the guard: which operations place calls, which values name people, which
URLs the provider calls back. Read from `x-telecontract-*` marks, so an edited spec (renamed
operation ids, new fields) is guarded the same as the bundled one.

- `x-telecontract-places-call: true` on an operation: sending it places a call; on a boolean
  property: the request places a call when it is true (VTS's `initiate_call_to_first_party`).
- `x-telecontract-party-number: true` on a schema: a value of it is a person's number.
- `x-telecontract-calls-back: true` on a property: the provider posts to or fetches that URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from telecontract.spec import Operation, Spec

PLACES_CALL = "x-telecontract-places-call"
PARTY_NUMBER = "x-telecontract-party-number"
CALLS_BACK = "x-telecontract-calls-back"
MARKS = (PLACES_CALL, PARTY_NUMBER, CALLS_BACK)


@dataclass(frozen=True, slots=True)
class OperationMarks:
    operation: Operation
    places_call: bool
    # Names of the properties (at any depth of the body) and parameters each mark applies to.
    call_switches: frozenset[str] = field(default_factory=frozenset)
    party_fields: frozenset[str] = field(default_factory=frozenset)
    callback_fields: frozenset[str] = field(default_factory=frozenset)
    body_party_fields: frozenset[str] = field(default_factory=frozenset)  # not filters: what it opens or calls

    @property
    def takes_party_number(self) -> bool:
        return bool(self.party_fields)

    @property
    def can_place_call(self) -> bool:
        return self.places_call or bool(self.call_switches)


class Marks:
    """Every operation's marks, and the operation a (method, path) on the wire belongs to."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.operations = [_marks_of(spec, operation) for operation in spec.operations()]
        self._routes = [(_template(m.operation.path), m) for m in self.operations]

    def of(self, operation_id: str) -> OperationMarks:
        return next(m for m in self.operations if m.operation.operation_id == operation_id)

    def matching(self, method: str, path: str) -> OperationMarks | None:
        """The operation that serves `method path` (a trailing slash either way: providers differ)."""
        bare = path.rstrip("/") or "/"
        for pattern, marks in self._routes:
            if marks.operation.method == method.lower() and pattern.fullmatch(bare):
                return marks
        return None

    def serves_path(self, path: str) -> bool:
        """Whether some operation of the spec has this path (by any method)."""
        bare = path.rstrip("/") or "/"
        return any(pattern.fullmatch(bare) for pattern, _ in self._routes)

    @property
    def any_call_marked(self) -> bool:
        return any(m.can_place_call for m in self.operations)


def _template(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path.rstrip("/") or "/")
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def _marks_of(spec: Spec, operation: Operation) -> OperationMarks:
    found: dict[str, set[str]] = {PLACES_CALL: set(), PARTY_NUMBER: set(), CALLS_BACK: set()}
    for parameter in _parameters(spec, operation):
        _collect(spec, parameter.get("schema", {}), str(parameter.get("name")), found, seen=set())
        for mark in MARKS:
            if parameter.get(mark):
                found[mark].add(str(parameter.get("name")))
    in_body: dict[str, set[str]] = {PLACES_CALL: set(), PARTY_NUMBER: set(), CALLS_BACK: set()}
    body = spec.resolve(operation.definition.get("requestBody", {}))
    for media in body.get("content", {}).values():
        _collect(spec, media.get("schema", {}), "", in_body, seen=set())
    for mark in MARKS:
        found[mark] |= in_body[mark]
    return OperationMarks(
        operation,
        places_call=bool(operation.definition.get(PLACES_CALL)),
        call_switches=frozenset(found[PLACES_CALL]),
        party_fields=frozenset(found[PARTY_NUMBER]),
        callback_fields=frozenset(found[CALLS_BACK]),
        body_party_fields=frozenset(in_body[PARTY_NUMBER]),
    )


def _parameters(spec: Spec, operation: Operation) -> list[dict[str, Any]]:
    item = spec.resolve(spec.document.get("paths", {}).get(operation.path, {}))
    return [spec.resolve(p) for p in item.get("parameters", []) + operation.definition.get("parameters", [])]


def _collect(spec: Spec, node: Any, name: str, found: dict[str, set[str]], seen: set[str]) -> None:
    """Walk a schema; a mark on it (or on what it refers to) applies to the property `name`."""
    if isinstance(node, list):
        for item in node:
            _collect(spec, item, name, found, seen)
        return
    if not isinstance(node, dict):
        return
    if ref := node.get("$ref"):
        if ref in seen:  # a recursive schema: walked once
            return
        seen = seen | {ref}
    for mark in MARKS:
        if node.get(mark) and name:
            found[mark].add(name)
    if "$ref" in node:
        _collect(spec, spec.pointer(node["$ref"]), name, found, seen)
    for key, child in (node.get("properties") or {}).items():
        _collect(spec, child, key, found, seen)
    for key in ("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not", "then", "else"):
        if key in node:
            _collect(spec, node[key], name, found, seen)
