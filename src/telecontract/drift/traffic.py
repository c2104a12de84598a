"""Traffic against spec: what the recorded exchanges do that the spec does not explain.

Both directions: what the provider answered (responses) and what the client sent (requests: a
field the spec does not allow, a missing required field, a wrong type). oneOf / anyOf branches are
unfolded the way `drift spec` does: a field is documented when the branch the payload picks has it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jsonschema_rs import ValidationErrorKind

from telecontract.conformance import response_problems
from telecontract.drift.findings import ERROR, WARNING, Finding, Severity, drift_finding
from telecontract.drift.recordings import Recorded
from telecontract.drift.schemas import BRANCHING, branch_names, merged
from telecontract.redaction import redact_text
from telecontract.spec import Operation, Spec

REDACTED = "**"  # what telecontract.redaction leaves in the middle of a number
REDACTED_NUMBER = re.compile(r'(?<=")\+?[0-9]{1,3}\*{2,}[0-9]{2}(?=")')
# jsonschema_rs error kinds (the class of `error.kind`), mapped to our rules.
KIND_RULES: dict[type, str] = {
    ValidationErrorKind.Required: "missing-required-field",
    ValidationErrorKind.Type: "type-mismatch",
    ValidationErrorKind.Enum: "enum-mismatch",
    ValidationErrorKind.Constant: "enum-mismatch",
}


# Every rule of `drift traffic`: id -> (default severity, what it means). Severity levels apply to these.
TRAFFIC_RULES: dict[str, tuple[Severity, str]] = {
    "undocumented-path": (ERROR, "a request to a path the spec does not have"),
    "undocumented-method": (ERROR, "a method the spec does not document for the path"),
    "undocumented-status": (ERROR, "an answer with a status code the operation does not document"),
    "undocumented-content-type": (ERROR, "an answer in a media type the status does not document"),
    "invalid-json": (ERROR, "a JSON answer that does not parse"),
    "missing-required-field": (ERROR, "an answer without a field the schema requires"),
    "type-mismatch": (ERROR, "an answer field of another type"),
    "enum-mismatch": (ERROR, "an answer field with a value outside its enum"),
    "schema-mismatch": (ERROR, "an answer breaking another schema keyword"),
    "undocumented-field": (WARNING, "an answer field the schema does not list (providers add fields)"),
    "request-undocumented-content-type": (ERROR, "a request body in a media type the operation does not take"),
    "request-invalid-json": (ERROR, "a JSON request body that does not parse"),
    "request-missing-required-field": (ERROR, "a request without a field the schema requires"),
    "request-type-mismatch": (ERROR, "a request field of another type"),
    "request-enum-mismatch": (ERROR, "a request field with a value outside its enum"),
    "request-schema-mismatch": (ERROR, "a request field breaking another schema keyword"),
    "request-field-not-allowed": (ERROR, "a request field a closed schema (additionalProperties: false) forbids"),
    "request-undocumented-field": (WARNING, "a request field the schema does not list (a typo'd name is ignored)"),
}
# One line each for `drift traffic --list-rules`: recorded traffic that the rule reports.
EXAMPLES: dict[str, str] = {
    "undocumented-path": "GET /v1/voice/calls (the spec has no such path)",
    "undocumented-method": "PUT /v1/voice/{reference_id} (the spec documents GET)",
    "undocumented-status": "POST /v1/anonymous/session/sms answered 418",
    "undocumented-content-type": "a 200 in text/html where the spec documents application/json",
    "invalid-json": 'a 200 application/json body cut off: {"status": {"code"',
    "missing-required-field": "a masked session answered without reference_id",
    "type-mismatch": 'status.code "2700", a string, where the spec says integer',
    "enum-mismatch": 'session_data.resource "mms" (the spec\'s enum: sms, sms_voice)',
    "schema-mismatch": "a reference_id of 12 characters (the spec's pattern: 32 hex digits)",
    "undocumented-field": "a session answer with a carrier_name the schema does not list",
    "request-undocumented-content-type": "POST /v2/voice sent as text/plain",
    "request-invalid-json": 'a request body cut off: {"method": "dial", "params"',
    "request-missing-required-field": "POST /v1/voice without message_type",
    "request-type-mismatch": 'validity_period "500", a string, where the spec says integer',
    "request-enum-mismatch": "message_type=SMS (the spec's enum: OTP, ARN, MKT)",
    "request-schema-mismatch": "validity_period 0 (the spec's minimum: 1)",
    "request-field-not-allowed": "a field a closed schema (additionalProperties: false) does not list",
    "request-undocumented-field": "phone_numer_1, a typo, next to phone_number_1",
}
# Requests the gate generated carry this header: the spec's own cases, judged on their answers only.
GENERATED = "x-schemathesis-testcaseid"


@dataclass(frozen=True, slots=True)
class Observation:
    rule: str
    operation: str
    location: str
    message: str

    @property
    def severity(self) -> Severity:
        return TRAFFIC_RULES[self.rule][0]


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
        yield Observation("undocumented-path", label, "#/paths", f"{label} is not in the spec")
        return
    label = f"{exchange.method} {template}"
    if operation is None:
        yield Observation(
            "undocumented-method",
            label,
            f"#/paths/{template}",
            f"{exchange.method} is not documented for {template}",
        )
        return
    yield from _request_observations(spec, operation, label, template, exchange)
    status = str(exchange.status)
    content_type = exchange.response_headers.get("content-type", "")
    answer = _numbers_unredacted(exchange.response_body)
    problems = list(response_problems(spec, operation, exchange.status, content_type, answer))
    for problem in problems:
        if problem.step == "status":
            yield Observation(
                "undocumented-status",
                label,
                f"#/paths/{template}/responses",
                f"answered {status}, which the spec does not document",
            )
        elif problem.step == "content-type":
            where = f"#/paths/{template}/responses/{status}"
            yield Observation("undocumented-content-type", label, where, problem.message)
        elif problem.step == "json":
            where = f"#/paths/{template}/responses/{status}"
            yield Observation("invalid-json", label, where, problem.message)
        elif isinstance(problem.error.instance, str) and REDACTED in problem.error.instance:
            continue  # a redacted phone number cannot match its pattern; the recording hid it on purpose
        else:
            rule = KIND_RULES.get(type(problem.error.kind), "schema-mismatch")
            yield Observation(rule, label, f"response {status} {problem.where}", problem.message)
    if any(p.step != "schema" for p in problems):
        return
    content = spec.resolve(operation.definition["responses"][status]).get("content") or {}
    media_type = content_type.split(";", 1)[0].strip()
    if media_type != "application/json" or media_type not in content:
        return
    schema = content[media_type]["schema"]
    payload = json.loads(exchange.response_body)
    for pointer, _closed in _undocumented_fields(spec, schema, payload, ""):
        yield Observation(
            "undocumented-field",
            label,
            f"response {status} {pointer}",
            f"field {pointer} is not in the schema",
        )


def _numbers_unredacted(body: str) -> str:
    """The body with each redacted number (`14*******45`) made a number again, digits for the stars.

    The recording hid the numbers on purpose; judged as numbers, they neither fail a pattern nor,
    deeper down, make a whole anyOf branch (a flat or a wrapped VTS session) look wrong.
    """
    if REDACTED not in body:
        return body
    return REDACTED_NUMBER.sub(lambda found: found.group(0).replace("*", "5"), body)


def _request_observations(
    spec: Spec, operation: Operation, label: str, template: str, exchange: Recorded
) -> Iterator[Observation]:
    """What the client sent that the operation's request body does not allow, and the server took.

    A request the spec forbids and the server refused with a 4xx is spec and server agreeing; the
    gate's own generated requests are the spec's cases (negative ones on purpose), not a client's.
    """
    if 400 <= exchange.status < 500 or GENERATED in exchange.request_headers:
        return
    content = spec.resolve(operation.definition.get("requestBody") or {}).get("content") or {}
    if not content or not exchange.request_body.strip():
        return
    where = f"#/paths/{template}/{operation.method.lower()}/requestBody"
    media_type = exchange.request_headers.get("content-type", "").split(";", 1)[0].strip()
    if media_type not in content:
        sent = media_type or "(no content type)"
        message = f"the client sent {sent}; the operation takes {', '.join(content)}"
        yield Observation("request-undocumented-content-type", label, where, message)
        return
    form = media_type == "application/x-www-form-urlencoded"
    if form:
        payload: Any = dict(parse_qsl(exchange.request_body, keep_blank_values=True))
    elif media_type == "application/json":
        try:
            payload = json.loads(exchange.request_body)
        except ValueError:
            yield Observation("request-invalid-json", label, where, "the request body is not valid JSON")
            return
    else:
        return
    schema = content[media_type]["schema"]
    branch = _picked_branch(spec, schema, payload)
    # Judged against the branch the request picks (dial, play...), errors name the field at fault
    # rather than "matches no branch of the oneOf".
    validator = (
        spec.validator(branch) if branch is not None else spec.request_validator(operation.operation_id, media_type)
    )
    for error in validator.iter_errors(payload):
        if isinstance(error.kind, ValidationErrorKind.AdditionalProperties):
            continue  # reported below, field by field
        if form and not isinstance(error.kind, ValidationErrorKind.Required):
            continue  # form fields are text on the wire: only their presence can be judged
        if isinstance(error.instance, str) and REDACTED in error.instance:
            continue  # a redacted phone number cannot match its pattern
        pointer = "/" + "/".join(map(str, error.instance_path))
        rule = "request-" + KIND_RULES.get(type(error.kind), "schema-mismatch")
        yield Observation(rule, label, f"request {pointer}", error.message)
    for pointer, closed in _undocumented_fields(spec, schema, payload, ""):
        if closed:
            message = f"the client sent {pointer}, which the spec does not allow"
            yield Observation("request-field-not-allowed", label, f"request {pointer}", message)
        else:  # allowed by an open schema, but nothing says what it does: a typo'd name is silently ignored
            message = f"the client sent {pointer}, which the spec does not describe"
            yield Observation("request-undocumented-field", label, f"request {pointer}", message)


def _undocumented_fields(spec: Spec, schema: Any, payload: Any, pointer: str) -> Iterator[tuple[str, bool]]:
    """(pointer, closed) of each payload field the schema does not list; closed: additionalProperties false."""
    node = merged(spec, schema)
    if isinstance(payload, dict):
        properties, closed = _properties_for(spec, node, payload)
        if not properties:
            return
        for key, value in payload.items():
            if key in properties:
                yield from _undocumented_fields(spec, properties[key], value, f"{pointer}/{key}")
            else:
                yield f"{pointer}/{key}", closed
    elif isinstance(payload, list) and "items" in node:
        for value in payload[:50]:
            yield from _undocumented_fields(spec, node["items"], value, f"{pointer}/[]")


def _properties_for(spec: Spec, node: dict[str, Any], payload: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The properties a payload may have: the node's, and those of the branch it picks (or of any branch)."""
    properties = dict(node.get("properties", {}))
    closed = node.get("additionalProperties") is False
    for keyword in BRANCHING:
        raw = [b for b in node.get(keyword, []) if not (isinstance(b, dict) and b.get("type") == "null")]
        if not raw:
            continue
        branches = [merged(spec, b) for b in raw]
        names = branch_names(spec, {**node, keyword: raw}, keyword)
        tag = (node.get("discriminator") or {}).get("propertyName")
        picked = [b for b, name in zip(branches, names, strict=True) if tag and str(payload.get(tag)) == name]
        picked = picked or [b for b in branches if _fits(spec, b, payload)] or branches
        for branch in picked:
            for name, child in branch.get("properties", {}).items():
                properties.setdefault(name, child)
        closed = closed or all(b.get("additionalProperties") is False for b in picked)
    return properties, closed


def _picked_branch(spec: Spec, schema: Any, payload: Any) -> Any | None:
    """The one oneOf branch a payload's discriminator or constants pick, as the spec writes it; else None."""
    node = merged(spec, schema)
    raw = [b for b in node.get("oneOf", []) if not (isinstance(b, dict) and b.get("type") == "null")]
    if not raw or not isinstance(payload, dict) or node.get("properties"):
        return None  # no choice, or a schema with its own properties besides the choice
    tag = (node.get("discriminator") or {}).get("propertyName")
    names = branch_names(spec, {**node, "oneOf": raw}, "oneOf")
    picked = [b for b, name in zip(raw, names, strict=True) if tag and str(payload.get(tag)) == name]
    picked = picked or [b for b in raw if _fits(spec, merged(spec, b), payload)]
    return picked[0] if len(picked) == 1 else None


def _fits(spec: Spec, branch: dict[str, Any], payload: dict[str, Any]) -> bool:
    """A branch whose constants (`method: {const: play}`) the payload has."""
    constants = {
        name: spec.resolve(child)["const"]
        for name, child in branch.get("properties", {}).items()
        if isinstance(spec.resolve(child), dict) and "const" in spec.resolve(child)
    }
    return bool(constants) and all(payload.get(name) == value for name, value in constants.items())


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
