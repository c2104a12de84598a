"""Spec against spec: every change between two versions, classified as breaking, risky or safe.

The rules are data: one entry per rule, each a function from (old, new) to findings, with a
one-line example. Requests are what the client sends (operation request bodies, parameters,
webhook answers); responses are what the client receives (operation responses and their headers,
webhook payloads). Fields are compared inside every oneOf / anyOf branch (see `drift.schemas`).
After the rules, a team's severity levels apply, and a breaking change without a major version
bump of `info.version` is a finding of its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from telecontract.drift import locations
from telecontract.drift.constraints import CONSTRAINTS, Constraint, shown
from telecontract.drift.findings import ERROR, INFO, WARNING, Finding, Severity, drift_finding
from telecontract.drift.pairing import pairs
from telecontract.drift.reading import covers
from telecontract.drift.schemas import Field, fields
from telecontract.drift.severity import Level, apply_levels
from telecontract.spec import Operation, Spec

Detect = Callable[[Spec, Spec], Iterator[tuple[str, str, str]]]  # -> (operation, location, sentence)
# A location is a JSON pointer that resolves in the document the finding is about (`drift.locations`):
# the new one, or the old one for what was removed.
SIDES = ("request", "response")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    detect: Detect
    example: str = ""  # one line: an edit that triggers it


def _operations(spec: Spec) -> dict[str, Operation]:
    ops = {f"{op.method.upper()} {op.path}": op for op in spec.operations()}
    ops |= {f"WEBHOOK {name}": op for name, op in spec.webhooks().items()}
    return ops


def _pointer(spec: Spec, op_key: str, *parts: str) -> str:
    """A pointer under the operation `op_key` of `spec` (each part one escaped token)."""
    return "/".join([locations.operation(spec, op_key), *(locations.escape(part) for part in parts)])


def _shared(old: Spec, new: Spec) -> Iterator[tuple[str, Operation, Operation]]:
    old_ops, new_ops = _operations(old), _operations(new)
    for key in sorted(old_ops.keys() & new_ops.keys()):
        yield key, old_ops[key], new_ops[key]


def _responses(spec: Spec, op: Operation) -> dict[str, Any]:
    return {str(k): spec.resolve(v) for k, v in op.definition.get("responses", {}).items()}


def _body(spec: Spec, holder: dict[str, Any]) -> tuple[str, Any] | None:
    """(media type, schema) of the JSON body (`application/json; charset=utf-8` and `+json` types too),
    else of the form body."""
    content = (spec.resolve(holder).get("content") or {}) if holder else {}
    by_essence = {str(media).split(";")[0].strip().lower(): media for media in content}
    json_types = sorted((m for m in by_essence if m == "application/json" or m.endswith("+json")), key=len)
    essence = json_types[0] if json_types else "application/x-www-form-urlencoded"
    media = by_essence.get(essence)
    found = content.get(media) if media is not None else None
    return (media, found["schema"]) if isinstance(found, dict) and "schema" in found else None


def _body_at(spec: Spec, holder_at: str, media: str) -> str:
    return f"{locations.followed(spec, holder_at)}/content/{locations.escape(media)}/schema"


def _parameters_of(spec: Spec, op: Operation, key: str) -> dict[str, tuple[Any, str]]:
    """Parameter schemas and where each is written, by location label: parameters/query/verbose."""
    found = {}
    for name, (parameter, at) in _declared_parameters(spec, op, key).items():
        if "schema" in parameter:
            found[f"parameters/{parameter.get('in')}/{name}"] = (parameter["schema"], f"{at}/schema")
    return found


Payloads = dict[str, tuple[Any, str]]  # location label -> (schema, the pointer it is written at)


def _payloads(spec: Spec, key: str, op: Operation, side: str) -> Payloads:
    """Schemas by location label of what the client sends (side "request") or receives ("response").

    Labels pair the two versions' payloads (whatever their media types' spelling); each schema
    comes with the pointer it is written at, where its fields' locations start.
    """
    at = locations.operation(spec, key)
    requests: Payloads = {}
    if (body := _body(spec, op.definition.get("requestBody", {}))) is not None:
        requests["requestBody/content"] = (body[1], _body_at(spec, f"{at}/requestBody", body[0]))
    requests |= _parameters_of(spec, op, key)
    responses: Payloads = {}
    for status, response in _responses(spec, op).items():
        response_at = locations.followed(spec, f"{at}/responses/{locations.escape(status)}")
        if (body := _body(spec, response)) is not None:
            responses[f"responses/{status}/content"] = (body[1], _body_at(spec, response_at, body[0]))
        for name, header in (response.get("headers") or {}).items():
            if "schema" in (header := spec.resolve(header)):
                header_at = locations.followed(spec, f"{response_at}/headers/{locations.escape(name)}")
                responses[f"responses/{status}/headers/{name}"] = (header["schema"], f"{header_at}/schema")
    # For a webhook the provider sends the request and the client answers it.
    client_sends, client_receives = (responses, requests) if key.startswith("WEBHOOK ") else (requests, responses)
    return client_sends if side == "request" else client_receives


@functools.lru_cache(maxsize=16)
def _field_pairs(
    old: Spec, new: Spec, side: str, branches: bool = False
) -> tuple[tuple[str, str, Field | None, Field | None], ...]:
    """Cached: one walk of both versions feeds every field rule (five dozen of them) of a diff."""
    return tuple(_walk_pairs(old, new, side, branches=branches))


def _walk_pairs(
    old: Spec, new: Spec, side: str, *, branches: bool = False
) -> Iterator[tuple[str, str, Field | None, Field | None]]:
    """(operation, location, field before, field after) for every field of either version.

    Fields inside a branch that only one version has are left to the branch rules (one finding for
    the branch, not one per field in it); `branches=True` yields just those branches.
    """
    for key, old_op, new_op in _shared(old, new):
        old_payloads, new_payloads = _payloads(old, key, old_op, side), _payloads(new, key, new_op, side)
        for label in sorted(old_payloads.keys() & new_payloads.keys()):
            (old_schema, old_at), (new_schema, new_at) = old_payloads[label], new_payloads[label]
            before = {f.pointer: f for f in fields(old, old_schema)}
            after = {f.pointer: f for f in fields(new, new_schema)}
            paired = list(pairs(before, after))
            lone = [p for p, was, now in paired if (was is None) != (now is None) and (was or now).branch]  # type: ignore[union-attr]
            # A branch inside a lone branch is part of it: one finding, for the outermost.
            outermost = {b for b in lone if not any(b.startswith(other + "/") for other in lone)}
            for pointer, was, now in paired:
                inside_lone = any(pointer == b or pointer.startswith(b + "/") for b in lone)
                if inside_lone == branches and (not branches or pointer in outermost):
                    # In the new document, or the old one for a field that is gone.
                    where = locations.field(new, new_at, pointer) if now else locations.field(old, old_at, pointer)
                    yield key, where, was, now


# ---- the rules -------------------------------------------------------------------------------


def operation_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key in sorted(_operations(old).keys() - _operations(new).keys()):
        yield key, _pointer(old, key), f"{key} was removed"


def operation_added(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key in sorted(_operations(new).keys() - _operations(old).keys()):
        yield key, _pointer(new, key), f"{key} was added"


def status_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        for status in sorted(_responses(old, old_op).keys() - _responses(new, new_op).keys()):
            yield key, _pointer(old, key, "responses", status), f"{key} no longer documents status {status}"


def status_added(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        for status in sorted(_responses(new, new_op).keys() - _responses(old, old_op).keys()):
            yield (
                key,
                _pointer(new, key, "responses", status),
                f"{key} may now answer {status}, which clients may not handle",
            )


def request_field_required(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "request"):
        if after is not None and after.required and after.pointer != "/" and (before is None or not before.required):
            change = "was added as required" if before is None else "became required"
            yield key, where, f"request field {after.pointer} {change}"


def request_field_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "request"):
        if before is not None and after is None:
            yield key, where, f"request field {before.pointer} was removed; clients sending it may be refused"


def request_enum_narrowed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "request"):
        if before and after and before.enum is not None and after.enum is not None and before.enum - after.enum:
            gone = ", ".join(sorted(before.enum - after.enum))
            yield key, where, f"request field {after.pointer} no longer accepts {gone}"


def response_enum_widened(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "response"):
        if before and after and before.enum is not None and after.enum is not None and after.enum - before.enum:
            added = ", ".join(sorted(after.enum - before.enum))
            yield key, where, f"response field {after.pointer} may now be {added}, which clients may not handle"


def _type_sets(before: Field, after: Field) -> tuple[frozenset[str], frozenset[str]] | None:
    """The two sides' types when they differ; null aside (it has rules of its own) unless one side is only null."""
    was, now = before.types, after.types
    if was - {"null"} and now - {"null"}:
        was, now = was - {"null"}, now - {"null"}
    if not was or not now or (covers(was, now) and covers(now, was)):
        return None
    return was, now


def _types_shown(field: Field) -> str:
    return "/".join(sorted(field.types))


def type_changed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    """Neither side's types include the other's: integer -> string."""
    for side in ("request", "response"):
        for key, where, before, after in _field_pairs(old, new, side):
            sets = _type_sets(before, after) if before and after else None
            if before and after and sets and not covers(*sets) and not covers(sets[1], sets[0]):
                sentence = f"changed type from {_types_shown(before)} to {_types_shown(after)}"
                yield key, where, f"{side} field {after.pointer} {sentence}"


def type_rule(side: str, direction: str) -> Detect:
    """Types only dropped (narrowed: integer/string -> string) or only added (widened)."""

    def detect(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
        for key, where, before, after in _field_pairs(old, new, side):
            if not (before and after and (sets := _type_sets(before, after))):
                continue
            was, now = sets
            if covers(was, now) if direction == "narrowed" else covers(now, was):
                yield key, where, f"{side} field {after.pointer}: type {_types_shown(before)} -> {_types_shown(after)}"

    return detect


def branch_rule(side: str, change: str) -> Detect:
    """A oneOf / anyOf branch only one version has: removed or added."""

    def detect(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
        for key, where, before, after in _field_pairs(old, new, side, True):
            lone = before or after
            assert lone is not None
            if (change == "removed") == (after is None):
                verb = "no longer offers" if change == "removed" else "now offers"
                yield key, where, f"{side} {lone.branch} {verb} the branch {lone.pointer}"

    return detect


def constraint_rule(constraint: Constraint, side: str, direction: str) -> Detect:
    """A constraint keyword of a field on one side, changed one way (narrowed or widened)."""
    goes = constraint.narrowed if direction == "narrowed" else constraint.widened

    def detect(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
        for key, where, before, after in _field_pairs(old, new, side):
            if before is None or after is None:
                continue
            if not (_applies(constraint, before) and _applies(constraint, after)):
                continue  # minimum of an integer against a string: the type rules tell that change
            was, now = before.constraints.get(constraint.keyword), after.constraints.get(constraint.keyword)
            if was != now and goes(was, now):
                yield key, where, f"{side} field {after.pointer}: {constraint.keyword} {shown(was)} -> {shown(now)}"

    return detect


def _applies(constraint: Constraint, field: Field) -> bool:
    return not field.types or not constraint.applies_to or bool(field.types & constraint.applies_to)


def nullable_rule(side: str, direction: str) -> Detect:
    """null accepted (widened) or no longer accepted (narrowed)."""

    def detect(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
        for key, where, before, after in _field_pairs(old, new, side):
            if before and after and before.nullable != after.nullable and after.nullable == (direction == "widened"):
                state = "may now be null" if after.nullable else "may no longer be null"
                yield key, where, f"{side} field {after.pointer} {state}"

    return detect


def default_rule(side: str) -> Detect:
    def detect(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
        for key, where, before, after in _field_pairs(old, new, side):
            if before and after and before.constraints.get("default") != after.constraints.get("default"):
                was, now = before.constraints.get("default"), after.constraints.get("default")
                yield key, where, f"{side} field {after.pointer}: default {was!r} -> {now!r}"

    return detect


def response_field_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "response"):
        if before is not None and after is None:
            yield key, where, f"response field {before.pointer} was removed"


def response_field_optional(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in _field_pairs(old, new, "response"):
        if before is not None and after is not None and before.required and not after.required:
            yield key, where, f"response field {after.pointer} is no longer guaranteed (became optional)"


def _scheme(spec: Spec, name: str) -> str:
    """A security scheme by what a client does (`basic`, `apiKey header Authorization`), not by its name."""
    scheme = spec.resolve(spec.document.get("components", {}).get("securitySchemes", {}).get(name, {}))
    if not isinstance(scheme, dict) or not scheme:
        return name  # undeclared: the name is all there is
    if scheme.get("type") == "http":
        return str(scheme.get("scheme", "http")).lower()
    if scheme.get("type") == "apiKey":
        return f"apiKey {scheme.get('in')} {scheme.get('name')}"
    return str(scheme.get("type"))


def _security(spec: Spec, op: Operation) -> str:
    """The alternatives a client may authenticate with; two documents may name one scheme differently."""
    requirements = op.definition.get("security", spec.document.get("security", []))
    alternatives = {" and ".join(sorted(_scheme(spec, name) for name in r)) or "none" for r in requirements}
    return " or ".join(sorted(alternatives)) or "none"


def security_changed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        if (was := _security(old, old_op)) != (now := _security(new, new_op)):
            where = _pointer(new, key, "security") if "security" in new_op.definition else "#/security"
            yield key, where, f"{key} changed its security requirements: {was} -> {now}"
    old_schemes = old.document.get("components", {}).get("securitySchemes", {})
    new_schemes = new.document.get("components", {}).get("securitySchemes", {})
    for name in sorted(old_schemes.keys() & new_schemes.keys()):
        before = {k: v for k, v in old.resolve(old_schemes[name]).items() if k != "description"}
        after = {k: v for k, v in new.resolve(new_schemes[name]).items() if k != "description"}
        if before != after:
            yield "", f"#/components/securitySchemes/{locations.escape(name)}", f"security scheme {name} changed"


def _declared_parameters(spec: Spec, op: Operation, key: str) -> dict[str, tuple[dict[str, Any], str]]:
    """name -> (parameter, the pointer it is written at); the operation's own override the path's."""
    at = locations.operation(spec, key)
    item_at = at.rsplit("/", 1)[0]
    declared = {}
    for holder_at, holder in ((item_at, _path_items(spec, key)), (at, op.definition)):
        for index, parameter in enumerate(holder.get("parameters", [])):
            parameter_at = locations.followed(spec, f"{holder_at}/parameters/{index}")
            declared[spec.resolve(parameter)["name"]] = (spec.resolve(parameter), parameter_at)
    return declared


def _parameters(spec: Spec, op: Operation, key: str) -> dict[str, dict[str, Any]]:
    return {name: parameter for name, (parameter, _) in _declared_parameters(spec, op, key).items()}


def _parameter_at(spec: Spec, op: Operation, key: str, name: str) -> str:
    return _declared_parameters(spec, op, key)[name][1]


def _path_items(spec: Spec, key: str) -> dict[str, Any]:
    kind, _, name = key.partition(" ")
    return spec.resolve(spec.document.get("webhooks" if kind == "WEBHOOK" else "paths", {}).get(name, {}))


def parameter_moved(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        before = _parameters(old, old_op, key)
        after = _parameters(new, new_op, key)
        for name in sorted(before.keys() & after.keys()):
            if before[name]["in"] != after[name]["in"]:
                yield (
                    key,
                    _parameter_at(new, new_op, key, name),
                    (f"parameter {name} moved from {before[name]['in']} to {after[name]['in']}"),
                )


def parameter_required_added(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in _shared(old, new):
        before = _parameters(old, old_op, key)
        after = _parameters(new, new_op, key)
        for name in sorted(after):
            if after[name].get("required") and not (name in before and before[name].get("required")):
                yield key, _parameter_at(new, new_op, key, name), f"parameter {name} is now required"


def server_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    before = {s["url"] for s in old.document.get("servers", [])}
    after = {s["url"] for s in new.document.get("servers", [])}
    for url in sorted(before - after):
        yield "", "#/servers", f"server {url} was removed"


FIELD_RULES: tuple[Rule, ...] = (
    Rule("operation-removed", ERROR, "an operation or webhook was removed", operation_removed, "DELETE a path"),
    Rule("operation-added", INFO, "an operation or webhook was added", operation_added, "a new PUT /v1/voice"),
    Rule("status-removed", ERROR, "a documented status code was removed", status_removed, "429 no longer documented"),
    Rule("status-added", WARNING, "a new status code may be answered", status_added, "409 added to a GET"),
    Rule(
        "request-field-required",
        ERROR,
        "a request field was added as required or made required",
        request_field_required,
        "caller_id added to required of VoiceCallRequest (also inside a oneOf branch)",
    ),
    Rule(
        "request-field-removed",
        WARNING,
        "a request field was removed",
        request_field_removed,
        "external_id dropped from VoiceCallRequest",
    ),
    Rule(
        "request-enum-narrowed",
        ERROR,
        "an enum value was removed from a request field",
        request_enum_narrowed,
        "message_type no longer accepts MKT",
    ),
    Rule(
        "response-enum-widened",
        ERROR,
        "an enum value was added to a response field",
        response_enum_widened,
        "status may now be dial_queued",
    ),
    Rule("type-changed", ERROR, "a field changed type", type_changed, "validity: integer -> string"),
    Rule(
        "response-field-removed",
        ERROR,
        "a response field was removed",
        response_field_removed,
        "external_id dropped from VoiceCallAccepted",
    ),
    Rule(
        "response-field-optional",
        ERROR,
        "a response field became optional",
        response_field_optional,
        "voice no longer in required of VoiceCallAccepted",
    ),
    Rule(
        "security-changed",
        ERROR,
        "security requirements or schemes changed",
        security_changed,
        "POST /v1/voice now needs telesignHmac",
    ),
    Rule(
        "parameter-moved",
        ERROR,
        "a parameter moved (query, header, path)",
        parameter_moved,
        "reference_id moved from path to query",
    ),
    Rule(
        "parameter-required-added",
        ERROR,
        "a parameter was added as required or made required",
        parameter_required_added,
        "a required query parameter verbose added",
    ),
    Rule("server-removed", ERROR, "a server URL was removed", server_removed, "https://rest-api.telesign.com removed"),
)

# Narrowing what a client may send, or widening what it may receive, breaks it; the reverse is safe.
BREAKS = {("request", "narrowed"), ("response", "widened")}


def _severity(side: str, direction: str) -> Severity:
    return ERROR if (side, direction) in BREAKS else INFO


CONSTRAINT_RULES: tuple[Rule, ...] = tuple(
    Rule(
        f"{side}-{constraint.slug}-{direction}",
        _severity(side, direction),
        f"{constraint.keyword} of a {side} field {direction}",
        constraint_rule(constraint, side, direction),
        f"{side} field {constraint.keyword} "
        + (
            f"{shown(constraint.wide)} -> {shown(constraint.narrow)}"
            if direction == "narrowed"
            else f"{shown(constraint.narrow)} -> {shown(constraint.wide)}"
        ),
    )
    for constraint in CONSTRAINTS
    for side in SIDES
    for direction in ("narrowed", "widened")
)

SHAPE_RULES: tuple[Rule, ...] = (
    *(
        Rule(
            f"{side}-nullable-{direction}",
            _severity(side, direction),
            f"a {side} field {'accepts' if direction == 'widened' else 'no longer accepts'} null",
            nullable_rule(side, direction),
            f"{side} field type string -> [string, null]"
            if direction == "widened"
            else f"{side} field type [string, null] -> string",
        )
        for side in SIDES
        for direction in ("narrowed", "widened")
    ),
    Rule(
        "request-default-changed",
        WARNING,
        "the default of a request field changed: clients that omit it get another behaviour",
        default_rule("request"),
        "request field default 'en-US' -> 'en-GB'",
    ),
    Rule(
        "response-default-changed",
        INFO,
        "the default of a response field changed",
        default_rule("response"),
        "response field default 0 -> 1",
    ),
    Rule(
        "request-branch-removed",
        ERROR,
        "a oneOf / anyOf branch of what the client sends was removed",
        branch_rule("request", "removed"),
        "VoiceRpcRequest no longer offers speak",
    ),
    Rule(
        "request-branch-added",
        INFO,
        "a oneOf / anyOf branch of what the client sends was added",
        branch_rule("request", "added"),
        "VoiceRpcRequest now offers transfer",
    ),
    Rule(
        "response-branch-added",
        ERROR,
        "a oneOf / anyOf branch of what the client receives was added: a shape it may not handle",
        branch_rule("response", "added"),
        "VoiceEvent now offers transfer_completed",
    ),
    Rule(
        "response-branch-removed",
        INFO,
        "a oneOf / anyOf branch of what the client receives was removed",
        branch_rule("response", "removed"),
        "VoiceEvent no longer offers speak_completed",
    ),
)

TYPE_RULES: tuple[Rule, ...] = tuple(
    Rule(
        f"{side}-type-{direction}",
        _severity(side, direction),
        f"a {side} field {'accepts fewer' if direction == 'narrowed' else 'accepts more'} types",
        type_rule(side, direction),
        f"{side} field type [integer, string] -> string"
        if direction == "narrowed"
        else f"{side} field type string -> [integer, string]",
    )
    for side in SIDES
    for direction in ("narrowed", "widened")
)

VERSION_RULE = Rule(
    "version-not-bumped",
    ERROR,
    "a breaking change without a major version bump of info.version",
    lambda old, new: iter(()),  # judged from the other findings, in `diff`
    "a request field made required, info.version 1.4.0 -> 1.5.0",
)
RULES: tuple[Rule, ...] = (*FIELD_RULES, *CONSTRAINT_RULES, *SHAPE_RULES, *TYPE_RULES, VERSION_RULE)


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
