"""Pairing the fields of one payload as two documents describe it, pointer by pointer.

Fields pair by pointer, and branches by name. A branch only one side has pairs with the other
side's node itself when that node offers no choice (a `oneOf` of dial / play / speak against one
object with a `method` string), or was read from a choice of that branch or null: the fields are
then compared as what that node accepts of the branch, instead of the branch being reported gone.
A branch whose types the node does not share (an integer branch against a string) stays alone:
that shape is what one side offers and the other does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace

from telecontract.drift.reading import with_integers
from telecontract.drift.schemas import Field

_SEGMENT = re.compile(r"/(?:oneOf|anyOf)\([^/]*\)")  # a branch's step in a pointer: /oneOf(dial)

Pair = tuple[str, Field | None, Field | None]  # (pointer reported, field on one side, on the other)


def pairs(before: Mapping[str, Field], after: Mapping[str, Field]) -> Iterator[Pair]:
    """Every field of either side, with its counterpart on the other side or None.

    One node may pair with several branches (TeleSign's one `method` with our dial's and hangup's).
    """
    matched = {(p, q) for p in before if (q := _counterpart(p, before, after)) is not None}
    matched |= {(p, q) for q in after if (p := _counterpart(q, after, before)) is not None}
    found = [_paired(p, q, before, after) for p, q in matched]
    found += [(p, before[p], None) for p in before.keys() - {p for p, _ in matched}]
    found += [(q, None, after[q]) for q in after.keys() - {q for _, q in matched}]
    yield from sorted(found, key=lambda pair: pair[0])


def _counterpart(pointer: str, own: Mapping[str, Field], other: Mapping[str, Field]) -> str | None:
    """The pointer on the other side this field pairs with, dropping branch steps the other side reads as one node."""
    if pointer in other:
        return pointer
    result, start = "", 0
    for step in _SEGMENT.finditer(pointer):
        result += pointer[start : step.start()]
        start = step.end()
        branch_root = pointer[: step.end()]
        node = other.get(result or "/")
        if result + step.group() in other or node is None or not _reads_as_one(node, own[branch_root], step.group()):
            result += step.group()
    result += pointer[start:]
    return (result or "/") if (result or "/") in other else None


def _reads_as_one(node: Field, branch: Field, step: str) -> bool:
    """Does `node`, with no branch of that name, stand for the branch (see the module's docstring)?"""
    if node.chooses and node.folded != step.lstrip("/"):
        return False
    node_types, branch_types = with_integers(node.types - {"null"}), with_integers(branch.types - {"null"})
    return not node_types or not branch_types or bool(node_types & branch_types)  # unknown types: as one


def _paired(left: str, right: str, before: Mapping[str, Field], after: Mapping[str, Field]) -> Pair:
    """A pair under the pointer that names the branch.

    A branch's root against the node: the node's own pair (the pointer less the branch step)
    already compares requiredness and nullability, so the root takes the node's.
    """
    old, new = before[left], after[right]
    if left == right:
        return left, old, new
    pointer = max(left, right, key=lambda p: p.count("("))
    old, new = replace(old, pointer=pointer), replace(new, pointer=pointer)
    if old.branch and left == pointer:
        old = replace(old, required=new.required, nullable=new.nullable)
    elif new.branch and right == pointer:
        new = replace(new, required=old.required, nullable=old.nullable)
    return pointer, old, new
