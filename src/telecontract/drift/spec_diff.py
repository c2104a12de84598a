"""Spec against spec: every change between two versions, classified as breaking, risky or safe.

The rules are data (`drift.spec_rules`): one entry per rule, each a function from (old, new) to findings, with a
one-line example. Requests are what the client sends (operation request bodies, parameters,
webhook answers); responses are what the client receives (operation responses and their headers,
webhook payloads). Fields are compared inside every oneOf / anyOf branch (see `drift.schemas`).
After the rules, a team's severity levels apply, and a breaking change without a major version
bump of `info.version` is a finding of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from telecontract.drift.findings import ERROR, Finding, drift_finding
from telecontract.drift.severity import Level, apply_levels
from telecontract.drift.spec_rules import RULES, VERSION_RULE
from telecontract.spec import Spec

__all__ = ["RULES", "diff", "version_findings"]  # the rules themselves: `drift.spec_rules`


def _major(version: Any) -> int | None:
    match = re.match(r"\s*v?(\d+)", str(version or ""))
    return int(match.group(1)) if match else None


def version_findings(old: Spec, new: Spec, findings: list[Finding]) -> Iterator[Finding]:
    """Breaking changes must come with a new major version: 1.4.0 -> 2.0.0."""
    breaking = [f for f in findings if f.severity == ERROR]
    if not breaking:
        return
    was, now = old.document.get("info", {}).get("version"), new.document.get("info", {}).get("version")
    old_major, new_major = _major(was), _major(now)
    if old_major is not None and new_major is not None and new_major > old_major:
        return
    rules = ", ".join(sorted({f.rule for f in breaking}))
    yield drift_finding(
        VERSION_RULE.id,
        VERSION_RULE.severity,
        "#/info/version",
        f"{len(breaking)} breaking change(s) ({rules}) but info.version went {was!r} -> {now!r}, not a new major",
    )


def diff(old: Spec, new: Spec, levels: Mapping[str, Level] | None = None, *, versioned: bool = True) -> list[Finding]:
    """Every change from old to new, at the team's severity levels (`levels`: rule id -> level).

    `versioned=False` when the two are not versions of one document (our contract and a
    provider's definition): their `info.version`s owe each other nothing.
    """
    found = [
        drift_finding(rule.id, rule.severity, location, sentence, operation)
        for rule in RULES
        for operation, location, sentence in rule.detect(old, new)
    ]
    # One place in the document is one finding, however many payloads share it (a component that
    # two statuses answer with); locations are where to edit, so they tell the places apart.
    found = apply_levels(list(dict.fromkeys(found)), levels or {})
    if not versioned:
        return found
    return found + apply_levels(list(version_findings(old, new, found)), levels or {})
