"""Sourced constraints judge in the relaxed spec; the full spec adds warnings with their sources."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from telecontract.relaxed_spec import relaxed_document
from telecontract.spec import Spec, load_spec
from telecontract.violations import strict_violations

REFERENCE = "ABCDEF0123456789ABCDEF0123456789"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="module")
def relaxed(spec: Spec) -> Spec:
    return Spec(relaxed_document(spec.document))


def violations(spec: Spec, path: str, method: str, status: int, body: Any, content_type: str = "application/json"):
    return strict_violations(spec.document, ["paths", path, method], status, content_type, body, spec.validator)


def relaxed_errors(relaxed: Spec, path: str, method: str, status: str, body: Any) -> list[str]:
    answer = relaxed.resolve(relaxed.document["paths"][path][method]["responses"][status])
    schema = answer["content"]["application/json"]["schema"]
    return [e.message for e in relaxed.validator(schema).iter_errors(body)]


def test_every_documented_response_example_passes_both(spec: Spec) -> None:
    for example in spec.examples():
        if "/responses/" not in example.pointer:
            continue
        validator: jsonschema_rs.Validator = spec.validator(example.schema)
        assert validator.is_valid(example.value), example.pointer


def test_a_v2_dial_answered_200_is_only_a_warning(spec: Spec, relaxed: Spec) -> None:
    body = {"reference_id": REFERENCE, "status": "dial_accepted"}
    assert relaxed_errors(relaxed, "/v2/voice", "post", "200", body) == []
    (found,) = violations(spec, "/v2/voice", "post", 200, body)
    assert found.rule == "response_schema_conformance"
    assert found.provenance is not None and found.provenance.source == "inferred"


def test_a_plain_text_429_is_tolerated_with_the_documents_source(spec: Spec) -> None:
    (found,) = violations(spec, "/v1/voice", "post", 429, "Too many", content_type="text/plain")
    assert found.rule == "content_type_conformance"
    assert found.provenance is not None and found.provenance.source == "documented"
    assert (
        violations(
            spec,
            "/v1/voice",
            "post",
            429,
            {"status": {"code": 1, "description": "x", "updated_on": "y"}, "errors": [{"code": 1, "description": "x"}]},
        )
        == []
    )


def test_an_unknown_voice_tag_on_a_response_is_inferred_but_a_missing_voice_is_documented(spec: Spec) -> None:
    status = {"code": 103, "description": "Call in progress", "updated_on": "2017-02-28T19:02:31Z"}
    (unknown,) = violations(
        spec, "/v1/voice", "post", 201, {"reference_id": REFERENCE, "status": status, "voice": "f-xx"}
    )
    assert unknown.provenance is not None and unknown.provenance.source == "inferred"
    (missing,) = violations(spec, "/v1/voice", "post", 201, {"reference_id": REFERENCE, "status": status})
    assert missing.provenance is not None and missing.provenance.source == "documented"
    assert "voice" in missing.message


def test_a_masking_session_answered_201_is_an_inferred_status(spec: Spec, relaxed: Spec) -> None:
    (found,) = violations(spec, "/v1/anonymous/session/sms", "post", 201, {})
    assert found.rule == "status_code_conformance"
    assert found.provenance is not None and found.provenance.source == "inferred"
    assert "2XX" in relaxed.document["paths"]["/v1/anonymous/session/sms"]["post"]["responses"]


def test_the_relaxed_copy_keeps_request_schemas_whole(spec: Spec, relaxed: Spec) -> None:
    # Generation and the mock use the request side: it must not lose a constraint.
    original = spec.document["paths"]["/v2/voice"]["post"]["requestBody"]
    assert relaxed.document["paths"]["/v2/voice"]["post"]["requestBody"] == original
    assert relaxed.document["components"]["schemas"]["VoiceTag"] == spec.document["components"]["schemas"]["VoiceTag"]
