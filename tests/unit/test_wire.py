"""The live-run guard's decisions, request by request: budget, pace, host, calls, numbers, callbacks.

Judged on requests as they would leave, with the spec's marks (never operation ids): a spec whose
ids were renamed is guarded the same.
"""

from __future__ import annotations

import copy
import time

import orjson
import pytest
import requests

from telecontract.contract.generation import URL_FIELDS
from telecontract.contract.options import per_second
from telecontract.contract.sending import SendingAuth
from telecontract.errors import UsageError
from telecontract.spec import Operation, Spec, load_spec
from telecontract.wire.marks import Marks
from telecontract.wire.policy import Allowance, Policy, Refusal
from telecontract.wire.scan import as_number, numbers_in_request

LISTED = frozenset({"14155550123", "14155550124"})
HOSTS: dict[str, str | None] = {
    "telesign": "https://rest-ww.example",
    "telesign_voice": None,
    "vts": "https://vts.example",
}
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
VTS_SESSIONS = "/v1/Account/MA1/Masking/Session"


def policy(spec: Spec | None = None, **changes: object) -> Policy:
    made = Policy(Marks(spec or load_spec()), dict(HOSTS), numbers=LISTED)
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def kind(refused: Refusal | None) -> str | None:
    return refused.kind if refused else None


def renamed() -> Spec:
    """The bundled spec with every operationId changed, as a team's edited copy may have it."""
    document = copy.deepcopy(load_spec().document)
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] = "team_" + operation["operationId"]
    return Spec(document)


def test_the_rate_limit_spaces_requests_and_the_budget_is_exact() -> None:
    allowance = Allowance(max_requests=6, per_second=50)
    started = time.monotonic()
    for _ in range(6):
        wait = allowance.take()
        assert wait is not None
        time.sleep(wait)
    assert time.monotonic() - started >= 5 / 50 * 0.9
    assert allowance.take() is None and allowance.spent == 6


@pytest.mark.parametrize(("text", "rate"), [("10/s", 10.0), ("120/m", 2.0), ("5", 5.0), (None, None)])
def test_rates_read(text: str | None, rate: float | None) -> None:
    assert per_second(text) == rate


@pytest.mark.parametrize("text", ["fast", "10/day", "-1/s", "0/s"])
def test_a_bad_rate_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="expected N/s"):
        per_second(text)


def test_each_path_goes_to_its_providers_host_and_one_without_a_host_is_refused() -> None:
    guard = policy()
    assert guard.upstream_for("/v1/anonymous/session/sms") == "https://rest-ww.example"
    assert guard.upstream_for(VTS_SESSIONS) == "https://vts.example"
    refused = guard.upstream_for("/v1/voice/ABC")
    assert isinstance(refused, Refusal) and refused.kind == "host"
    assert "--telesign-voice-url" in refused.reason


@pytest.mark.parametrize("spec", [None, renamed()], ids=["bundled", "renamed operation ids"])
def test_a_call_leaves_only_with_allow_calls_whatever_the_operation_ids(spec: Spec | None) -> None:
    dial = b'{"jsonrpc": "2.0", "method": "dial", "params": {"to": "14155550123"}}'
    assert kind(policy(spec).refusal("POST", "/v2/voice", "", JSON, dial)) == "call"
    assert policy(spec, allow_calls=True).refusal("POST", "/v2/voice", "", JSON, dial) is None
    # A VTS session that rings its first party on creation is a call too; one that does not is not.
    ringing = b'{"first_party": "+14155550123", "second_party": "+14155550124", "initiate_call_to_first_party": true}'
    assert kind(policy(spec).refusal("POST", VTS_SESSIONS + "/", "", JSON, ringing)) == "call"
    assert policy(spec).refusal("POST", VTS_SESSIONS, "", JSON, ringing.replace(b"true", b"false")) is None


@pytest.mark.parametrize(
    ("method", "path", "query", "content_type", "body"),
    [
        (
            "POST",
            "/v1/anonymous/session/sms",
            "",
            JSON,
            b'{"phone_number_1": "14155550123", "phone_number_2": "14155550199"}',
        ),
        ("POST", "/v1/anonymous/session/sms", "", JSON, b'{"phone_number_1": 14155550199}'),  # a JSON integer
        (
            "POST",
            "/v1/anonymous/session/sms",
            "",
            JSON,
            b'{"deep": {"list": ["+1 415-555-0199"]}}',
        ),  # nested, formatted
        ("GET", VTS_SESSIONS, "first_party=%2B14155550199", "", b""),  # a filter, percent-encoded
        ("GET", VTS_SESSIONS, "limit=1&limit=%2B14155550199", "", b""),  # a repeated query value
        ("GET", VTS_SESSIONS + "/14155550199", "", "", b""),  # a path segment
        ("POST", "/v1/anonymous/session/sms", "", FORM, b"phone_number_1=%2B14155550199"),  # a form body
        ("POST", "/v1/anonymous/session/sms", "", JSON, b'{"message": "call +44 7400 123456 now"}'),  # free text
    ],
)
def test_a_request_with_an_unlisted_number_anywhere_is_refused(
    method: str, path: str, query: str, content_type: str, body: bytes
) -> None:
    refused = policy().refusal(method, path, query, content_type, body)
    assert refused is not None and refused.kind == "number", refused
    assert "14155550199" not in refused.reason and "7400123456" not in refused.reason  # printed: redacted


def test_listed_numbers_and_those_the_target_answered_with_may_leave() -> None:
    guard = policy()
    body = b'{"phone_number_1": "14155550123", "phone_number_2": "+14155550124", "validity_period": 3600}'
    assert guard.refusal("POST", "/v1/anonymous/session/sms", "", JSON, body) is None
    by_masked = "virtual_number=%2B12205550002"
    assert kind(guard.refusal("GET", VTS_SESSIONS, by_masked, "", b"")) == "number"
    guard.learn(JSON, b'{"virtual_number": "+12205550002"}')  # the target handed this one out
    assert guard.refusal("GET", VTS_SESSIONS, by_masked, "", b"") is None


def test_callback_urls_may_name_only_the_users_receiver() -> None:
    body = b"phone_number=14155550123&message=hi&callback_url=https%3A%2F%2Fexample.com%2Fhook"
    guard = policy(allow_calls=True)
    refused = guard.refusal("POST", "/v1/voice", "", FORM, body)
    assert refused is not None and refused.kind == "callback" and "--callback-url" in refused.reason
    guard.callback_bases = ("https://hooks.team.example",)
    assert kind(guard.refusal("POST", "/v1/voice", "", FORM, body)) == "callback"
    mine = body.replace(b"https%3A%2F%2Fexample.com", b"https%3A%2F%2Fhooks.team.example")
    assert guard.refusal("POST", "/v1/voice", "", FORM, mine) is None
    not_a_url = body.replace(b"https%3A%2F%2Fexample.com%2Fhook", b"not-a-url")  # negative data, no host
    assert guard.refusal("POST", "/v1/voice", "", FORM, not_a_url) is None


def test_a_path_of_no_operation_is_refused() -> None:
    assert kind(policy().refusal("POST", "/v1/messaging", "", JSON, b"{}")) == "operation"


def test_every_request_field_an_example_puts_a_number_in_is_marked() -> None:
    # Independent of the marks: wherever a request example of the spec carries a phone number, the
    # field must carry the party-number mark (through its schema), so the guard and scope know it.
    spec = load_spec()
    marks = Marks(spec)
    checked = 0
    for example in spec.examples():
        operation = next((op for op in spec.operations() if example.pointer.startswith(_pointer(op))), None)
        if operation is None or "/requestBody/" not in example.pointer:
            continue  # a webhook's or an answer's example: not what a run sends
        for where, _ in numbers_in_request("", "", JSON, orjson.dumps(example.value)):
            checked += 1
            field = where.split(".")[-1].split("[")[0]
            assert field in marks.of(operation.operation_id).party_fields, (operation.operation_id, where)
    assert checked >= 5
    assert {m.operation.operation_id for m in marks.operations if m.places_call} == {
        "sendVoiceMessage",
        "controlVoiceCall",
    }


def _pointer(operation: Operation) -> str:
    path = operation.path.replace("~", "~0").replace("/", "~1")
    return f"#/paths/{path}/{operation.method}/"


@pytest.mark.parametrize(
    ("value", "digits"),
    [
        ("14155550123", "14155550123"),
        ("+1 (415) 555-0123", "14155550123"),
        ("(415) 555-0123", "14155550123"),
        (14155550123, "14155550123"),
        ("2024-02-01", None),
        ("252284.5", None),
        ("203.0.113.7", None),
        ("3600", None),
        ("c28b77d4-21e7-43bd-9447-04bfee92e651", None),
        (True, None),
    ],
)
def test_what_counts_as_a_number(value: object, digits: str | None) -> None:
    assert as_number(value) == digits


def test_framing_headers_a_generated_case_carries_are_dropped() -> None:
    auth = SendingAuth(lambda request: request)
    request = requests.Request(
        "POST", "http://127.0.0.1:1/v1/voice", data=b"x=1", headers={"Transfer-Encoding": "P:/", "Connection": "x"}
    ).prepare()
    sent = auth(request)
    assert "Transfer-Encoding" not in sent.headers and "Connection" not in sent.headers


def test_generation_points_every_marked_callback_field_at_the_users_receiver() -> None:
    marked = {name for m in Marks(load_spec()).operations for name in m.callback_fields}
    assert marked <= set(URL_FIELDS)


def test_a_method_the_path_does_not_have_is_sent_for_its_405_but_its_numbers_are_still_read() -> None:
    # schemathesis's unsupported-method check: nothing to place, yet no unlisted number leaves.
    assert policy().refusal("PUT", "/v1/anonymous/session/sms", "", JSON, b'{"a": "14155550123"}') is None
    assert kind(policy().refusal("PUT", "/v1/anonymous/session/sms", "", JSON, b'{"a": "14155550199"}')) == "number"
