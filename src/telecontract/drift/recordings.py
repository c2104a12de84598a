"""Reading recorded traffic: our NDJSON (what the gate and `telecontract record` write) and HAR 1.2.

Anything unreadable is a usage error naming the file and what is wrong with it; an entry that
lacks the essentials is skipped and counted, never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telecontract.errors import UsageError


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    url: str
    status: int
    response_headers: dict[str, str]
    response_body: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str = ""


@dataclass
class Recording:
    exchanges: list[Recorded]
    skipped: int  # entries without method, URL or status


def _headers(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):
        return {str(k).lower(): str(v) for k, v in raw.items()}
    if isinstance(raw, list):  # HAR: [{"name": ..., "value": ...}]
        return {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in raw if isinstance(h, dict)}
    return {}


def _from_ndjson_line(entry: Any) -> Recorded | None:
    if not isinstance(entry, dict):
        return None
    request, response = entry.get("request"), entry.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        return None
    try:
        return Recorded(
            str(request["method"]).upper(),
            str(request["url"]),
            int(response["status"]),
            _headers(response.get("headers")),
            str(response.get("body") or ""),
            _headers(request.get("headers")),
            str(request.get("body") or ""),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _from_har_entry(entry: Any) -> Recorded | None:
    if not isinstance(entry, dict):
        return None
    request, response = entry.get("request"), entry.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        return None
    content = _table(response.get("content"))
    text = content.get("text") or ""
    if content.get("encoding") == "base64":
        try:
            text = base64.b64decode(text).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            text = ""
    headers = _headers(response.get("headers"))
    if "content-type" not in headers and content.get("mimeType"):
        headers["content-type"] = str(content["mimeType"])
    posted = _table(request.get("postData"))
    request_headers = _headers(request.get("headers"))
    if "content-type" not in request_headers and posted.get("mimeType"):
        request_headers["content-type"] = str(posted["mimeType"])
    try:
        return Recorded(
            str(request["method"]).upper(),
            str(request["url"]),
            int(response["status"]),
            headers,
            str(text),
            request_headers,
            str(posted.get("text") or ""),
        )
    except (KeyError, TypeError, ValueError):
        return None


def read(path: Path) -> Recording:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"Recording not found: {path}", hint="Pass a .ndjson or .har file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read recording {path}: {exc}") from None
    stripped = text.lstrip()
    entries: Iterable[Any]
    if stripped.startswith("{") and '"log"' in stripped[:2000]:
        entries, parse = _har_entries(path, text), _from_har_entry
    else:
        entries, parse = _ndjson_entries(path, text), _from_ndjson_line
    exchanges, skipped = [], 0
    for entry in entries:
        recorded = parse(entry)
        if recorded is None:
            skipped += 1
        else:
            exchanges.append(recorded)
    if not exchanges and skipped:
        raise UsageError(
            f"{path} has {skipped} entries but none with a method, URL and status.",
            hint="Is this a HAR 1.2 file or telecontract NDJSON?",
        )
    return Recording(exchanges, skipped)


def _har_entries(path: Path, text: str) -> list[Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}") from None
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise UsageError(f"{path} looks like HAR but has no log.entries list.")
    return entries


def _ndjson_entries(path: Path, text: str) -> Iterator[Any]:
    # split on \n only: str.splitlines() also breaks on U+2028 and friends, which JSON strings may hold
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"{path}:{number} is not a JSON line: {exc.msg}",
                hint="Expected NDJSON (one JSON object per line) or a HAR file.",
            ) from None
