"""Walking schemas of a spec as flat facts: which properties exist, their types, enums, requiredness."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from telecontract.spec import Spec


@dataclass(frozen=True, slots=True)
class Field:
    pointer: str  # JSON pointer inside the payload, e.g. /session_data/validity
    types: frozenset[str]
    format: str | None
    enum: frozenset[str] | None
    required: bool


def merged(spec: Spec, schema: Any, depth: int = 0) -> dict[str, Any]:
    """A schema with `$ref`s followed and `allOf` folded in (what a reader of the spec sees)."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict) or depth > 20:
        return {}
    result: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = dict(result.get("properties", {}))
    required = set(result.get("required", []))
    for part in (merged(spec, p, depth + 1) for p in schema.get("allOf", [])):
        for name, child in part.get("properties", {}).items():
            # A later part refines a property (e.g. narrows status.code to an enum): merge, not replace.
            properties[name] = (
                {**merged(spec, properties[name], depth + 1), **merged(spec, child, depth + 1)}
                if (name in properties)
                else child
            )
        required |= set(part.get("required", []))
        for key, value in part.items():
            if key not in ("properties", "required"):
                result.setdefault(key, value)
    if properties:
        result["properties"] = properties
    if required:
        result["required"] = sorted(required)
    return result


def _types(schema: dict[str, Any]) -> frozenset[str]:
    declared = schema.get("type")
    if isinstance(declared, list):
        return frozenset(declared)
    if isinstance(declared, str):
        return frozenset({declared})
    if "const" in schema:
        return frozenset({type(schema["const"]).__name__})
    return frozenset()


def fields(spec: Spec, schema: Any, pointer: str = "", required: bool = True, depth: int = 0) -> Iterator[Field]:
    """Every property reachable through `properties` (variants of oneOf/anyOf are not unfolded)."""
    node = merged(spec, schema)
    if depth > 12:
        return
    enum = node.get("enum")
    if "const" in node:
        enum = [node["const"]]
    yield Field(
        pointer or "/",
        _types(node),
        node.get("format"),
        frozenset(map(str, enum)) if enum is not None else None,
        required,
    )
    required_names = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        yield from fields(spec, child, f"{pointer}/{name}", name in required_names, depth + 1)
    if "items" in node:
        yield from fields(spec, node["items"], f"{pointer}/[]", True, depth + 1)
