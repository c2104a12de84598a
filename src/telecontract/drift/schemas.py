"""Walking schemas of a spec as flat facts: which properties exist, their types, constraints, requiredness.

`allOf` is folded into one schema; each `oneOf` / `anyOf` branch is unfolded under a pointer of its
own, `/oneOf(dial)/params/to`, named by its discriminator value, the constant that tells the
branches apart, its `$ref` target, its type, or else its position. Two versions of a spec that name a
branch the same way are compared branch by branch. A choice of one schema or null (3.1's nullable
`$ref`) is that schema, nullable: no branch. How each keyword reads in 3.0, 3.1 and 3.2 is
`drift.reading`'s job.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from telecontract.drift.constraints import CONSTRAINTS
from telecontract.drift.reading import BRANCHING, constraint_values, enum_values, is_null_schema, lone_branch, nullable
from telecontract.drift.reading import types as _types
from telecontract.spec import Spec

__all__ = ["BRANCHING", "Field", "branch_names", "fields", "merged"]
# The keywords a field keeps for comparison: every constraint drift has a rule for, and the default.
CONSTRAINT_KEYWORDS = (*(constraint.keyword for constraint in CONSTRAINTS), "default")


@dataclass(frozen=True, slots=True)
class Field:
    pointer: str  # JSON pointer inside the payload, e.g. /session_data/validity or /oneOf(dial)/params
    types: frozenset[str]
    enum: frozenset[str] | None
    required: bool
    constraints: dict[str, Any] = field(default_factory=dict, compare=False)  # keyword -> value, when set
    nullable: bool = False
    branch: str | None = None  # "oneOf" or "anyOf" when this field is one branch of a choice
    chooses: bool = False  # the node offers a oneOf / anyOf choice of its own
    folded: str | None = None  # "anyOf(Name)": the one branch a choice of it-or-null was read as


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
            properties[name] = _refined(spec, properties[name], child, depth + 1) if name in properties else child
        required |= set(part.get("required", []))
        for key, value in part.items():
            if key not in ("properties", "required"):
                result.setdefault(key, value)
    if properties:
        result["properties"] = properties
    if required:
        result["required"] = sorted(required)
    return result


def _refined(spec: Spec, earlier: Any, later: Any, depth: int) -> dict[str, Any]:
    """A property two allOf parts both describe: the later one's keywords win, properties merge all the way down.

    So a part that narrows `status` to its `code` keeps the `updated_on` the first part lists.
    """
    before, after = merged(spec, earlier, depth), merged(spec, later, depth)
    result = {**before, **after}
    properties = dict(before.get("properties", {}))
    for name, child in after.get("properties", {}).items():
        properties[name] = _refined(spec, properties[name], child, depth + 1) if name in properties else child
    if properties:
        result["properties"] = properties
    if required := set(before.get("required", [])) | set(after.get("required", [])):
        result["required"] = sorted(required)
    return result


def branch_names(spec: Spec, node: dict[str, Any], keyword: str) -> list[str]:
    """A stable name for each branch of `node[keyword]`, so two versions can be matched branch by branch."""
    raw = node.get(keyword, [])
    branches = [merged(spec, b) for b in raw]
    by_ref: dict[str, str] = {}
    found = node.get("discriminator")
    discriminator: dict[str, Any] = found if isinstance(found, dict) else {}
    for value, ref in (discriminator.get("mapping") or {}).items():
        by_ref[ref] = str(value)
    tag = discriminator.get("propertyName") or _shared_constant(branches)
    names = []
    for index, (original, branch) in enumerate(zip(raw, branches, strict=True)):
        ref = original.get("$ref") if isinstance(original, dict) else None
        constant = branch.get("properties", {}).get(tag, {}) if tag else {}
        constant = spec.resolve(constant) if constant else {}
        if ref in by_ref:
            name = by_ref[ref]
        elif "const" in constant:
            name = str(constant["const"])
        elif ref:
            name = ref.rsplit("/", 1)[-1]
        elif branch.get("title"):
            name = str(branch["title"])
        elif _types(branch) and len(_types(branch)) == 1:
            name = next(iter(_types(branch)))
        else:
            name = str(index)
        names.append(name)
    # Two branches with one name (two strings of different patterns) fall back to their positions.
    return [name if names.count(name) == 1 else f"{name}#{i}" for i, name in enumerate(names)]


def _shared_constant(branches: list[dict[str, Any]]) -> str | None:
    """The property every branch fixes to a constant (`method: {const: play}`): the branches' tag."""
    if not branches:
        return None
    candidates = set.intersection(*(set(b.get("properties", {})) for b in branches))
    for name in sorted(candidates):
        if all(isinstance(b["properties"][name], dict) and "const" in b["properties"][name] for b in branches):
            return name
    return None


def fields(
    spec: Spec,
    schema: Any,
    pointer: str = "",
    required: bool = True,
    depth: int = 0,
    branch: str | None = None,
) -> Iterator[Field]:
    """Every property reachable through `properties`, `items` and the branches of oneOf / anyOf."""
    node = merged(spec, schema)
    if depth > 12:
        return
    folded = None
    if found := lone_branch(node):
        keyword, index = found
        folded = f"{keyword}({branch_names(spec, node, keyword)[index]})"
        rest = {k: v for k, v in node.items() if k != keyword}
        node = {**merged(spec, {"allOf": [rest, node[keyword][index]]}), "nullable": True}
    yield Field(
        pointer or "/",
        _types(node),
        enum_values(node),
        required,
        constraint_values(node, CONSTRAINT_KEYWORDS),
        nullable(node),
        branch,
        chooses=any(not is_null_schema(b) for k in BRANCHING for b in node.get(k, [])),
        folded=folded,
    )
    required_names = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        yield from fields(spec, child, f"{pointer}/{name}", name in required_names, depth + 1)
    if "items" in node:
        yield from fields(spec, node["items"], f"{pointer}/[]", True, depth + 1)
    for keyword in BRANCHING:
        raw = node.get(keyword, [])
        if all(is_null_schema(b) for b in raw):
            continue
        for name, option in zip(branch_names(spec, node, keyword), raw, strict=True):
            if is_null_schema(option):
                continue  # a null branch is the field's nullability, compared as such
            yield from fields(spec, option, f"{pointer}/{keyword}({name})", required, depth + 1, keyword)
