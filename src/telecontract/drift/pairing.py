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
    """Every field of either side, with its counterpart on the other side or None."""
    matched: dict[str, str] = {}  # pointer in `before` -> pointer in `after`
    for pointer in before:
        if (counterpart := _counterpart(pointer, before, after)) is not None:
            matched[pointer] = counterpart
    taken = set(matched.values())
    for pointer in after:
        counterpart = None if pointer in taken else _counterpart(pointer, after, before)
        if counterpart is not None and counterpart not in matched:
            matched[counterpart] = pointer
            taken.add(pointer)
    for pointer in sorted(before.keys() | after.keys()):
        if pointer in matched:
            yield _paired(pointer, matched[pointer], before, after)
        elif pointer in before:
            yield pointer, before[pointer], None
        elif pointer not in taken:
            yield pointer, None, after[pointer]


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
    ours, theirs = with_integers(node.types - {"null"}), with_integers(branch.types - {"null"})
    return not ours or not theirs or bool(ours & theirs)


def _paired(left: str, right: str, before: Mapping[str, Field], after: Mapping[str, Field]) -> Pair:
    """A pair under the pointer that names the branch; a branch stands for its node's nullability too."""
    old, new = before[left], after[right]
    if left == right:
        return left, old, new
    pointer = max(left, right, key=lambda p: p.count("("))
    old, new = _as_branch(old, before, left, pointer), _as_branch(new, after, right, pointer)
    return pointer, old, new


def _as_branch(found: Field, side: Mapping[str, Field], own: str, pointer: str) -> Field:
    """The field under the reported pointer; a branch's root takes its parent's nullability (the null branch)."""
    parent = side.get(own.rsplit("/", 1)[0] or "/") if found.branch and own == pointer else None
    nullable = found.nullable or bool(parent and parent.nullable)
    return replace(found, pointer=pointer, nullable=nullable)
