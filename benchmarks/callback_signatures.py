"""Do our callback signatures agree with the providers' own code? One line per check, and a count.

    python benchmarks/callback_signatures.py

Judged by the providers' code only: TeleSign's callback check in the telesign SDK
(`verify_telesign_callback_signature`, on the signature parsed out of `TSA {customer_id}:{sig}`)
reading `Authorization` (TeleSign's Java sample) or `X-TS-Authorization` (its Python sample);
VTS by the plivo SDK's `validate_v3_signature`. The signers are the shared one (which the
receiver gate and the callback storm send with) and the mock's deliveries; the sink is shown
signatures the plivo SDK computed. To measure an older checkout, put its `src` first on
PYTHONPATH and TELECONTRACT_SPEC at its spec.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from plivo.utils.signature_v3 import construct_post_url, get_signature_v3, validate_v3_signature
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telesign.util import verify_telesign_callback_signature

from telecontract import webhooks
from telecontract.client_auth import HttpxAuth
from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink, read_deliveries
from telecontract.spec import load_spec

CREDENTIALS = Credentials.from_env()
SPEC = load_spec()


def telesign_agrees(header: str, headers: dict[str, str], body: bytes) -> bool:
    value = httpx.Headers(headers).get(header, "")
    _, _, signature = value.partition(" ")[2].rpartition(":")
    return bool(signature) and verify_telesign_callback_signature(
        CREDENTIALS.telesign_api_key, signature, body.decode()
    )


def plivo_agrees(method: str, url: str, headers: dict[str, str], body: bytes) -> bool:
    found = httpx.Headers(headers)
    # Plivo's names first; our own earlier names too, to give the old signer every chance.
    signature = found.get("x-plivo-signature-v3") or found.get("x-vts-signature-v3", "")
    nonce = found.get("x-plivo-signature-v3-nonce") or found.get("x-vts-signature-v3-nonce", "")
    if not signature or not nonce:
        return False
    params = dict(parse_qsl(urlsplit(url).query)) if method == "GET" else json.loads(body)
    return bool(validate_v3_signature(method, url, nonce, CREDENTIALS.vts_auth_token, signature, params=params))


def shared_signer() -> list[tuple[str, bool]]:
    url = "http://127.0.0.1:8000/hooks?account=7"
    voice = webhooks.encode(webhooks.examples(SPEC, "voiceTransactionCallback")[0])
    vts = webhooks.encode(webhooks.examples(SPEC, "vtsSessionCallback")[0])
    telesign = webhooks.signed_headers("voiceTransactionCallback", url=url, body=voice, credentials=CREDENTIALS)
    plivo = webhooks.signed_headers("vtsSessionCallback", url=url, body=vts, credentials=CREDENTIALS)
    return [
        ("shared signer (gate, storm): TeleSign, Authorization", telesign_agrees("Authorization", telesign, voice)),
        (
            "shared signer (gate, storm): TeleSign, X-TS-Authorization",
            telesign_agrees("X-TS-Authorization", telesign, voice),
        ),
        ("shared signer (gate, storm): VTS POST, plivo SDK", plivo_agrees("POST", url, plivo, vts)),
    ]


def mock_deliveries() -> list[tuple[str, bool]]:
    heard: list[tuple[str, str, str, dict[str, str], bytes]] = []

    async def receive(request: Request) -> Response:
        body = await request.body()
        heard.append((request.path_params["kind"], request.method, str(request.url), dict(request.headers), body))
        return Response(status_code=204)

    receiver = Starlette(routes=[Route("/{kind}", receive, methods=["GET", "POST"])])
    with serve_in_thread(receiver) as hooks:
        config = MockConfig(credentials=CREDENTIALS, time_scale=0.001, voice_event_url=f"{hooks}/voiceEvent")
        with (
            serve_in_thread(create_app(config)) as mock,
            httpx.Client(base_url=mock, auth=HttpxAuth(CREDENTIALS), timeout=10) as client,
        ):
            voice = {"phone_number": "15555551212", "message": "Your code is 1234", "message_type": "OTP"}
            client.post("/v1/voice", data=voice | {"callback_url": f"{hooks}/voiceTransactionCallback"})
            dial = {
                "jsonrpc": "2.0",
                "method": "dial",
                "params": {"to": "15550000204", "caller_id_number": "15558675309"},
            }
            client.post("/v2/voice", json=dial)
            sessions = f"/v1/Account/{CREDENTIALS.vts_auth_id}/Masking/Session/"
            for number, method in (("+14155552345", "POST"), ("+14155550000", "GET")):
                session = {"first_party": number, "second_party": "+12165554567", "session_expiry": 10}
                client.post(
                    sessions,
                    json=session
                    | {"callback_url": f"{hooks}/vtsSessionCallback?m={method}", "callback_method": method},
                )
            time.sleep(1.0)

    def first(kind: str, where: Callable[[str], bool] = lambda url: True) -> tuple[str, str, dict[str, str], bytes]:
        return next((m, u, h, b) for k, m, u, h, b in heard if k == kind and where(u))

    _, _, v1_headers, v1_body = first("voiceTransactionCallback")
    _, _, v2_headers, v2_body = first("voiceEvent")
    post = first("vtsSessionCallback", lambda url: "m=POST" in url)
    get = first("vtsSessionCallback", lambda url: "m=GET" in url)
    return [
        ("mock: Voice v1 callback, Authorization", telesign_agrees("Authorization", v1_headers, v1_body)),
        ("mock: Voice v1 callback, X-TS-Authorization", telesign_agrees("X-TS-Authorization", v1_headers, v1_body)),
        ("mock: Voice v2 event, Authorization", telesign_agrees("Authorization", v2_headers, v2_body)),
        ("mock: Voice v2 event, X-TS-Authorization", telesign_agrees("X-TS-Authorization", v2_headers, v2_body)),
        ("mock: VTS callback_method POST, plivo SDK", plivo_agrees(*post)),
        ("mock: VTS callback_method GET sent as a GET, plivo SDK", get[0] == "GET" and plivo_agrees(*get)),
    ]


def sink_checks() -> list[tuple[str, bool]]:
    payload = webhooks.examples(SPEC, "vtsSessionCallback")[0]
    body = webhooks.encode(payload)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        config = SinkConfig(credentials=CREDENTIALS, database=Path(folder) / "sink.sqlite3")
        with serve_in_thread(create_sink(config)) as sink:
            url = f"{sink}/vtsSessionCallback"
            base = construct_post_url(url, dict(payload)).decode()
            signature = get_signature_v3(CREDENTIALS.vts_auth_token.encode(), base, b"nonce1").decode()
            for label, value in (("alone", signature), ("comma-separated, second of two", f"c2ln,{signature}")):
                headers: dict[str, Any] = {"Content-Type": "application/json"}
                for name in ("X-Plivo-Signature-V3", "X-VTS-Signature-V3"):  # both names: the old sink read ours
                    headers[name] = value
                    headers[f"{name}-Nonce"] = "nonce1"
                httpx.post(url, content=body, headers=headers)
                results.append(
                    (f"sink: a plivo-SDK signature, {label}", list(read_deliveries(config.database))[-1].signature_ok)
                )
    return results


def main() -> None:
    checks = shared_signer() + mock_deliveries() + sink_checks()
    for label, agrees in checks:
        print(f"{'agrees   ' if agrees else 'DISAGREES'}  {label}")
    print(f"{sum(agrees for _, agrees in checks)} of {len(checks)} signature checks agree with the providers' code")


if __name__ == "__main__":
    main()
