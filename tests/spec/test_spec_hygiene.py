"""The spec is a valid OpenAPI 3.1 document whose refs resolve and whose examples match.

Each check is also run on a deliberately broken copy, to show it can fail.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from telecontract import hygiene
from telecontract.spec import Spec


def broken(spec: Spec) -> dict[str, Any]:
    return copy.deepcopy(spec.document)


@pytest.mark.parametrize("check", sorted(hygiene.CHECKS))
def test_spec_passes(spec: Spec, check: str) -> None:
    problems = hygiene.CHECKS[check](spec)
    assert problems == [], "\n".join(map(str, problems))


def test_spec_has_examples_from_every_document(spec: Spec) -> None:
    pointers = [example.pointer for example in spec.examples()]
    # One named example at least per source document: masking (2), voice v1, voice v2, VTS.
    for fragment in ("session~1sms/", "session~1sms_voice", "v1~1voice", "v2~1voice", "Masking~1Session"):
        assert any(fragment in p for p in pointers), f"no example under a path containing {fragment}"


def test_example_missing_a_required_field_is_caught(spec: Spec) -> None:
    document = broken(spec)
    example = document["paths"]["/v1/anonymous/session/sms"]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ]["serbianPair"]["value"]
    del example["phone_number_2"]
    problems = hygiene.examples_match_schemas(Spec(document))
    assert [p.pointer for p in problems] == [
        "#/paths/~1v1~1anonymous~1session~1sms/post/requestBody/content/application~1json/examples/serbianPair"
    ]
    assert "phone_number_2" in problems[0].message


def test_example_with_a_wrong_type_is_caught(spec: Spec) -> None:
    document = broken(spec)
    created = document["components"]["responses"]["MaskedSessionCreated"]["content"]["application/json"]
    created["examples"]["smsSession"]["value"]["session_data"]["validity"] = [500]
    problems = hygiene.examples_match_schemas(Spec(document))
    assert len(problems) == 1 and "session_data/validity" in problems[0].message


def test_dangling_ref_is_caught(spec: Spec) -> None:
    document = broken(spec)
    document["components"]["schemas"]["MaskedSessionRequest"]["properties"]["phone_number_1"] = {
        "$ref": "#/components/schemas/NoSuchSchema"
    }
    problems = hygiene.refs_resolve(Spec(document))
    assert [p.message for p in problems] == ["$ref '#/components/schemas/NoSuchSchema' does not resolve"]


def test_invalid_openapi_is_caught(spec: Spec) -> None:
    document = broken(spec)
    document["components"]["parameters"]["ReferenceId"]["in"] = "body"  # OpenAPI 2 only
    problems = hygiene.valid_openapi_31(Spec(document))
    assert problems and all(p.check == "openapi-3.1" for p in problems)


def test_operation_without_a_4xx_schema_is_caught(spec: Spec) -> None:
    document = broken(spec)
    responses = document["paths"]["/v1/voice/{reference_id}"]["get"]["responses"]
    for status in [s for s in responses if s.startswith("4")]:
        del responses[status]
    problems = hygiene.client_errors_documented(Spec(document))
    assert [p.message for p in problems] == ["GET /v1/voice/{reference_id} has no 4xx response with a schema"]


def test_a_vts_update_takes_every_setting_and_only_them(spec: Spec) -> None:
    # The update schema writes the settings out (a closed object cannot extend them by allOf).
    schemas = spec.document["components"]["schemas"]
    settings = {k: {**v, "description": None} for k, v in schemas["VtsSessionSettings"]["properties"].items()}
    update = dict(schemas["VtsSessionUpdateRequest"]["properties"])
    assert update.pop("session_uuid")
    assert {k: {**v, "description": None} for k, v in update.items()} == settings
    assert schemas["VtsSessionUpdateRequest"]["additionalProperties"] is False
