"""traffic.har: media types read whatever case a header's name was recorded in; the creator's real version."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

from telecontract.contract.recording import Exchange, Recorder
from telecontract.contract.reports.traffic import write_har


def test_media_types_and_version(tmp_path: Path) -> None:
    exchange = Exchange(
        operation="POST /v1/voice",
        method="POST",
        url="http://127.0.0.1:1/v1/voice?x=1",
        request_headers={"content-type": "application/x-www-form-urlencoded"},
        request_body="message=hi",
        status=200,
        response_headers={"Content-Type": "application/json"},  # as requests and some servers spell it
        response_body="{}",
        elapsed_ms=3.0,
        started=0.0,
    )
    write_har(tmp_path / "traffic.har", Recorder(exchanges=[exchange]))
    har = json.loads((tmp_path / "traffic.har").read_text())["log"]
    [entry] = har["entries"]
    assert entry["request"]["postData"]["mimeType"] == "application/x-www-form-urlencoded"
    assert entry["response"]["content"]["mimeType"] == "application/json"
    assert har["creator"] == {"name": "telecontract", "version": metadata.version("telecontract")}
