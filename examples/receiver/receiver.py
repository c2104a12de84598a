"""A small, correct webhook receiver for TeleSign and VTS callbacks, to copy into your own service.

    uvicorn receiver:app --port 8000      (TELESIGN_CUSTOMER_ID, TELESIGN_API_KEY, VTS_AUTH_TOKEN set)

What it does, in the order a busy night needs it:
1. Verifies the signature as each provider says to, before trusting anything: an unsigned, wrongly
   signed or tampered callback gets 401 and is not stored.
   - TeleSign ("Authenticate callbacks", developer.telesign.com/enterprise/docs/authenticate-callbacks):
     `X-TS-Authorization` (or `Authorization`, both are always sent) is
     `TSA {customer_id}:{signature}`, the signature being base64 HMAC-SHA256 of the raw body keyed
     with the base64-decoded API key.
   - VTS (Plivo-compatible): Plivo's V3 signature, checked with the plivo SDK's own
     `validate_v3_signature` over the URL, the params (the JSON body's fields; a GET callback's
     query) and `X-Plivo-Signature-V3-Nonce`. `X-Plivo-Signature-V3` may hold several signatures.
2. Stores the callback idempotently (the provider retries what it thinks failed, so the same
   callback can arrive twice): a duplicate is acknowledged again, stored once.
3. Commits to disk before answering 2xx (in a worker thread, so the event loop keeps serving):
   an acknowledged callback is never lost.
4. Answers Voice v2 events with the call's next action (play and collect digits, then hang up).
5. Answers fast: nothing slow happens before the answer; work on the callback goes to a queue.

It depends on Starlette, the plivo SDK (to check VTS's signature the way Plivo does) and the
standard library, not on telecontract.
Routes: POST /telesign/voice, /telesign/events, /telesign/masking; POST or GET /vts/sessions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plivo.utils.signature_v3 import validate_v3_signature
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass(frozen=True)
class Keys:
    telesign_customer_id: str
    telesign_api_key: str  # base64, as the portal shows it
    vts_auth_token: str

    @classmethod
    def from_env(cls) -> Keys:
        return cls(os.environ["TELESIGN_CUSTOMER_ID"], os.environ["TELESIGN_API_KEY"], os.environ["VTS_AUTH_TOKEN"])


def _hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def telesign_signature_ok(keys: Keys, authorization: str, body: bytes) -> bool:
    """`TSA {customer_id}:{signature}`: base64 HMAC-SHA256 of the raw body alone, keyed with the decoded API key."""
    scheme, _, credentials = authorization.partition(" ")
    customer_id, _, signature = credentials.partition(":")
    if scheme.upper() != "TSA" or not hmac.compare_digest(customer_id.encode(), keys.telesign_customer_id.encode()):
        return False
    expected = _hmac_b64(base64.b64decode(keys.telesign_api_key), body)
    return hmac.compare_digest(expected.encode(), signature.encode())


def vts_signature_ok(keys: Keys, method: str, url: str, headers: Any, body: bytes) -> bool:
    """Plivo's V3 signature, checked by Plivo's own code: the params are a POST's JSON fields, a GET's query."""
    signature = headers.get("x-plivo-signature-v3") or headers.get("x-vts-signature-v3", "")
    nonce = headers.get("x-plivo-signature-v3-nonce") or headers.get("x-vts-signature-v3-nonce", "")
    if not signature or not nonce:
        return False
    try:
        params = {} if method == "GET" else json.loads(body)  # a GET's params are in the URL already
    except ValueError:
        return False
    if not isinstance(params, dict):
        return False
    try:
        return bool(validate_v3_signature(method, url, nonce, keys.vts_auth_token, signature, params=params))
    except (TypeError, ValueError):  # what Plivo's algorithm cannot render cannot be signed either
        return False


class Store:
    """Callbacks on disk, once each. SQLite with a unique key: a redelivery is a no-op insert."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS callbacks (kind TEXT, digest TEXT, body BLOB, PRIMARY KEY (kind, digest))"
        )
        self._lock = threading.Lock()

    def add(self, kind: str, body: bytes) -> bool:
        """Store one callback; False when it was already there (a redelivery)."""
        digest = hashlib.sha256(body).hexdigest()
        with self._lock:
            cursor = self._db.execute("INSERT OR IGNORE INTO callbacks VALUES (?, ?, ?)", (kind, digest, body))
        return cursor.rowcount == 1

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM callbacks").fetchone()[0]


def next_action(event: dict[str, Any]) -> dict[str, Any] | None:
    """The call's next step: the documents' flow (play and collect a digit, then hang up)."""
    name = event.get("event")
    data = event.get("data") or {}
    if name in ("dial_completed", "incoming_call") and data.get("status", "answered") == "answered":
        return {
            "jsonrpc": "2.0",
            "method": "play",
            "params": {
                "url": "https://example.com/prompt.mp3",
                "collect_digits": {"max": 1, "timeout": 10000, "inter_digit_timeout": 3000, "terminators": "#"},
            },
        }
    if name in ("play_completed", "speak_completed", "call_leg_completed"):
        return {"jsonrpc": "2.0", "method": "hangup"}
    return None  # call_completed, or a call that was not answered: nothing to do


def create_app(keys: Keys, database: Path) -> Starlette:
    store = Store(database)

    async def telesign(request: Request) -> tuple[bytes, Any] | Response:
        body = await request.body()
        # Both headers carry the same value; TeleSign's own Python sample reads X-TS-Authorization.
        header = request.headers.get("x-ts-authorization") or request.headers.get("authorization", "")
        if not telesign_signature_ok(keys, header, body):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            return body, json.loads(body)
        except ValueError:
            return JSONResponse({"error": "body is not JSON"}, status_code=400)

    async def voice_result(request: Request) -> Response:
        received = await telesign(request)
        if isinstance(received, Response):
            return received
        await run_in_threadpool(store.add, "voice", received[0])
        return Response(status_code=204)

    async def masking_status(request: Request) -> Response:
        received = await telesign(request)
        if isinstance(received, Response):
            return received
        await run_in_threadpool(store.add, "masking", received[0])
        return Response(status_code=204)

    async def voice_event(request: Request) -> Response:
        received = await telesign(request)
        if isinstance(received, Response):
            return received
        body, event = received
        await run_in_threadpool(store.add, "events", body)
        action = next_action(event) if isinstance(event, dict) else None
        return JSONResponse(action) if action else Response(status_code=204)

    async def vts_session(request: Request) -> Response:
        body = await request.body()
        if not vts_signature_ok(keys, request.method, str(request.url), request.headers, body):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        # A GET callback (callback_method GET) carries its fields in the query: store them as JSON.
        stored = json.dumps(dict(request.query_params), sort_keys=True).encode() if request.method == "GET" else body
        await run_in_threadpool(store.add, "vts", stored)
        return Response(status_code=204)

    app = Starlette(
        routes=[
            Route("/telesign/voice", voice_result, methods=["POST"]),
            Route("/telesign/events", voice_event, methods=["POST"]),
            Route("/telesign/masking", masking_status, methods=["POST"]),
            Route("/vts/sessions", vts_session, methods=["POST", "GET"]),
        ]
    )
    app.state.store = store
    return app


def _app_from_env() -> Starlette:
    return create_app(Keys.from_env(), Path(os.environ.get("RECEIVER_DB", "callbacks.sqlite3")))


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(_app_from_env(), port=int(os.environ.get("PORT", "8000")))
