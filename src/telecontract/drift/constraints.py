"""Constraint keywords as data: for each, when a new value accepts less (narrowed) or more (widened).

A narrowed request breaks clients that send what used to be accepted; a widened response breaks
clients that receive what they were promised would not come. The reverse of each is safe. `None`
stands for a keyword that is not set (no limit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Compare = Callable[[Any, Any], bool]  # (old, new) -> does the edit go this way?


def _upper_narrowed(old: Any, new: Any) -> bool:
    return new is not None and (old is None or new < old)


def _upper_widened(old: Any, new: Any) -> bool:
    return old is not None and (new is None or new > old)


def _lower_narrowed(old: Any, new: Any) -> bool:
    return new is not None and (old is None or new > old)


def _lower_widened(old: Any, new: Any) -> bool:
    return old is not None and (new is None or new < old)


def _set_or_changed(old: Any, new: Any) -> bool:
    """A pattern or format set, or changed (which may accept less; it cannot be told in general)."""
    return new is not None and new != old


def _unset_or_changed(old: Any, new: Any) -> bool:
    return old is not None and new != old


def _multiple_narrowed(old: Any, new: Any) -> bool:
    """multipleOf 2 -> 4 accepts less; 4 -> 2 accepts more; 2 -> 3 both."""
    return new is not None and (old is None or (new != old and old % new != 0))


def _multiple_widened(old: Any, new: Any) -> bool:
    return old is not None and (new is None or (new != old and new % old != 0))


@dataclass(frozen=True, slots=True)
class Constraint:
    keyword: str
    narrowed: Compare
    widened: Compare
    wide: Any  # a value that accepts more than `narrow`: what the rule examples and tests use
    narrow: Any
    kind: str  # the JSON type the keyword applies to
    any_type: bool = False  # format: also said of numbers (int32)

    @property
    def applies_to(self) -> frozenset[str]:
        """The types the keyword means something for; empty: every type."""
        if self.any_type:
            return frozenset()
        return frozenset({"integer", "number"}) if self.kind == "integer" else frozenset({self.kind})

    @property
    def slug(self) -> str:
        """maxLength -> max-length (rule ids are kebab-case)."""
        return "".join(f"-{c.lower()}" if c.isupper() else c for c in self.keyword)


CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint("maxLength", _upper_narrowed, _upper_widened, 64, 32, "string"),
    Constraint("minLength", _lower_narrowed, _lower_widened, 1, 8, "string"),
    Constraint("pattern", _set_or_changed, _unset_or_changed, None, "^[0-9]+$", "string"),
    Constraint("format", _set_or_changed, _unset_or_changed, None, "uuid", "string", any_type=True),
    Constraint("maximum", _upper_narrowed, _upper_widened, 1000, 100, "integer"),
    Constraint("minimum", _lower_narrowed, _lower_widened, 0, 10, "integer"),
    Constraint("exclusiveMaximum", _upper_narrowed, _upper_widened, 1000, 100, "integer"),
    Constraint("exclusiveMinimum", _lower_narrowed, _lower_widened, 0, 10, "integer"),
    Constraint("multipleOf", _multiple_narrowed, _multiple_widened, 2, 4, "integer"),
    Constraint("maxItems", _upper_narrowed, _upper_widened, 10, 5, "array"),
    Constraint("minItems", _lower_narrowed, _lower_widened, 0, 2, "array"),
)


def shown(value: Any) -> str:
    """A keyword's value as a spec writes it: 2592000 (not 2.592e+06), 0.5, 'a pattern', true, unset."""
    if value is None:
        return "unset"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):  # 3.0's exclusiveMaximum: true
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
