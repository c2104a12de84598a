"""Recorded traffic, redacted: NDJSON (one exchange per line, what `drift traffic` reads) and HAR 1.2."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from telecontract.contract.recording import Exchange, Recorder


def write_ndjson(path: Path, recorder: Recorder) -> None:
    with path.open("w", encoding="utf-8") as out:
        for exchange in recorder.exchanges:
            out.write(json.dumps(exchange.to_dict(), ensure_ascii=False) + "\n")


def _header(headers: dict[str, str], name: str) -> str:
    """A header's value whatever case the recording kept its name in (HTTP names are case-insensitive)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), "")


def _har_entry(exchange: Exchange) -> dict[str, object]:
    started = datetime.fromtimestamp(exchange.started, UTC).isoformat()
    request_type = _header(exchange.request_headers, "Content-Type")
    post_data = {"postData": {"mimeType": request_type, "text": exchange.request_body}} if exchange.request_body else {}
    return {
        "startedDateTime": started,
        "time": exchange.elapsed_ms,
        "request": {
            "method": exchange.method,
            "url": exchange.url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": k, "value": v} for k, v in exchange.request_headers.items()],
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(exchange.url).query)],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(exchange.request_body.encode()),
            **post_data,
        },
        "response": {
            "status": exchange.status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": k, "value": v} for k, v in exchange.response_headers.items()],
            "cookies": [],
            "content": {
                "size": len(exchange.response_body.encode()),
                "mimeType": _header(exchange.response_headers, "Content-Type"),
                "text": exchange.response_body,
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(exchange.response_body.encode()),
        },
        "cache": {},
        "timings": {"send": 0, "wait": exchange.elapsed_ms, "receive": 0},
        "comment": "; ".join(f"{f.severity}: {f.rule} ({f.source}): {f.message}" for f in exchange.findings),
    }


def _version() -> str:
    try:
        return metadata.version("telecontract")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def write_har(path: Path, recorder: Recorder) -> None:
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "telecontract", "version": _version()},
            "entries": [_har_entry(e) for e in recorder.exchanges],
        }
    }
    path.write_text(json.dumps(har, indent=1, ensure_ascii=False), encoding="utf-8")
