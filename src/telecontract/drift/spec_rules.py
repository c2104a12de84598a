"""The rules of `drift spec`, as data: one entry per rule, each a function from (old, new) to
(operation, location, sentence), with its default severity and a one-line example."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from telecontract.drift import locations, spec_pairs
from telecontract.drift.constraints import CONSTRAINTS, Constraint, shown
from telecontract.drift.findings import ERROR, INFO, WARNING, Severity
from telecontract.drift.reading import covers
from telecontract.drift.schemas import Field
from telecontract.drift.spec_pairs import SIDES, Detect, Rule
from telecontract.spec import Operation, Spec


def operation_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key in sorted(spec_pairs.operations_of(old).keys() - spec_pairs.operations_of(new).keys()):
        yield key, spec_pairs.pointer_under(old, key), f"{key} was removed"


def operation_added(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key in sorted(spec_pairs.operations_of(new).keys() - spec_pairs.operations_of(old).keys()):
        yield key, spec_pairs.pointer_under(new, key), f"{key} was added"


def status_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in spec_pairs.shared_operations(old, new):
        for status in sorted(spec_pairs.responses_of(old, old_op).keys() - spec_pairs.responses_of(new, new_op).keys()):
            yield (
                key,
                spec_pairs.pointer_under(old, key, "responses", status),
                f"{key} no longer documents status {status}",
            )


def status_added(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in spec_pairs.shared_operations(old, new):
        for status in sorted(spec_pairs.responses_of(new, new_op).keys() - spec_pairs.responses_of(old, old_op).keys()):
            yield (
                key,
                spec_pairs.pointer_under(new, key, "responses", status),
                f"{key} may now answer {status}, which clients may not handle",
            )


def request_field_required(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in spec_pairs.field_pairs(old, new, "request"):
        if after is not None and after.required and after.pointer != "/" and (before is None or not before.required):
            change = "was added as required" if before is None else "became required"
            yield key, where, f"request field {after.pointer} {change}"


def request_field_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in spec_pairs.field_pairs(old, new, "request"):
        if before is not None and after is None:
            yield key, where, f"request field {before.pointer} was removed; clients sending it may be refused"


def request_enum_narrowed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in spec_pairs.field_pairs(old, new, "request"):
        if before and after and before.enum is not None and after.enum is not None and before.enum - after.enum:
            gone = ", ".join(sorted(before.enum - after.enum))
            yield key, where, f"request field {after.pointer} no longer accepts {gone}"


def response_enum_widened(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in spec_pairs.field_pairs(old, new, "response"):
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
        for key, where, before, after in spec_pairs.field_pairs(old, new, side):
            sets = _type_sets(before, after) if before and after else None
            if before and after and sets and not covers(*sets) and not covers(sets[1], sets[0]):
                sentence = f"changed type from {_types_shown(before)} to {_types_shown(after)}"
                yield key, where, f"{side} field {after.pointer} {sentence}"


def type_rule(side: str, direction: str) -> Detect:
    """Types only dropped (narrowed: integer/string -> string) or only added (widened)."""

    def detect(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
        for key, where, before, after in spec_pairs.field_pairs(old, new, side):
            if not (before and after and (sets := _type_sets(before, after))):
                continue
            was, now = sets
            if covers(was, now) if direction == "narrowed" else covers(now, was):
                yield key, where, f"{side} field {after.pointer}: type {_types_shown(before)} -> {_types_shown(after)}"

    return detect


def branch_rule(side: str, change: str) -> Detect:
    """A oneOf / anyOf branch only one version has: removed or added."""

    def detect(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
        for key, where, before, after in spec_pairs.field_pairs(old, new, side, True):
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
        for key, where, before, after in spec_pairs.field_pairs(old, new, side):
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
        for key, where, before, after in spec_pairs.field_pairs(old, new, side):
            if before and after and before.nullable != after.nullable and after.nullable == (direction == "widened"):
                state = "may now be null" if after.nullable else "may no longer be null"
                yield key, where, f"{side} field {after.pointer} {state}"

    return detect


def default_rule(side: str) -> Detect:
    def detect(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
        for key, where, before, after in spec_pairs.field_pairs(old, new, side):
            if before and after and before.constraints.get("default") != after.constraints.get("default"):
                was, now = before.constraints.get("default"), after.constraints.get("default")
                yield key, where, f"{side} field {after.pointer}: default {was!r} -> {now!r}"

    return detect


def response_field_removed(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in spec_pairs.field_pairs(old, new, "response"):
        if before is not None and after is None:
            yield key, where, f"response field {before.pointer} was removed"


def response_field_optional(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, where, before, after in spec_pairs.field_pairs(old, new, "response"):
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
    for key, old_op, new_op in spec_pairs.shared_operations(old, new):
        if (was := _security(old, old_op)) != (now := _security(new, new_op)):
            where = spec_pairs.pointer_under(new, key, "security") if "security" in new_op.definition else "#/security"
            yield key, where, f"{key} changed its security requirements: {was} -> {now}"
    old_schemes = old.document.get("components", {}).get("securitySchemes", {})
    new_schemes = new.document.get("components", {}).get("securitySchemes", {})
    for name in sorted(old_schemes.keys() & new_schemes.keys()):
        before = {k: v for k, v in old.resolve(old_schemes[name]).items() if k != "description"}
        after = {k: v for k, v in new.resolve(new_schemes[name]).items() if k != "description"}
        if before != after:
            yield "", f"#/components/securitySchemes/{locations.escape(name)}", f"security scheme {name} changed"


def _parameters(spec: Spec, op: Operation, key: str) -> dict[str, dict[str, Any]]:
    return {name: parameter for name, (parameter, _) in spec_pairs.declared_parameters(spec, op, key).items()}


def _parameter_at(spec: Spec, op: Operation, key: str, name: str) -> str:
    return spec_pairs.declared_parameters(spec, op, key)[name][1]


def parameter_moved(old: Spec, new: Spec) -> Iterator[tuple[str, str, str]]:
    for key, old_op, new_op in spec_pairs.shared_operations(old, new):
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
    for key, old_op, new_op in spec_pairs.shared_operations(old, new):
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
