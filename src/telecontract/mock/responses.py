"""Response bodies in each provider's own shape, successes and errors alike."""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

from telecontract.documents import INVALID_PARAMETER


class JSON(Response):
    """JSON via orjson: the mock's hot path serialises every response."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except TypeError:  # integers beyond 64 bits, which a client may legally send back to us
            return json.dumps(content, separators=(",", ":")).encode()

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        # The common answer (no extra headers, JSON) without Starlette's general header assembly.
        if headers is None and self.media_type == "application/json" and self.status_code not in (204, 304):
            self.raw_headers = [(b"content-length", b"%d" % len(self.body)), _JSON_TYPE]
            return
        super().init_headers(headers)


_JSON_TYPE = (b"content-type", b"application/json")


def iso_now() -> str:
    return utc_text(time.time())


def utc_text(at: float, sep: str = "T", zone: str = "Z") -> str:
    """`2026-11-25T10:00:00.123456Z` for a Unix time.

    The whole seconds are formatted once per second and sep (the hot path formats several
    timestamps per request, and datetime formatting was a visible share of it).
    """
    seconds = int(at)
    key = (seconds, sep)
    prefix = _SECONDS.get(key)
    if prefix is None:
        if len(_SECONDS) > 4096:
            _SECONDS.clear()
        prefix = _SECONDS[key] = time.strftime(f"%Y-%m-%d{sep}%H:%M:%S", time.gmtime(seconds))
    return f"{prefix}.{int((at - seconds) * 1_000_000):06d}{zone}"


_SECONDS: dict[tuple[int, str], str] = {}


def reference_id() -> str:
    """A new 32 hex digit reference id: 128 random bits, as unique as a uuid4.

    Not for secrets: a generator of our own rather than os.urandom, which costs a system call per
    request. Never the module's global one: hypothesis reseeds that for every example, and the
    mock often runs in the test process.
    """
    return f"{_IDS.getrandbits(128):032X}"


_IDS = random.Random(os.urandom(16))


def telesign_status(code: int, description: str) -> dict[str, Any]:
    return {"code": code, "description": description, "updated_on": iso_now()}


def telesign_error(
    http_status: int, code: int, description: str, *, reference_id: str | None = None, wrong_shape: bool = False
) -> Response:
    if wrong_shape:  # the error_body_wrong_shape defect
        return JSON({"error": description}, status_code=http_status)
    body = {
        "reference_id": reference_id,
        "status": telesign_status(code, description),
        "errors": [{"code": code, "description": description}],
    }
    return JSON(body, status_code=http_status)


def error_in_shape_of(path: str, http_status: int, message: str) -> Response:
    """An error in the shape of the provider that serves `path` (for answers given before routing)."""
    if path.startswith("/v1/Account/"):
        return vts_error(http_status, message)
    if path.startswith("/v2/voice"):
        return voice_rpc_error(http_status, "invalid_request", message)
    return telesign_error(http_status, INVALID_PARAMETER, message)


def vts_error(http_status: int, error: str | dict[str, str]) -> Response:
    return JSON({"api_id": str(uuid.uuid4()), "error": error}, status_code=http_status)


def voice_rpc_error(http_status: int, status: str, message: str | None = None) -> Response:
    body: dict[str, Any] = {"reference_id": None, "status": status}
    if message:
        body["message"] = message
    return JSON(body, status_code=http_status)
