"""Each breaking-change rule: a spec edit that triggers it, and a near miss that does not."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from telecontract.drift.spec_diff import diff
from telecontract.drift.spec_rules import FIELD_RULES
from telecontract.spec import Spec, load_spec

Edit = Callable[[dict[str, Any]], None]
SCHEMAS = ("components", "schemas")


def at(document: dict[str, Any], *path: str) -> Any:
    node = document
    for key in path:
        node = node[key]
    return node


def voice_post(d):
    return at(d, "paths", "/v1/voice", "post")


def voice_get(d):
    return at(d, "paths", "/v1/voice/{reference_id}", "get")


PAIRS: dict[str, tuple[Edit, Edit]] = {
    "operation-removed": (
        lambda d: at(d, "paths", "/v1/voice").pop("post"),
        lambda d: voice_post(d).update(summary="Place a call"),
    ),
    "operation-added": (
        lambda d: at(d, "paths", "/v1/voice").update(put=copy.deepcopy(voice_post(d)) | {"operationId": "putVoice"}),
        lambda d: voice_post(d).update(description="more words"),
    ),
    "status-removed": (
        lambda d: voice_get(d)["responses"].pop("429"),
        lambda d: voice_get(d)["responses"].update(
            {"429": {"$ref": "#/components/responses/TelesignRateLimited", "description": "Slow down"}}
        ),
    ),
    "status-added": (
        lambda d: voice_get(d)["responses"].update({"409": {"description": "Conflict"}}),
        lambda d: voice_get(d)["responses"]["200"].update(description="The status."),
    ),
    "request-field-required": (
        lambda d: at(d, *SCHEMAS, "VoiceCallRequest", "required").append("caller_id"),
        lambda d: at(d, *SCHEMAS, "VoiceCallRequest", "properties").update(note={"type": "string"}),
    ),
    "request-field-removed": (
        lambda d: at(d, *SCHEMAS, "VoiceCallRequest", "properties").pop("external_id"),
        lambda d: at(d, *SCHEMAS, "VoiceCallRequest", "properties", "external_id").update(maxLength=64),
    ),
    "request-enum-narrowed": (
        lambda d: at(d, *SCHEMAS, "VoiceCallRequest", "properties", "message_type", "enum").remove("MKT"),
        lambda d: at(d, *SCHEMAS, "VoiceCallRequest", "properties", "message_type", "enum").append("TRX"),
    ),
    "response-enum-widened": (
        lambda d: at(d, *SCHEMAS, "VoiceRpcAccepted", "properties", "status", "enum").append("dial_queued"),
        lambda d: at(d, *SCHEMAS, "VoiceRpcAccepted", "properties", "status", "enum").reverse(),
    ),
    "type-changed": (
        lambda d: at(
            d, *SCHEMAS, "MaskedSessionResponse", "properties", "session_data", "properties", "session_end_on"
        ).update(type="integer"),
        lambda d: at(
            d, *SCHEMAS, "MaskedSessionResponse", "properties", "session_data", "properties", "session_end_on"
        ).update(type=["string"]),  # one type, written as a list: the same type
    ),
    "response-field-removed": (
        lambda d: at(d, *SCHEMAS, "VoiceCallAccepted", "properties").pop("external_id"),
        lambda d: at(d, *SCHEMAS, "VoiceCallAccepted", "properties").update(note={"type": "string"}),
    ),
    "response-field-optional": (
        lambda d: at(d, *SCHEMAS, "VoiceCallAccepted", "required").remove("voice"),
        lambda d: at(d, *SCHEMAS, "VoiceCallAccepted", "required").append("external_id"),
    ),
    "security-changed": (
        lambda d: voice_post(d).update(security=[{"telesignHmac": []}]),
        lambda d: at(d, "components", "securitySchemes", "telesignBasic").update(description="Basic."),
    ),
    "parameter-moved": (
        lambda d: at(d, "components", "parameters", "ReferenceId").update({"in": "query"}),
        lambda d: at(d, "components", "parameters", "ReferenceId").update(description="The id."),
    ),
    "parameter-required-added": (
        lambda d: (
            voice_get(d)
            .setdefault("parameters", [])
            .append({"name": "verbose", "in": "query", "required": True, "schema": {"type": "boolean"}})
        ),
        lambda d: (
            voice_get(d)
            .setdefault("parameters", [])
            .append({"name": "verbose", "in": "query", "schema": {"type": "boolean"}})
        ),
    ),
    "server-removed": (
        lambda d: d["servers"].pop(),
        lambda d: d["servers"][0].update(description="TeleSign"),
    ),
}


def edited(edit: Edit) -> Spec:
    document = copy.deepcopy(load_spec().document)
    edit(document)
    return Spec(document)


def test_every_rule_has_a_pair() -> None:
    """Constraint, branch, nullability, default and version rules: tests/drift/test_spec_diff_depth.py."""
    assert set(PAIRS) == {rule.id for rule in FIELD_RULES}


@pytest.mark.parametrize("rule", sorted(PAIRS))
def test_rule_fires_on_its_change(rule: str) -> None:
    findings = [f for f in diff(load_spec(), edited(PAIRS[rule][0])) if f.rule == rule]
    assert findings, f"{rule} did not fire"
    assert all(f.location.startswith("#/") and f.message for f in findings)


@pytest.mark.parametrize("rule", sorted(PAIRS))
def test_rule_stays_quiet_on_the_near_miss(rule: str) -> None:
    assert [f for f in diff(load_spec(), edited(PAIRS[rule][1])) if f.rule == rule] == []


def test_identical_specs_have_no_drift() -> None:
    assert diff(load_spec(), edited(lambda d: None)) == []


def test_webhook_payload_field_removal_is_breaking() -> None:
    """For webhooks the provider sends the body: losing a field there breaks the receiving client."""
    findings = diff(
        load_spec(), edited(lambda d: at(d, *SCHEMAS, "VoiceTransactionCallback", "properties").pop("submit_timestamp"))
    )
    assert [f.rule for f in findings if f.rule != "version-not-bumped"] == ["response-field-removed"]
    assert findings[0].operation == "WEBHOOK voiceTransactionCallback"
