"""JSON pointers (RFC 6901) for drift findings that resolve in the document they are about.

A finding's location is where to look and edit. A field of a payload (`/session_data/validity`,
`/oneOf(dial)/params/to`, `/[]` for an array's items) is found by walking the schema it was read
from, every `$ref` on the way followed, into `properties`, `items`, the named branch of a `oneOf` /
`anyOf`, the `allOf` part that lists it, or the one real branch of a choice of it or null. The
pointer is where the field is declared (`#/components/schemas/MaskedSessionRequest/properties/
validity_period`, a branch's entry in its `oneOf`), so a plain JSON pointer lookup, which follows
no `$ref`, finds it. A step that cannot be followed leaves the pointer at the nearest schema.
"""

from __future__ import annotations

import re
from typing import Any

from telecontract.drift.reading import BRANCHING, lone_branch
from telecontract.drift.schemas import branch_names, merged
from telecontract.errors import SpecError
from telecontract.spec import HTTP_METHODS, Spec

# One step of a field pointer: a branch `oneOf(name)` (whose name may hold a slash), else a name.
STEP = re.compile(r"/((?:oneOf|anyOf)\([^)]*\)|[^/]*)")
BRANCH = re.compile(r"(oneOf|anyOf)\((.*)\)")
MAX_DEPTH = 24


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def lookup(spec: Spec, pointer: str) -> Any | None:
    """The node at `pointer`, following no `$ref`; None when nothing is there."""
    try:
        return spec.pointer(pointer)
    except SpecError:
        return None


def followed(spec: Spec, pointer: str) -> str:
    """`pointer`, or where the `$ref` (chain) at it leads: the place the node is written."""
    seen: set[str] = set()
    node = lookup(spec, pointer)
    while isinstance(node, dict) and isinstance(ref := node.get("$ref"), str) and ref.startswith("#"):
        if pointer in seen or lookup(spec, ref) is None:
            break
        seen.add(pointer)
        pointer, node = ref, lookup(spec, ref)
    return pointer


def operation(spec: Spec, key: str) -> str:
    """`POST /v1/voice` -> `#/paths/~1v1~1voice/post`; `WEBHOOK voiceEvent` -> its method under webhooks."""
    kind, _, name = key.partition(" ")
    if kind == "WEBHOOK":
        item = followed(spec, f"#/webhooks/{escape(name)}")
        node = lookup(spec, item)
        method = next((m for m in HTTP_METHODS if isinstance(node, dict) and m in node), "post")
        return f"{item}/{method}"
    return f"{followed(spec, f'#/paths/{escape(name)}')}/{kind.lower()}"


def steps(field_pointer: str) -> list[str]:
    """`/oneOf(dial)/params/to` -> ['oneOf(dial)', 'params', 'to']; the root `/` has none."""
    return [step for step in STEP.findall(field_pointer) if step]


def field(spec: Spec, schema_at: str, field_pointer: str) -> str:
    """Where the field at `field_pointer` of the schema at `schema_at` is declared."""
    here = schema_at
    for step in steps(field_pointer):
        found = _child(spec, here, step, 0)
        if found is None:
            return followed(spec, here)
        here = found
    return here


def _child(spec: Spec, at: str, step: str, depth: int) -> str | None:
    """The pointer of `step` under the schema at `at` (its `$ref` followed), not followed itself."""
    at = followed(spec, at)
    node = lookup(spec, at)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return None
    # An allOf part refines what the node itself says (drift.schemas folds them so): the last part
    # that declares the step is where its keywords come from.
    for index in reversed(range(len(node.get("allOf") or []))):
        if found := _child(spec, f"{at}/allOf/{index}", step, depth + 1):
            return found
    if step == "[]":
        if "items" in node:
            return f"{at}/items"
    elif branch := BRANCH.fullmatch(step):
        keyword, name = branch.groups()
        if isinstance(node.get(keyword), list):
            names = branch_names(spec, merged(spec, node), keyword)
            if name in names:
                return f"{at}/{keyword}/{names.index(name)}"
    elif isinstance(properties := node.get("properties"), dict) and step in properties:
        return f"{at}/properties/{escape(step)}"
    # Not written here: in the one real branch of a choice of it or null (read as that schema, nullable).
    if (lone := lone_branch(node)) and lone[0] in BRANCHING:
        return _child(spec, f"{at}/{lone[0]}/{lone[1]}", step, depth + 1)
    return None
