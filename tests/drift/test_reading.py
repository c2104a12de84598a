"""Drift reads OpenAPI 3.0, 3.1 and 3.2 alike: each way of saying one thing gives no finding, and
each test's counterpart (the thing really changed) gives the finding it should.

The documents are crafted small: one operation whose request and answer carry a field `probe`.
"""

from __future__ import annotations

from typing import Any

import pytest

from telecontract.drift.findings import ERROR, INFO
from telecontract.drift.spec_diff import diff
from telecontract.drift.spec_rules import TYPE_RULES
from telecontract.spec import Spec

PHONE = "^[1-9][0-9]{6,14}$"
PHONE_REF = {"$ref": "#/components/schemas/Phone"}
COMPONENTS = {
    "schemas": {
        "Phone": {"type": "string", "pattern": PHONE},
        "Dial": {
            "type": "object",
            "required": ["method", "params"],
            "properties": {
                "method": {"const": "dial"},
                "params": {"type": "object", "required": ["to"], "properties": {"to": PHONE_REF}},
            },
        },
        "Hangup": {"type": "object", "required": ["method"], "properties": {"method": {"const": "hangup"}}},
    },
    "securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic"}},
}


def document(version: str, probe: Any, *, side: str = "response", **changes: Any) -> Spec:
    """A document whose request (side "request") or answer carries `probe`, as OpenAPI `version` writes it."""
    holder = {"type": "object", "properties": {"probe": probe}}
    content = {"application/json": {"schema": holder}}
    plain = {"application/json": {"schema": {"type": "object"}}}
    operation: dict[str, Any] = {
        "operationId": "probe",
        "requestBody": {"content": content if side == "request" else plain},
        "responses": {"200": {"description": "text", "content": content if side == "response" else plain}},
    }
    spec = {
        "openapi": version,
        "info": {"title": "probe", "version": "1.0.0"},
        "paths": {"/things": {"post": operation}},
        "components": COMPONENTS,
    }
    return Spec({**spec, **changes})


# Where `document` writes the probe's schema: the start of its fields' JSON pointers.
PROBE_RESPONSE = "#/paths/~1things/post/responses/200/content/application~1json/schema/properties/probe"
PROBE_REQUEST = "#/paths/~1things/post/requestBody/content/application~1json/schema/properties/probe"


def rules(old: Spec, new: Spec) -> dict[str, str]:
    return {f.rule: f.severity for f in diff(old, new, versioned=False)}


def messages(old: Spec, new: Spec) -> list[str]:
    return [f.message for f in diff(old, new, versioned=False)]


# (why, (version, schema) one way, (version, schema) the other way): one meaning, so no finding.
SAME: list[tuple[str, tuple[str, Any], tuple[str, Any]]] = [
    (
        "3.0 nullable is 3.1's type list",
        ("3.0.3", {"type": "string", "nullable": True}),
        ("3.1.0", {"type": ["string", "null"]}),
    ),
    ("3.2 type list, null first", ("3.2.0", {"type": ["null", "string"]}), ("3.1.0", {"type": ["string", "null"]})),
    ("a one-type list is that type", ("3.1.0", {"type": ["string"]}), ("3.0.3", {"type": "string"})),
    ("const null is type null", ("3.1.0", {"const": None}), ("3.2.0", {"type": "null"})),
    ("a const string is a string", ("3.1.0", {"const": "dial"}), ("3.0.3", {"type": "string", "enum": ["dial"]})),
    ("a const integer is an integer", ("3.1.0", {"const": 2700}), ("3.0.3", {"type": "integer", "enum": [2700]})),
    ("a const boolean is a boolean", ("3.1.0", {"const": True}), ("3.0.3", {"type": "boolean", "enum": [True]})),
    (
        "an enum without type",
        ("3.1.0", {"enum": ["sms", "sms_voice"]}),
        ("3.0.3", {"type": "string", "enum": ["sms", "sms_voice"]}),
    ),
    (
        "null in an enum",
        ("3.1.0", {"type": ["string", "null"], "enum": ["sms", None]}),
        ("3.0.3", {"type": "string", "nullable": True, "enum": ["sms", None]}),
    ),
    (
        "3.1's nullable $ref is 3.0's",
        ("3.1.0", {"anyOf": [PHONE_REF, {"type": "null"}]}),
        ("3.0.3", {"allOf": [PHONE_REF], "nullable": True}),
    ),
    (
        "a nullable $ref is a nullable type list",
        ("3.1.0", {"oneOf": [{"type": "null"}, PHONE_REF]}),
        ("3.2.0", {"type": ["string", "null"], "pattern": PHONE}),
    ),
    (
        "a null branch whichever way it is written",
        ("3.1.0", {"anyOf": [PHONE_REF, {"const": None}]}),
        ("3.1.0", {"anyOf": [{"type": "string", "pattern": PHONE}, {"type": ["null"]}]}),
    ),
    (
        "3.0's boolean exclusive bound",
        ("3.0.3", {"type": "integer", "maximum": 10, "exclusiveMaximum": True}),
        ("3.1.0", {"type": "integer", "exclusiveMaximum": 10}),
    ),
    (
        "3.0's exclusive bound turned off",
        ("3.0.3", {"type": "integer", "minimum": 1, "exclusiveMinimum": False}),
        ("3.1.0", {"type": "integer", "minimum": 1}),
    ),
]


@pytest.mark.parametrize(("one", "other"), [(a, b) for _, a, b in SAME], ids=[why for why, _, _ in SAME])
@pytest.mark.parametrize("side", ["request", "response"])
def test_one_meaning_written_two_ways_is_no_drift(one: tuple[str, Any], other: tuple[str, Any], side: str) -> None:
    first, second = document(*one, side=side), document(*other, side=side)
    assert diff(first, second, versioned=False) == []
    assert diff(second, first, versioned=False) == []


# (why, old, new, side, the rules and severities reported): the meaning really changed.
CHANGED: list[tuple[str, tuple[str, Any], tuple[str, Any], str, dict[str, str]]] = [
    (
        "3.0 without nullable is not nullable",
        ("3.0.3", {"type": "string"}),
        ("3.1.0", {"type": ["string", "null"]}),
        "response",
        {"response-nullable-widened": ERROR},
    ),
    (
        "const null against a string",
        ("3.1.0", {"const": None}),
        ("3.0.3", {"type": "string"}),
        "response",
        {"type-changed": ERROR, "response-nullable-narrowed": INFO},
    ),
    (
        "a const string against an integer",
        ("3.1.0", {"const": "dial"}),
        ("3.0.3", {"type": "integer", "enum": [1]}),
        "request",
        {"type-changed": ERROR, "request-enum-narrowed": ERROR},
    ),
    (
        "a nullable $ref against a plain string",
        ("3.1.0", {"anyOf": [PHONE_REF, {"type": "null"}]}),
        ("3.0.3", {"type": "string"}),
        "response",
        {"response-nullable-narrowed": INFO, "response-pattern-widened": ERROR},
    ),
    (
        "3.0's exclusive bound lowered",
        ("3.0.3", {"type": "integer", "maximum": 10, "exclusiveMaximum": True}),
        ("3.1.0", {"type": "integer", "exclusiveMaximum": 5}),
        "request",
        {"request-exclusive-maximum-narrowed": ERROR},
    ),
    (
        "a minimum of an integer is no news once it is a string",
        ("3.1.0", {"type": "integer", "minimum": 1}),
        ("3.2.0", {"type": "string"}),
        "response",
        {"type-changed": ERROR},
    ),
]


@pytest.mark.parametrize(("old", "new", "side", "expected"), [c[1:] for c in CHANGED], ids=[c[0] for c in CHANGED])
def test_a_real_change_is_reported_in_json_terms(
    old: tuple[str, Any], new: tuple[str, Any], side: str, expected: dict[str, str]
) -> None:
    before, after = document(*old, side=side), document(*new, side=side)
    assert rules(before, after) == expected
    for message in messages(before, after):  # JSON Schema's type names, never Python's
        assert not any(f" {word} " in f" {message} " for word in ("str", "NoneType", "bool", "int")), message


def test_a_const_type_change_names_json_types() -> None:
    found = messages(document("3.1.0", {"const": "dial"}), document("3.1.0", {"const": 1}))
    assert "response field /probe changed type from string to integer" in found


# Types as sets: fewer types or more, judged from the client's side like the constraints.
TYPES: list[tuple[Any, Any, str, dict[str, str]]] = [
    (["integer", "string"], "string", "response", {"response-type-narrowed": INFO}),
    (["integer", "string"], "string", "request", {"request-type-narrowed": ERROR}),
    ("string", ["integer", "string"], "response", {"response-type-widened": ERROR}),
    ("string", ["integer", "string"], "request", {"request-type-widened": INFO}),
    ("integer", "number", "response", {"response-type-widened": ERROR}),
    ("number", "integer", "request", {"request-type-narrowed": ERROR}),
    ("null", ["string", "null"], "response", {"response-type-widened": ERROR}),
    ("integer", "string", "response", {"type-changed": ERROR}),
    (["integer", "string"], ["boolean", "string"], "request", {"type-changed": ERROR}),
]


@pytest.mark.parametrize(("old", "new", "side", "expected"), TYPES, ids=[f"{t[0]}->{t[1]}-{t[2]}" for t in TYPES])
def test_types_narrowed_widened_or_changed(old: Any, new: Any, side: str, expected: dict[str, str]) -> None:
    before, after = document("3.1.0", {"type": old}, side=side), document("3.1.0", {"type": new}, side=side)
    assert rules(before, after) == expected


def test_every_type_rule_is_exercised() -> None:
    exercised = {rule for *_, expected in TYPES for rule in expected if rule != "type-changed"}
    assert exercised == {rule.id for rule in TYPE_RULES}


# ---- allOf, branches against a plain node ----------------------------------------------------------


def enveloped(refinement: dict[str, Any]) -> Spec:
    """A 3.2 answer as TeleSign writes its 400: the envelope, and a part narrowing `status`."""
    envelope = {
        "type": "object",
        "properties": {
            "status": {
                "type": "object",
                "properties": {
                    "code": {"type": "integer"},
                    "description": {"type": "string"},
                    "updated_on": {"type": "string"},
                },
            }
        },
    }
    spec = document("3.2.0", {"allOf": [{"$ref": "#/components/schemas/Envelope"}, refinement]})
    spec.document["components"] = {**COMPONENTS, "schemas": {**COMPONENTS["schemas"], "Envelope": envelope}}
    return spec


def test_an_allof_part_refining_a_property_keeps_its_other_fields() -> None:
    refined = enveloped(
        {"type": "object", "properties": {"status": {"type": "object", "properties": {"code": {"type": "integer"}}}}}
    )
    plain = enveloped({"type": "object"})
    assert diff(plain, refined, versioned=False) == []  # updated_on is still there
    retyped = enveloped({"type": "object", "properties": {"status": {"properties": {"code": {"type": "string"}}}}})
    # Located at the allOf part whose keyword the field now reads (a JSON pointer into the new document).
    assert [(f.rule, f.location) for f in diff(plain, retyped, versioned=False)] == [
        ("type-changed", PROBE_RESPONSE + "/allOf/1/properties/status/properties/code")
    ]


RPC = {"oneOf": [{"$ref": "#/components/schemas/Dial"}, {"$ref": "#/components/schemas/Hangup"}]}
ACTION = {"type": "object", "properties": {"method": {"type": "string"}, "params": {"type": "object"}}}


def test_branches_against_one_object_are_compared_field_by_field() -> None:
    """Ours: a oneOf of dial and hangup; theirs: one object with a method string (TeleSign's Action)."""
    ours, theirs = document("3.1.0", RPC, side="request"), document("3.2.0", ACTION, side="request")
    found = {(f.rule, f.location, f.message.split()[2]) for f in diff(ours, theirs, versioned=False)}
    # theirs lists no params; the field is declared in Dial, which our oneOf's dial branch is
    removed = ("request-field-removed", "#/components/schemas/Dial/properties/params/properties/to")
    assert found == {(*removed, "/probe/oneOf(dial)/params/to")}
    assert {f.rule for f in diff(theirs, ours, versioned=False)} == {"request-field-required"}  # to, required


def test_branches_against_a_node_of_another_type_are_branches_gone() -> None:
    ours, theirs = document("3.1.0", RPC, side="request"), document("3.1.0", {"type": "string"}, side="request")
    assert rules(ours, theirs) == {"request-branch-removed": ERROR}
    assert len(diff(ours, theirs, versioned=False)) == 2


def test_integer_or_string_against_string_is_the_integer_branch_gone() -> None:
    """Ours: validity is an integer or a string; TeleSign's: a string. Fewer shapes to receive: safe."""
    either = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]}
    ours, theirs = document("3.1.0", either), document("3.2.0", {"type": "string"})
    found = diff(ours, theirs, versioned=False)
    assert [(f.rule, f.severity, f.location, f.message.split()[-1]) for f in found] == [
        ("response-branch-removed", INFO, PROBE_RESPONSE + "/anyOf/0", "/probe/anyOf(integer)")
    ]
    assert rules(theirs, ours) == {"response-branch-added": ERROR}  # the other way round, a new shape


def test_a_branch_removed_from_a_nullable_choice_is_still_reported() -> None:
    """[A, B, null] -> [B, null]: B is read as the node, nullable; A is gone."""
    both = {"anyOf": [PHONE_REF, {"$ref": "#/components/schemas/Dial"}, {"type": "null"}]}
    one = {"anyOf": [{"$ref": "#/components/schemas/Dial"}, {"type": "null"}]}
    found = diff(document("3.1.0", both, side="request"), document("3.1.0", one, side="request"), versioned=False)
    assert [(f.rule, f.location, f.message.split()[-1]) for f in found] == [
        ("request-branch-removed", PROBE_REQUEST + "/anyOf/0", "/probe/anyOf(Phone)")  # in the old document
    ]


# ---- security and media types --------------------------------------------------------------------


def secured(name: str, scheme: dict[str, Any]) -> Spec:
    spec = document("3.1.0", {"type": "string"}, security=[{name: []}])
    spec.document["components"] = {**COMPONENTS, "securitySchemes": {name: scheme}}
    return spec


def test_a_security_scheme_is_compared_by_what_it_is_not_its_name() -> None:
    ours = secured("telesignBasic", {"type": "http", "scheme": "basic", "description": "ours"})
    assert rules(ours, secured("Basic", {"type": "http", "scheme": "basic"})) == {}
    found = messages(ours, secured("Basic", {"type": "apiKey", "in": "header", "name": "Authorization"}))
    assert found == ["POST /things changed its security requirements: basic -> apiKey header Authorization"]


def with_media(media: str, kind: str) -> Spec:
    spec = document("3.1.0", {"type": kind})
    answer = spec.document["paths"]["/things"]["post"]["responses"]["200"]
    answer["content"] = {media: answer["content"]["application/json"]}
    return spec


def test_a_json_media_type_with_parameters_is_compared() -> None:
    assert (
        rules(with_media("application/json", "string"), with_media("application/json; charset=utf-8", "string")) == {}
    )
    changed = rules(with_media("application/json", "string"), with_media("application/json; charset=utf-8", "integer"))
    assert changed == {"type-changed": ERROR}
