"""Traffic against spec: what the recorded exchanges do that the spec does not explain."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telecontract.conformance import response_problems
from telecontract.drift.findings import ERROR, WARNING, Finding, Severity, drift_finding
from telecontract.drift.recordings import Recorded
from telecontract.drift.schemas import merged
from telecontract.redaction import redact_text
from telecontract.spec import Operation, Spec

# jsonschema_rs error kinds (the class names of `error.kind`), mapped to our rules.
REDACTED = "**"  # what telecontract.redaction leaves in the middle of a number
KIND_RULES = {
    "Required": "missing-required-field",
    "Type": "type-mismatch",
    "Enum": "enum-mismatch",
    "Constant": "enum-mismatch",
}


@dataclass(frozen=True, slots=True)
class Observation:
    rule: str
    severity: Severity
    operation: str
    location: str
    message: str


def _template_pattern(template: str) -> re.Pattern[str]:
    """/v1/voice/{reference_id} -> ^/v1/voice/[^/]+/?$ (literal parts escaped).

    A trailing slash is optional: providers differ on it (the VTS page writes none, Plivo one).
    """
    parts = re.split(r"\{[^/{}]+\}", template.rstrip("/"))
    return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "/?$")


class Router:
    """Finds the spec operation for a method and concrete path."""

    def __init__(self, spec: Spec) -> None:
        self.paths = [(_template_pattern(path), path) for path in spec.document.get("paths", {})]
        self.operations = {(op.method.upper(), op.path): op for op in spec.operations()}

    def match(self, method: str, path: str) -> tuple[str | None, Operation | None]:
        for pattern, template in self.paths:
            if pattern.match(path):
                return template, self.operations.get((method, template))
        return None, None


def observe(spec: Spec, exchange: Recorded, router: Router) -> Iterator[Observation]:
    path = urlsplit(exchange.url).path
    template, operation = router.match(exchange.method, path)
    if (template is None or operation is None) and exchange.status in (404, 405, 501):
        return  # the server refused what the spec does not offer: they agree
    if template is None:
        label = f"{exchange.method} {redact_text(path)}"
        yield Observation("undocumented-path", ERROR, label, "#/paths", f"{label} is not in the spec")
        return
    label = f"{exchange.method} {template}"
    if operation is None:
        yield Observation(
            "undocumented-method",
            ERROR,
            label,
            f"#/paths/{template}",
            f"{exchange.method} is not documented for {template}",
        )
        return
    status = str(exchange.status)
    content_type = exchange.response_headers.get("content-type", "")
    problems = list(response_problems(spec, operation, exchange.status, content_type, exchange.response_body))
    for problem in problems:
        if problem.step == "status":
            yield Observation(
                "undocumented-status",
                ERROR,
                label,
                f"#/paths/{template}/responses",
                f"answered {status}, which the spec does not document",
            )
        elif problem.step == "content-type":
            where = f"#/paths/{template}/responses/{status}"
            yield Observation("undocumented-content-type", ERROR, label, where, problem.message)
        elif problem.step == "json":
            where = f"#/paths/{template}/responses/{status}"
            yield Observation("invalid-json", ERROR, label, where, problem.message)
        elif isinstance(problem.error.instance, str) and REDACTED in problem.error.instance:
            continue  # a redacted phone number cannot match its pattern; the recording hid it on purpose
        else:
            kind = type(problem.error.kind).__name__.split("_")[-1]
            rule = KIND_RULES.get(kind, "schema-mismatch")
            yield Observation(rule, ERROR, label, f"response {status} {problem.where}", problem.message)
    if any(p.step != "schema" for p in problems):
        return
    content = spec.resolve(operation.definition["responses"][status]).get("content") or {}
    media_type = content_type.split(";", 1)[0].strip()
    if media_type != "application/json" or media_type not in content:
        return
    schema = content[media_type]["schema"]
    payload = json.loads(exchange.response_body)
    for pointer in _undocumented_fields(spec, schema, payload, ""):
        yield Observation(
            "undocumented-field",
            WARNING,
            label,
            f"response {status} {pointer}",
            f"field {pointer} is not in the schema",
        )


def _undocumented_fields(spec: Spec, schema: Any, payload: Any, pointer: str) -> Iterator[str]:
    node = merged(spec, schema)
    if isinstance(payload, dict) and "properties" in node:
        properties = node["properties"]
        for key, value in payload.items():
            if key in properties:
                yield from _undocumented_fields(spec, properties[key], value, f"{pointer}/{key}")
            else:
                yield f"{pointer}/{key}"
    elif isinstance(payload, list) and "items" in node:
        for value in payload[:50]:
            yield from _undocumented_fields(spec, node["items"], value, f"{pointer}/[]")


def analyse(spec: Spec, exchanges: Iterable[Recorded]) -> list[Finding]:
    """Observations grouped by (operation, rule, location), with counts and one example each."""
    router = Router(spec)
    grouped: dict[tuple[str, str, str], tuple[Observation, int]] = {}
    for exchange in exchanges:
        for seen in observe(spec, exchange, router):
            key = (seen.operation, seen.rule, seen.location)
            first, count = grouped.get(key, (seen, 0))
            grouped[key] = (first, count + 1)
    return [
        drift_finding(o.rule, o.severity, o.location, redact_text(o.message), o.operation, count)
        for (_, _, _), (o, count) in sorted(grouped.items())
    ]
