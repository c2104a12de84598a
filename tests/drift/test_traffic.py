"""Traffic drift end to end: the mock, recorded through the proxy, judged against the spec."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from telecontract.client_auth import HttpxAuth
from telecontract.credentials import Credentials
from telecontract.drift import recordings, traffic
from telecontract.drift.proxy import create_proxy
from telecontract.errors import UsageError
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread
from telecontract.spec import load_spec


def record_traffic(credentials: Credentials, out: Path, defects: frozenset[str] = frozenset()) -> None:
    mock = create_app(MockConfig(credentials=credentials, defects=defects, time_scale=0.01))
    with serve_in_thread(mock) as upstream, serve_in_thread(create_proxy(upstream, load_spec(), out)) as proxy:
        client = httpx.Client(base_url=proxy, auth=HttpxAuth(credentials))
        for n in range(3):
            client.post(
                "/v1/anonymous/session/sms_voice",
                json={"phone_number_1": f"1555555{n:04d}", "phone_number_2": "15558675309", "validity_period": 500},
            )
        placed = client.post("/v1/voice", data={"phone_number": "15555551212", "message": "Hi", "message_type": "OTP"})
        client.get(f"/v1/voice/{placed.json()['reference_id']}")
        sessions = f"/v1/Account/{credentials.vts_auth_id}/Masking/Session/"
        created = client.post(sessions, json={"first_party": "+14155552345", "second_party": "+12165554567"})
        client.get(f"{sessions}{created.json()['session_uuid']}/")
        client.get(sessions, params={"limit": 5})
        client.get("/v1/voice")  # an undocumented method, refused with 405: no drift


def test_faithful_mock_traffic_reports_nothing(tmp_path: Path, credentials: Credentials) -> None:
    out = tmp_path / "recorded.ndjson"
    record_traffic(credentials, out)
    recording = recordings.read(out)
    assert len(recording.exchanges) == 9
    assert traffic.analyse(load_spec(), recording.exchanges) == []
    assert "15558675309" not in out.read_text()  # recorded redacted


def test_schema_defect_is_reported_with_operation_and_field(tmp_path: Path, credentials: Credentials) -> None:
    out = tmp_path / "recorded.ndjson"
    record_traffic(credentials, out, frozenset({"masking_missing_field"}))
    findings = traffic.analyse(load_spec(), recordings.read(out).exchanges)
    assert [(f.rule, f.operation, f.location, f.count) for f in findings] == [
        (
            "missing-required-field",
            "POST /v1/anonymous/session/sms_voice",
            "response 200 /session_data/phone_number_2",
            3,
        )
    ]
    assert "country_name" in findings[0].message


def test_undocumented_status_field_and_content_type(tmp_path: Path) -> None:
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "other-tool"},
            "entries": [
                {
                    "request": {"method": "GET", "url": "https://rest-api.telesign.com/v1/voice/" + "A" * 32},
                    "response": {"status": 418, "content": {"mimeType": "application/json", "text": "{}"}},
                },
                {
                    "request": {"method": "POST", "url": "https://rest-api.telesign.com/v1/voice"},
                    "response": {"status": 201, "content": {"mimeType": "text/html", "text": "<p>hi</p>"}},
                },
                {
                    "request": {"method": "POST", "url": "https://rest-ww.telesign.com/v2/voice"},
                    "response": {
                        "status": 202,
                        "headers": [{"name": "Content-Type", "value": "application/json"}],
                        "content": {
                            "text": json.dumps({"reference_id": "A" * 32, "status": "dial_accepted", "eta": 3})
                        },
                    },
                    "_odd": {"vendor": True},
                },
                {"request": {"method": "GET"}, "response": {}},  # no URL, no status: skipped and counted
            ],
        }
    }
    path = tmp_path / "other.har"
    path.write_text(json.dumps(har))
    recording = recordings.read(path)
    assert recording.skipped == 1
    rules = {(f.rule, f.operation) for f in traffic.analyse(load_spec(), recording.exchanges)}
    assert rules == {
        ("undocumented-status", "GET /v1/voice/{reference_id}"),
        ("undocumented-content-type", "POST /v1/voice"),
        ("undocumented-field", "POST /v2/voice"),
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Recording not found"),
        ("{not json", "is not a JSON line"),
        ('{"log": {"version": "1.2"}}', "has no log.entries list"),
        ('{"unrelated": true}\n', "none with a method, URL and status"),
    ],
)
def test_bad_recordings_are_usage_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "input.ndjson"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError, match=message):
        recordings.read(path)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "telecontract.cli", "drift", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_exit_codes_and_formats(tmp_path: Path, credentials: Credentials) -> None:
    out = tmp_path / "recorded.ndjson"
    record_traffic(credentials, out, frozenset({"masking_missing_field"}))
    drifted = run_cli("traffic", str(out), "--format", "json")
    assert drifted.returncode == 1
    assert json.loads(drifted.stdout)["findings"][0]["rule"] == "missing-required-field"
    assert run_cli("traffic", str(out), "--format", "markdown").stdout.startswith("# traffic drift")
    assert "<testsuite" in run_cli("traffic", str(out), "--format", "junit").stdout
    missing = run_cli("traffic", str(tmp_path / "nope.har"))
    assert missing.returncode == 2 and "Recording not found" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "bad.yaml").write_text("openapi: [")
    broken = run_cli("spec", str(tmp_path / "bad.yaml"), str(tmp_path / "bad.yaml"))
    assert broken.returncode == 2 and "not valid YAML" in broken.stderr and "Traceback" not in broken.stderr
    docs = run_cli("docs")
    assert docs.returncode == 0 and "no drift" in docs.stdout
