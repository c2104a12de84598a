"""Drift findings as text (default), JSON, Markdown or JUnit XML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.etree import ElementTree

from telecontract.drift.findings import Finding, rank

FORMATS = ("text", "json", "markdown", "junit")
WHOLE_SPEC = "(whole spec)"  # the operation cell of a finding about the document itself


def render(findings: list[Finding], fmt: str, *, title: str, notes: Sequence[str] = ()) -> str:
    """`notes`: lines that say how to read the findings (what was compared, what was left out)."""
    return {"text": _text, "json": _json, "markdown": _markdown, "junit": _junit}[fmt](findings, title, notes)


def _text(findings: list[Finding], title: str, notes: Sequence[str]) -> str:
    noted = [f"  {note}" for note in notes]
    if not findings:
        return "\n".join([f"{title}: no drift", *noted])
    lines = [f"{title}: {len(findings)} finding(s)", *noted]
    for f in sorted(findings, key=lambda f: (-rank(f.severity), f.operation, f.rule)):
        count = f" (x{f.count})" if f.count > 1 else ""
        where = f"{f.operation}  " if f.operation else ""
        lines.append(f"  {str(f.severity).upper():7} {f.rule:28} {where}{f.location}\n          {f.message}{count}")
    return "\n".join(lines)


def _json(findings: list[Finding], title: str, notes: Sequence[str]) -> str:
    noted = {"notes": list(notes)} if notes else {}
    return json.dumps({"title": title, **noted, "findings": [f.to_dict() for f in findings]}, indent=2)


def _markdown(findings: list[Finding], title: str, notes: Sequence[str]) -> str:
    lines = [f"# {title}", "", *(line for note in notes for line in (note, ""))]
    if not findings:
        return "\n".join([*lines, "No drift."])
    lines += ["| severity | rule | operation | location | finding | count |", "|---|---|---|---|---|---:|"]
    for f in sorted(findings, key=lambda f: (-rank(f.severity), f.operation, f.rule)):
        message = f.message.replace("|", "\\|")
        # A finding about the document itself (its version, servers, a security scheme) has no operation:
        # an empty code span renders as two backticks, so the cell says so in words.
        operation = f"`{f.operation}`" if f.operation else WHOLE_SPEC
        lines.append(f"| {f.severity} | `{f.rule}` | {operation} | `{f.location}` | {message} | {f.count} |")
    return "\n".join(lines)


def _junit(findings: list[Finding], title: str, notes: Sequence[str]) -> str:
    suite = ElementTree.Element(
        "testsuite",
        name=title,
        tests=str(max(1, len(findings))),
        failures=str(sum(1 for f in findings if rank(f.severity) > 0)),
    )
    for f in findings or []:
        case = ElementTree.SubElement(suite, "testcase", classname=f.operation or "spec", name=f"{f.rule} {f.location}")
        if rank(f.severity) > 0:
            failure = ElementTree.SubElement(case, "failure", message=f.message, type=str(f.severity))
            failure.text = f"{f.message} (seen {f.count} time(s))"
    if not findings:
        ElementTree.SubElement(suite, "testcase", classname="drift", name="no drift")
    if notes:
        ElementTree.SubElement(suite, "system-out").text = "\n".join(notes)
    return ElementTree.tostring(suite, encoding="unicode")
