"""Traffic drift on the client's side: what a recorded request sends that the spec does not allow."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from telecontract.client_auth import HttpxAuth
from telecontract.credentials import Credentials
from telecontract.drift import recordings, traffic
from telecontract.drift.proxy import create_proxy
from telecontract.drift.recordings import Recorded
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread
from telecontract.spec import Spec, load_spec

V2 = "https://rest-ww.telesign.com/v2/voice"
ACCEPTED = json.dumps({"reference_id": "0123456789ABCDEF0123456789ABCDEF", "status": "dial_accepted"})
ACTION_ACCEPTED = ACCEPTED.replace("dial_accepted", "action_accepted")
DIAL = {"jsonrpc": "2.0", "method": "dial", "params": {"to": "15555551212", "caller_id_number": "15555550100"}}
PLAY = {"jsonrpc": "2.0", "method": "play", "params": {"reference_id": "0123456789ABCDEF0123456789ABCDEF"}}
PLAY["params"]["url"] = "https://example.com/a.wav"


def v2(body: dict[str, Any] | str, content_type: str = "application/json") -> Recorded:
    text = body if isinstance(body, str) else json.dumps(body)
    answer = ACCEPTED if isinstance(body, str) or body.get("method") == "dial" else ACTION_ACCEPTED
    return Recorded("POST", V2, 202, {"content-type": "application/json"}, answer, {"content-type": content_type}, text)


def findings(*exchanges: Recorded, spec: Spec | None = None) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity, f.location) for f in traffic.analyse(spec or load_spec(), exchanges)]


def test_a_conforming_request_of_each_branch_is_quiet() -> None:
    assert findings(v2(DIAL), v2(PLAY)) == []


def test_a_field_the_spec_does_not_describe_is_reported() -> None:
    # The schemas are open (no additionalProperties: false): allowed, but nothing says what it does.
    assert findings(v2({**DIAL, "priority": "high"})) == [
        ("request-undocumented-field", "warning", "request /priority")
    ]


def test_a_field_a_closed_schema_forbids_is_an_error() -> None:
    document = copy.deepcopy(load_spec().document)
    document["components"]["schemas"]["DialParams"]["additionalProperties"] = False
    dial = {**DIAL, "params": {**DIAL["params"], "priority": "high"}}
    assert findings(v2(dial), spec=Spec(document)) == [
        ("request-field-not-allowed", "error", "request /params/priority")
    ]
    assert findings(v2(DIAL), spec=Spec(document)) == []


def test_the_gates_own_generated_requests_are_judged_by_their_answers_only() -> None:
    generated = v2({**DIAL, "priority": "high"})
    assert findings(generated) != []  # the same request from a client: drift
    headers = {**generated.request_headers, "x-schemathesis-testcaseid": "U86bWh"}
    assert findings(replace(generated, request_headers=headers)) == []


def test_a_request_the_server_refused_is_spec_and_server_agreeing() -> None:
    """The gate's negative cases, refused with a documented 400, are no drift."""
    refused = v2({**DIAL, "priority": "high"})
    body = json.dumps({"reference_id": None, "status": "invalid_request", "message": "unknown field"})
    refused = replace(refused, status=400, response_body=body)
    assert [rule for rule, _, _ in findings(refused) if rule.startswith("request-")] == []


def test_fields_are_judged_by_the_branch_the_request_picks() -> None:
    # `to` belongs to a dial; in a play it is a field the spec does not have.
    play_with_to = {**PLAY, "params": {**PLAY["params"], "to": "15555551212"}}
    assert findings(v2(play_with_to)) == [("request-undocumented-field", "warning", "request /params/to")]
    assert findings(v2(DIAL)) == []  # the near miss: the same field where the branch has it


def test_missing_fields_types_and_enums_are_reported_by_rule_at_the_field() -> None:
    # Judged against the branch the request picks (here: dial), not as "matches no branch".
    no_params = {"jsonrpc": "2.0", "method": "dial"}
    wrong_type = {**DIAL, "params": {**DIAL["params"], "max_call_duration": "long"}}
    assert findings(v2(no_params), v2(wrong_type)) == [
        ("request-missing-required-field", "error", "request /"),
        ("request-type-mismatch", "error", "request /params/max_call_duration"),
    ]


def test_a_body_in_another_media_type_or_broken_json_is_reported() -> None:
    assert findings(v2("method=dial", "text/plain"))[0][0] == "request-undocumented-content-type"
    assert findings(v2("{not json"))[0][0] == "request-invalid-json"


def test_form_requests_are_judged_by_their_fields() -> None:
    def voice_v1(body: str) -> Recorded:
        accepted = json.dumps({"reference_id": "0123456789ABCDEF0123456789ABCDEF"})
        return Recorded(
            "POST",
            "https://rest-api.telesign.com/v1/voice",
            200,
            {"content-type": "application/json"},
            accepted,
            {"content-type": "application/x-www-form-urlencoded"},
            body,
        )

    known = "phone_number=15555551212&message=Hi&message_type=OTP"
    rules = [(r, loc) for r, _, loc in findings(voice_v1(known + "&mesage_kind=OTP"), voice_v1("message=Hi"))]
    assert ("request-undocumented-field", "request /mesage_kind") in rules
    assert ("request-missing-required-field", "request /") in rules
    # The near miss: only the fields the spec names (the made-up answer's own findings aside).
    assert [rule for rule, _, _ in findings(voice_v1(known)) if rule.startswith("request-")] == []


def test_har_request_bodies_are_read(tmp_path: Path) -> None:
    har = {
        "log": {
            "entries": [
                {
                    "request": {
                        "method": "POST",
                        "url": V2,
                        "headers": [],
                        "postData": {"mimeType": "application/json", "text": json.dumps({**DIAL, "priority": 1})},
                    },
                    "response": {
                        "status": 202,
                        "headers": [],
                        "content": {"mimeType": "application/json", "text": ACCEPTED},
                    },
                }
            ]
        }
    }
    path = tmp_path / "traffic.har"
    path.write_text(json.dumps(har))
    recorded = recordings.read(path).exchanges
    assert [(f.rule, f.location) for f in traffic.analyse(load_spec(), recorded)] == [
        ("request-undocumented-field", "request /priority")
    ]


def drift(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "telecontract.cli", "drift", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    line = {
        "request": {
            "method": "POST",
            "url": V2,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({**DIAL, "priority": "high"}),
        },
        "response": {"status": 202, "headers": {"Content-Type": "application/json"}, "body": ACCEPTED},
    }
    path = tmp_path / "recorded.ndjson"
    path.write_text(json.dumps(line) + "\n")
    return path


def test_the_cli_reports_it_and_a_levels_file_sets_its_weight(recording: Path, tmp_path: Path) -> None:
    result = drift("traffic", str(recording), "--fail-on", "warning")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "request-undocumented-field" in result.stdout and "/priority" in result.stdout
    levels = tmp_path / "levels.txt"
    levels.write_text("request-undocumented-field error  # we send nothing the spec does not name\n")
    raised = drift("traffic", str(recording), "--severity-levels", str(levels))
    assert raised.returncode == 1, raised.stdout + raised.stderr
    assert "ERROR" in raised.stdout and "request-undocumented-field" in raised.stdout
    levels.write_text("request-undocumented-field off\n")
    silenced = drift("traffic", str(recording), "--severity-levels", str(levels), "--fail-on", "warning")
    assert silenced.returncode == 0 and "request-undocumented-field" not in silenced.stdout


def test_the_record_proxy_logs_a_request_the_spec_does_not_allow(
    tmp_path: Path, credentials: Credentials, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "recorded.ndjson"
    mock = create_app(MockConfig(credentials=credentials))
    with serve_in_thread(mock) as upstream, serve_in_thread(create_proxy(upstream, load_spec(), out)) as proxy:
        client = httpx.Client(base_url=proxy, auth=HttpxAuth(credentials))
        with caplog.at_level("WARNING", logger="telecontract.record"):
            client.post("/v1/voice", data={"phone_number": "15555551212", "message": "Hi", "message_type": "OTP"})
            typo = {"phone_number": "15555551212", "message": "Hi", "message_type": "OTP", "mesage_kind": "OTP"}
            client.post("/v1/voice", data=typo)  # accepted: the typo'd field is silently ignored
    logged = [r.getMessage() for r in caplog.records]
    assert len([m for m in logged if "request-undocumented-field" in m and "/mesage_kind" in m]) == 1, logged
    assert recordings.read(out).exchanges[1].request_body.endswith("mesage_kind=OTP")
