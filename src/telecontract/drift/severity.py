"""Severity levels a team sets for drift rules: a file of `rule-id level` lines.

    # drift-levels.txt: our clients ignore unknown enum values
    response-enum-widened  warning
    request-field-removed  off

Levels: error (breaking: fails the run), warning (risky), info (safe), off (not reported).
`telecontract drift spec --list-rules` lists every rule with its default level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Literal

from telecontract.errors import UsageError
from telecontract.findings import Finding

Level = Literal["error", "warning", "info", "off"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info", "off")


def read_levels(path: Path, known: Iterable[str]) -> dict[str, Level]:
    """rule id -> level; an unknown rule or level is a usage error naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Cannot read the severity levels file {path}: {exc.strerror or exc}") from None
    rules = set(known)
    levels: dict[str, Level] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].replace(":", " ").replace("=", " ").split()
        if not words:
            continue
        where = f"{path}:{number}"
        if len(words) != 2:
            raise UsageError(f"{where}: expected 'RULE LEVEL', got {line.strip()!r}.", hint="e.g. type-changed warning")
        rule, level = words
        if rule not in rules:
            raise UsageError(
                f"{where}: no drift rule named {rule!r}.", hint="telecontract drift spec --list-rules lists them."
            )
        if level not in LEVELS:
            raise UsageError(f"{where}: level {level!r} for {rule}.", hint=f"Levels: {', '.join(LEVELS)}.")
        levels[rule] = level  # type: ignore[assignment]  # checked against LEVELS just above
    return levels


def apply_levels(findings: Iterable[Finding], levels: Mapping[str, Level]) -> list[Finding]:
    """Each finding at its rule's level; findings of rules turned off are dropped."""
    result = []
    for found in findings:
        level = levels.get(found.rule)
        if level == "off":
            continue
        result.append(replace(found, severity=level) if level else found)
    return result
