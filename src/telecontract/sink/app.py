"""The callback receiver: verify, validate against the spec's webhooks, store durably, then answer.

Routes are the spec's webhook names: POST /voiceTransactionCallback, /voiceEvent,
/maskingTransactionStatus, /vtsSessionCallback (also GET: a session created with
`callback_method: GET` gets its callbacks as query parameters). `?fail_first=N` on a callback URL
makes the sink answer 503 to the first N attempts of each delivery to it, so the sender has to retry.
Signatures are checked as the providers' own code checks them (`telecontract.webhooks.signature_ok`);
a VTS delivery whose nonce was seen before is a replay and stored as not signed. Every delivery is
stored and acknowledged, with its verdict: readers count only the signed ones (`store.tally`).
GET /_sink/deliveries/{reference} answers with the account's Basic credentials (TeleSign customer
id and API key, or VTS auth id and token) unless the sink is told its reads are open.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telecontract import auth, webhooks
from telecontract.credentials import Credentials
from telecontract.limits import MAX_BODY_BYTES, BodyLimit
from telecontract.redaction import redact_headers
from telecontract.sink.attempts import AttemptCounter
from telecontract.sink.store import DeliveryStore, read_deliveries
from telecontract.spec import Spec, load_spec

VoiceScript = Callable[[dict[str, Any]], dict[str, Any] | None]
FAIL_FIRST = "fail_first"  # the sink's own query parameter, not part of a GET callback's payload


def play_then_hang_up(event: dict[str, Any]) -> dict[str, Any] | None:
    """The documents' flow: answer dial_completed with play + collect_digits, then hang up."""
    if event.get("event") == "dial_completed" and event.get("data", {}).get("status") == "answered":
        return {
            "jsonrpc": "2.0",
            "method": "play",
            "params": {
                "url": "https://url-pointing-to-audio-file.com",
                "collect_digits": {"max": 5, "timeout": 10000, "inter_digit_timeout": 3000, "terminators": "*"},
            },
        }
    if event.get("event") in ("play_completed", "speak_completed"):
        return {"jsonrpc": "2.0", "method": "hangup", "params": {}}
    return None


@dataclass(slots=True)
class SinkConfig:
    credentials: Credentials
    database: Path
    # Answer 503 to the first N attempts of each delivery, so the sender has to retry.
    fail_first: int = 0
    max_body_bytes: int = MAX_BODY_BYTES
    voice_script: VoiceScript = play_then_hang_up
    # Reads of what arrived (/_sink/deliveries) without credentials: only when told so.
    open_reads: bool = False
    attempts: AttemptCounter = field(default_factory=AttemptCounter)
    nonces: auth.NonceCache = field(default_factory=auth.NonceCache)


def _examine(spec: Spec, operation_id: str, body: bytes) -> tuple[Any, list[str], str]:
    """(payload or None, schema errors, reference) of a delivery."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, ["body is not JSON"], ""
    validator = spec.request_validator(operation_id, "application/json")
    errors = (
        []
        if validator.is_valid(payload)
        else [f"{'/'.join(map(str, e.instance_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(payload)]
    )
    reference = ""
    if isinstance(payload, dict):
        found = payload.get("reference_id") or payload.get("session_uuid")
        reference = found if isinstance(found, str) else ""
    return payload, errors, reference


def _replayed(request: Request, config: SinkConfig) -> bool:
    """Has this VTS delivery's nonce been seen? Each attempt carries a fresh one, as Plivo's do.

    Plivo's nonce carries no time: one is remembered for the nonce cache's window (30 minutes).
    """
    nonce = next((request.headers[n] for _, n in webhooks.VTS_HEADER_PAIRS if n in request.headers), "")
    return not config.nonces.first_use(nonce, time.time())


def delivery_key(request: Request, body: bytes) -> str:
    """One key per delivery, the same for each of its retries: the URL it was sent to and its body.

    The URL is part of it because two callbacks can carry the same body (one status, one second,
    one reference) yet be two deliveries: a GET callback's query is its body, so only its path counts.
    """
    where = request.url.path if request.method == "GET" else f"{request.url.path}?{request.url.query}"
    return hashlib.sha256(where.encode() + b"\n" + body).hexdigest()


def create_sink(config: SinkConfig, spec: Spec | None = None) -> Starlette:
    spec = spec or load_spec()
    store = DeliveryStore(config.database)
    operation_ids = {name: op.operation_id for name, op in spec.webhooks().items()}

    async def receive(request: Request) -> Response:
        webhook = request.path_params["webhook"]
        if webhook not in operation_ids:
            return Response(f"unknown webhook {webhook!r}", status_code=404)
        if request.method == "GET" and webhook != webhooks.VTS_KIND:
            return Response(status_code=405, headers={"Allow": "POST"})  # only VTS lets a customer pick GET
        body = await request.body()
        signature_ok = webhooks.signature_ok(
            webhook,
            method=request.method,
            url=str(request.url),
            headers=request.headers,
            body=body,
            credentials=config.credentials,
        )
        if signature_ok and webhook == webhooks.VTS_KIND and _replayed(request, config):
            signature_ok = False
        if request.method == "GET":
            # Stored as the JSON the same callback would POST, so every reader sees one shape.
            payload = webhooks.payload_from_query(request.query_params.multi_items(), leave_out=(FAIL_FIRST,))
            body = webhooks.encode(payload)
        key = delivery_key(request, body)
        # `?fail_first=N` in the callback URL overrides the sink-wide setting for that delivery.
        try:
            fail_first = int(request.query_params.get(FAIL_FIRST, config.fail_first))
        except ValueError:
            fail_first = config.fail_first
        # Attempts are counted only where they decide the answer, and only so many: bounded memory.
        answer = 503 if fail_first > 0 and config.attempts.count(key) <= fail_first else 200
        payload, errors, reference = _examine(spec, operation_ids[webhook], body)
        headers = orjson.dumps(redact_headers(request.headers.items())).decode()
        row = (webhook, reference, key, time.time(), answer, signature_ok, orjson.dumps(errors).decode(), headers, body)
        await store.add(row)  # on disk before we answer
        if answer != 200:
            return Response(status_code=answer)
        if webhook == "voiceEvent" and not errors:
            action = config.voice_script(payload)
            if action is not None:
                return Response(orjson.dumps(action), media_type="application/json")
        return Response(status_code=200)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    accounts = {
        config.credentials.telesign_customer_id: config.credentials.telesign_api_key,
        config.credentials.vts_auth_id: config.credentials.vts_auth_token,
    }

    async def deliveries_about(request: Request) -> Response:
        """GET /_sink/deliveries/{reference}: what arrived about one call or session, in order."""
        if not config.open_reads and not auth.basic_matches(request.headers.get("authorization", ""), accounts):
            return Response(
                orjson.dumps({"error": "the account's credentials are needed to read deliveries"}),
                status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": 'Basic realm="telecontract sink"'},
            )
        rows = read_deliveries(config.database, reference=request.path_params["reference"])
        events = [
            {
                "webhook": d.webhook,
                "answered": d.answered,
                "signature_ok": d.signature_ok,
                "received_at": d.received_at,
                "payload": orjson.loads(d.body),
            }
            for d in rows
        ]
        return Response(orjson.dumps(events), media_type="application/json")

    routes = [
        Route("/_sink/deliveries/{reference}", deliveries_about, methods=["GET"]),
        Route("/{webhook}", receive, methods=["POST", "GET"]),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan, middleware=[Middleware(BodyLimit, max_bytes=config.max_body_bytes)]
    )
    app.state.store = store
    return app
