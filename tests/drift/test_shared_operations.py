"""`drift spec OURS THEIRS --shared-operations`: our contract against a provider's published definition.

The provider files are reduced copies of TeleSign's published definitions (tests/drift/providers/,
each naming its source). Our spec is the repository's, so these tests judge what a team would run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from telecontract.cli import cli
from telecontract.drift.schemas import fields
from telecontract.drift.shared import shared
from telecontract.drift.spec_diff import diff
from telecontract.errors import UsageError
from telecontract.spec import Spec, default_spec_path, read_document

PROVIDERS = Path(__file__).parent / "providers"
MASKING, VOICE = PROVIDERS / "telesign-number-masking.yml", PROVIDERS / "telesign-voice.yml"
MASKING_OPS = {"POST /v1/anonymous/session/sms", "POST /v1/anonymous/session/sms_voice"}


def run(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["drift", "spec", *args, "--format", "json"])
    return result.exit_code, json.loads(result.output) if result.output.startswith("{") else {}


@pytest.fixture(scope="module")
def masking() -> dict[str, Any]:
    code, report = run(str(default_spec_path()), str(MASKING), "--shared-operations")
    assert code == 1, report  # real differences, some breaking
    return report


@pytest.fixture(scope="module")
def voice() -> dict[str, Any]:
    code, report = run(str(default_spec_path()), str(VOICE), "--shared-operations")
    assert code == 1, report
    return report


def at(report: dict[str, Any], field: str, *, inside: bool = True) -> list[dict[str, Any]]:
    """The findings about the payload field `field` as their messages name it (`request field
    /oneOf(dial)/jsonrpc was removed`): anywhere in a payload, or only at its top (`inside=False`)."""
    prefix = r"\S*" if inside else ""
    pattern = re.compile(rf"(?:field|branch) {prefix}{re.escape(field)}(?=[\s:;]|$)")
    return [f for f in report["findings"] if pattern.search(f["message"])]


# ---- only the operations both describe ---------------------------------------------------------------


def test_operations_pair_by_method_and_path_and_the_rest_is_listed_in_one_line(
    masking: dict[str, Any], voice: dict[str, Any]
) -> None:
    assert {f["operation"] for f in masking["findings"]} == MASKING_OPS
    assert {f["operation"] for f in voice["findings"]} == {"POST /v2/voice"}  # theirs: /voice on .../v2
    left_out = voice["notes"][-1]
    assert left_out.startswith(f"left out: only in {default_spec_path().name} (") and "\n" not in left_out
    theirs = left_out.split("; only in telesign-voice.yml (3): ")[1]
    assert theirs == "GET /call_recording, GET /call_recording/{reference_id}, DELETE /call_recording/{reference_id}"
    assert "POST /v1/voice" in left_out and "POST /v2/voice" not in left_out
    assert masking["notes"][-1].endswith("only in telesign-number-masking.yml (0): none")


def test_versions_and_servers_of_two_documents_are_not_compared(masking: dict[str, Any]) -> None:
    assert not {"version-not-bumped", "server-removed", "operation-removed", "operation-added"} & {
        f["rule"] for f in masking["findings"]
    }


# ---- no artefacts of how a file is read ---------------------------------------------------------------


def type_sets(message: str) -> tuple[set[str], set[str]]:
    match = re.search(r"changed type from (\S+) to (\S+)", message)
    assert match, message
    return set(match.group(1).split("/")) - {"null"}, set(match.group(2).split("/")) - {"null"}


@pytest.mark.parametrize("provider", ["masking", "voice"])
def test_no_python_type_names_and_no_type_change_that_is_none(provider: str, request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(provider)
    for finding in report["findings"]:
        assert not re.search(r"\b(str|NoneType|bool|int|float|dict|list)\b", finding["message"]), finding
        if finding["rule"] == "type-changed":
            was, now = type_sets(finding["message"])
            assert not (was and now and was & now), finding  # an overlap is narrowed or widened, not changed


def test_nullability_is_read_the_same_on_both_sides(masking: dict[str, Any]) -> None:
    """masked_id and external_id: a nullable $ref (ours) and a type list with null (TeleSign's)."""
    for name in ("/masked_id", "/external_id", "/error"):
        assert not [f for f in at(masking, name) if "nullable" in f["rule"]], name
    # our nullable $ref is no branch of its own against their string-or-null
    assert not [f for f in masking["findings"] if "masked_id/anyOf(" in f["message"]]


def test_an_allof_part_that_narrows_status_keeps_updated_on(masking: dict[str, Any]) -> None:
    """TeleSign's 400 and 503 answers: allOf of the envelope and a part that lists status.code only."""
    assert not [f for f in at(masking, "/status/updated_on") if f["rule"] == "response-field-removed"]


def test_voice_constants_are_strings_and_every_method_is_offered(voice: dict[str, Any]) -> None:
    """Ours: `status: {const: blocked}` and a oneOf by `method`; theirs: strings and one Action object."""
    rules = {f["rule"] for f in voice["findings"]}
    assert "request-branch-removed" not in rules and "type-changed" not in {
        f["rule"] for f in at(voice, "/status", inside=False)
    }
    # what does part ways: their Action lists no jsonrpc, a field our contract requires
    assert at(voice, "/oneOf(dial)/jsonrpc")[0]["rule"] == "request-field-removed"


# ---- and the real differences are there -----------------------------------------------------------------


def test_real_differences_are_reported(masking: dict[str, Any], voice: dict[str, Any]) -> None:
    for report, operations in ((masking, MASKING_OPS), (voice, {"POST /v2/voice"})):
        security = {f["operation"]: f["message"] for f in report["findings"] if f["rule"] == "security-changed"}
        assert set(security) == operations  # TeleSign documents Basic only; ours also its HMAC
        assert all(m.endswith("apiKey header Authorization or basic -> basic") for m in security.values())
        gone = {
            (f["operation"], f["location"].rsplit("/", 1)[1])
            for f in report["findings"]
            if f["rule"] == "status-removed"
        }
        assert {(op, status) for op in operations for status in ("408", "413")} <= gone  # ours: inferred limits
    assert at(masking, "/phone_number_1", inside=False)[0]["rule"] == "request-pattern-widened"


def test_validity_is_judged_from_what_our_spec_says_of_it(masking: dict[str, Any]) -> None:
    """TeleSign's validity is a string; ours an integer, or an integer or a string."""
    ours = Spec(read_document(default_spec_path()))
    operation = ours.document["paths"]["/v1/anonymous/session/sms"]["post"]
    schema = ours.resolve(operation["responses"]["200"])["content"]["application/json"]["schema"]
    validity = [f for f in fields(ours, schema) if f.pointer.startswith("/session_data/validity")]
    accepts_string = any("string" in f.types for f in validity)
    found = [f for f in at(masking, "/session_data/validity") if f["message"].startswith("response ")]
    typed = [f for f in found if f["rule"] in ("type-changed", "response-type-narrowed", "response-branch-removed")]
    assert typed, "a real difference: the two say different things of validity's type"
    assert {f["operation"] for f in typed} == MASKING_OPS
    if accepts_string:  # ours receives more shapes than theirs sends (an integer too): safe
        assert {(f["rule"], f["severity"]) for f in typed} <= {
            ("response-branch-removed", "info"),
            ("response-type-narrowed", "info"),
        }, typed
    else:
        assert {f["rule"] for f in typed} == {"type-changed"}, typed


# ---- pairing, on small documents --------------------------------------------------------------------


def small(servers: list[str], paths: dict[str, Any]) -> Spec:
    return Spec(
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": u} for u in servers],
            "paths": paths,
        }
    )


def call(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"get": {"operationId": "x", "parameters": parameters, "responses": {"200": {"description": "ok"}}}}


PATH_ID = {"name": "reference_id", "in": "path", "required": True, "schema": {"type": "string"}}


def test_paths_pair_through_the_server_base_path_parameter_names_and_a_trailing_slash() -> None:
    ours = small(["https://api.example.com"], {"/v2/calls/{reference_id}": call([PATH_ID])})
    theirs_id = {**PATH_ID, "name": "id"}
    theirs = small(["https://api.example.com/v2"], {"/calls/{id}/": call([theirs_id])})
    both = shared(ours, theirs)
    assert both.pairs == (("GET /v2/calls/{reference_id}", "GET /calls/{id}/"),)
    assert diff(both.ours, both.theirs, versioned=False) == []  # {id} is our {reference_id}
    verbose = {"name": "verbose", "in": "query", "required": True, "schema": {"type": "boolean"}}
    stricter = shared(ours, small(["https://api.example.com/v2"], {"/calls/{id}/": call([theirs_id, verbose])}))
    assert [f.rule for f in diff(stricter.ours, stricter.theirs, versioned=False)] == ["parameter-required-added"]


def test_nothing_shared_is_a_usage_error(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.json"
    theirs.write_text(json.dumps(small(["https://x.example/v9"], {"/voice": call([])}).document))
    result = CliRunner().invoke(cli, ["drift", "spec", str(default_spec_path()), str(theirs), "--shared-operations"])
    assert isinstance(result.exception, UsageError) and "share no operation" in str(result.exception)


def test_without_the_flag_the_diff_is_one_document_to_its_next_version() -> None:
    code, report = run(str(default_spec_path()), str(VOICE))
    assert code == 1
    rules = {f["rule"] for f in report["findings"]}
    assert {"operation-removed", "operation-added", "server-removed"} <= rules  # /voice is not /v2/voice
