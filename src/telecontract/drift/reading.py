"""One reading of a schema node, whichever OpenAPI version wrote it (3.0, 3.1 or 3.2).

The versions say the same things in different words: null is `nullable: true` in 3.0 and a `"null"`
in a `type` list, a `{type: "null"}` branch or a `const: null` in 3.1 and 3.2; an exclusive bound is
a boolean beside `maximum` in 3.0 and a number of its own since 3.1; a `const` or an `enum` without
`type` still fixes the JSON type. Drift compares what these readings give, never the words.
"""

from __future__ import annotations

import json
from typing import Any

BRANCHING = ("oneOf", "anyOf")
NUMERIC = frozenset({"integer", "number"})

# A 3.0 boolean exclusive bound turns the plain bound beside it exclusive: exclusiveMaximum: true
# with maximum: 5 is 3.1's exclusiveMaximum: 5.
_EXCLUSIVE_BOUNDS = {"exclusiveMaximum": "maximum", "exclusiveMinimum": "minimum"}


def json_type(value: Any) -> str:
    """The JSON Schema type name of a value (`null`, `boolean`, `integer`, ...), not Python's."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: a bool is an int in Python
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def is_null_schema(node: Any) -> bool:
    """A schema that accepts null and nothing else: `{type: "null"}`, `{type: ["null"]}`, `{const: null}`."""
    if not isinstance(node, dict):
        return False
    declared = node.get("type")
    if declared == "null" or declared == ["null"]:
        return True
    return "const" in node and node["const"] is None and "type" not in node


def types(node: dict[str, Any]) -> frozenset[str]:
    """The JSON types a node accepts, `null` included; empty when the node does not say."""
    declared = node.get("type")
    if isinstance(declared, list):
        found = frozenset(str(t) for t in declared)
    elif isinstance(declared, str):
        found = frozenset({declared})
    elif "const" in node:
        found = frozenset({json_type(node["const"])})
    elif isinstance(node.get("enum"), list) and node["enum"]:
        found = frozenset(json_type(value) for value in node["enum"])
    else:
        return frozenset()
    return found | {"null"} if node.get("nullable") is True else found


def nullable(node: dict[str, Any]) -> bool:
    """null accepted: by its type, 3.0's `nullable: true`, a `const` / `enum` null, or a null branch."""
    if "null" in types(node) or node.get("nullable") is True:
        return True
    if None in (node.get("enum") or []):
        return True
    return any(is_null_schema(branch) for keyword in BRANCHING for branch in node.get(keyword, []))


def enum_values(node: dict[str, Any]) -> frozenset[str] | None:
    """The values a `const` or `enum` allows, as text; null is left to the nullability rules."""
    values = [node["const"]] if "const" in node else node.get("enum")
    if not isinstance(values, list):
        return None
    kept = [value for value in values if value is not None]
    if not kept and values:
        return None  # null only: said by the types, not as a value
    return frozenset(value if isinstance(value, str) else json.dumps(value) for value in kept)


def constraint_values(node: dict[str, Any], keywords: tuple[str, ...]) -> dict[str, Any]:
    """keyword -> value of each keyword set on the node, 3.0's boolean exclusive bounds made numbers."""
    found = {k: node[k] for k in keywords if k in node}
    for exclusive, bound in _EXCLUSIVE_BOUNDS.items():
        flag = found.get(exclusive)
        if isinstance(flag, bool):
            del found[exclusive]
            if flag and bound in found:
                found[exclusive] = found.pop(bound)
    return found


def with_integers(types: frozenset[str]) -> frozenset[str]:
    """An integer is a number too: `number` accepts what `integer` does."""
    return types | {"integer"} if "number" in types else types


def covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Does every type of `narrow` fall under `wide`?"""
    return narrow <= with_integers(wide)


def lone_branch(node: dict[str, Any]) -> tuple[str, int] | None:
    """(keyword, index) of the one real branch of a choice of it or null: 3.1's way to write a nullable `$ref`."""
    for keyword in BRANCHING:
        raw = node.get(keyword) or []
        real = [index for index, branch in enumerate(raw) if not is_null_schema(branch)]
        if len(real) == 1 and len(raw) > 1:
            return keyword, real[0]
    return None
