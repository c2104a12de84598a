"""The providers' own published examples are explained by the contract.

`published.yaml` holds every request and answer example of the sources the spec cites (TeleSign's
published OpenAPI definitions, its sample code and demo server, the plivo SDK's fixtures and
tests). A gate that failed any of them would cry wolf on the provider's own word, so:

- replayed as recorded traffic, `drift traffic` finds nothing in them;
- the gate's response checks (the relaxed spec: errors; the full spec: warnings) accept each answer;
- the embedded mock accepts each request;
- each webhook payload and each answer to one meets what the spec's webhooks say (no error).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import yaml

from telecontract.client_auth import HttpxAuth
from telecontract.conformance import response_problems
from telecontract.credentials import Credentials
from telecontract.drift.recordings import Recorded
from telecontract.drift.traffic import analyse
from telecontract.mock import MockConfig, create_app
from telecontract.relaxed_spec import relaxed_document
from telecontract.server import serve_in_thread
from telecontract.spec import Operation, Spec, load_spec
from telecontract.violations import strict_violations

PUBLISHED = yaml.safe_load((Path(__file__).parent / "published.yaml").read_text(encoding="utf-8"))
ACCOUNT = "MAZTQXZDYWNZBMMJAZZJ"  # the auth id in the plivo fixtures' resource URIs
SESSION = "c2146ba4-798d-49b0-8580-53851a16e055"
REFERENCE = "0123456789ABCDEF0123456789ABCDEF"


def _named(kind: str) -> list[Any]:
    return [pytest.param(e, id=e["name"]) for e in PUBLISHED["exchanges"] if kind in e]


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


def _operation(spec: Spec, operation_id: str) -> Operation:
    return spec.operation(operation_id)


def _concrete(path: str, account: str = ACCOUNT) -> str:
    return path.replace("{auth_id}", account).replace("{session_uuid}", SESSION).replace("{reference_id}", REFERENCE)


def _request_of(spec: Spec, operation: Operation, exchange: dict[str, Any]) -> tuple[str, str]:
    """The exchange's own request (URL, body), else the spec's first example of the operation."""
    request = exchange.get("request") or {}
    url = "https://provider.example" + _concrete(operation.path)
    if request.get("query"):
        url += "?" + urlencode(request["query"])
    if "body" in request:
        return url, json.dumps(request["body"])
    prefix = f"#/paths/{operation.path.replace('/', '~1')}/{operation.method}/requestBody/"
    example = next((e.value for e in spec.examples() if e.pointer.startswith(prefix)), None)
    return url, "" if example is None else json.dumps(example)


def _recorded(spec: Spec, exchange: dict[str, Any], status: int, content_type: str, body: str) -> Recorded:
    operation = _operation(spec, exchange["operation"])
    url, request_body = _request_of(spec, operation, exchange)
    headers = {"content-type": "application/json"} if request_body else {}
    return Recorded(operation.method.upper(), url, status, {"content-type": content_type}, body, headers, request_body)


def _answer_text(answer: dict[str, Any]) -> str:
    body = answer["body"]
    return body if isinstance(body, str) else json.dumps(body)


def test_every_source_is_named_exactly() -> None:
    for name, source in PUBLISHED["sources"].items():
        assert source.get("title"), name
        assert source.get("url") or (source.get("repository") and source.get("path")), name
        if "repository" in source:
            assert len(source.get("commit", "")) == 40, f"{name}: a full commit, so a reader finds the same file"
    used = {e["source"] for e in PUBLISHED["exchanges"]}
    assert used == PUBLISHED["sources"].keys(), "every source is used, every exchange's source is listed"


@pytest.mark.parametrize("exchange", _named("response"))
def test_drift_traffic_explains_each_published_answer(spec: Spec, exchange: dict[str, Any]) -> None:
    answer = exchange["response"]
    recorded = _recorded(spec, exchange, answer["status"], answer["content_type"], _answer_text(answer))
    assert [f"{f.rule} {f.location}: {f.message}" for f in analyse(spec, [recorded])] == []


@pytest.mark.parametrize("exchange", _named("response"))
def test_the_gate_accepts_each_published_answer(spec: Spec, exchange: dict[str, Any]) -> None:
    answer = exchange["response"]
    operation = _operation(spec, exchange["operation"])
    relaxed = Spec(relaxed_document(spec.document))
    errors = response_problems(
        relaxed,
        _operation(relaxed, operation.operation_id),
        answer["status"],
        answer["content_type"],
        _answer_text(answer),
    )
    assert [p.message for p in errors] == [], "the relaxed spec (what fails the gate) refuses it"
    warnings = strict_violations(
        spec.document,
        ["paths", spec.path_of(operation.path) or operation.path, operation.method],
        answer["status"],
        answer["content_type"],
        answer["body"],
        spec.validator,
    )
    assert [f"{v.rule}: {v.message}" for v in warnings] == [], "the full spec warns about it"


@pytest.fixture(scope="module")
def mock_client() -> Iterator[tuple[httpx.Client, Credentials]]:
    credentials = Credentials.from_env({})
    app = create_app(MockConfig(credentials=credentials, time_scale=0.001))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, auth=HttpxAuth(credentials), timeout=10) as client:
        yield client, credentials


@pytest.mark.parametrize("exchange", _named("request"))
def test_the_mock_accepts_each_published_request(
    spec: Spec, mock_client: tuple[httpx.Client, Credentials], exchange: dict[str, Any]
) -> None:
    client, credentials = mock_client
    operation = _operation(spec, exchange["operation"])
    request = exchange["request"]
    path = operation.path.replace("{auth_id}", credentials.vts_auth_id)
    if "{session_uuid}" in path:  # a session of the mock's own for the SDK's update to name
        created = client.post(
            path.replace("/{session_uuid}", ""), json={"first_party": "+14155552345", "second_party": "+12165554567"}
        )
        assert created.is_success, created.text
        path = path.replace("{session_uuid}", created.json()["session_uuid"])
        request = {**request, "body": {**request["body"], "session_uuid": created.json()["session_uuid"]}}
    answer = client.request(operation.method.upper(), path, params=request.get("query"), json=request.get("body"))
    assert answer.is_success, f"{answer.status_code} {answer.text}"
    recorded = Recorded(
        operation.method.upper(),
        str(answer.request.url),
        answer.status_code,
        {k.lower(): v for k, v in answer.headers.items()},
        answer.text,
        {"content-type": "application/json"},
        json.dumps(request["body"]) if "body" in request else "",
    )
    assert [f"{f.rule} {f.location}: {f.message}" for f in analyse(spec, [recorded])] == []


def _webhook_errors(spec: Spec, kind: str, part: str, value: Any) -> list[str]:
    """What the relaxed spec (the errors of a run) refuses in a webhook's payload or its answer."""
    relaxed = Spec(relaxed_document(spec.document))
    definition = relaxed.webhooks()[kind].definition
    node = definition["requestBody"] if part == "payload" else relaxed.resolve(definition["responses"]["200"])
    schema = node["content"]["application/json"]["schema"]
    return [e.message[:200] for e in relaxed.validator(schema).iter_errors(value)]


@pytest.mark.parametrize("exchange", _named("payload"))
def test_each_published_webhook_payload_meets_the_spec(spec: Spec, exchange: dict[str, Any]) -> None:
    assert _webhook_errors(spec, exchange["webhook"], "payload", exchange["payload"]) == []


@pytest.mark.parametrize("exchange", _named("answer"))
def test_each_published_answer_to_a_webhook_meets_the_spec(spec: Spec, exchange: dict[str, Any]) -> None:
    assert _webhook_errors(spec, exchange["webhook"], "answer", exchange["answer"]) == []
