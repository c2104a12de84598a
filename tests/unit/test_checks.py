"""Domain checks on hand-made exchanges: the documents' own examples pass, the defects they name fail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from telecontract.contract.checks import DomainRules, read_names_the_requested_resource, status_description_matches_code
from telecontract.contract.failures import RuleViolation
from telecontract.spec import load_spec

SMS_VOICE = "/v1/anonymous/session/sms_voice"


@dataclass
class Request:
    method: str = "POST"
    url: str = "http://provider" + SMS_VOICE
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    body: Any
    status_code: int = 200
    request: Request = field(default_factory=Request)

    @property
    def headers(self) -> dict[str, list[str]]:
        return {"content-type": ["application/json"]}

    @property
    def content(self) -> bytes:
        return json.dumps(self.body).encode()

    def json(self) -> Any:
        return self.body


@dataclass
class Operation:
    path: str
    method: str = "POST"

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Case:
    operation: Operation
    method: str = "POST"
    path_parameters: dict[str, str] = field(default_factory=dict)


def documents_example() -> dict[str, Any]:
    """The response of Example 1 in "Set up an Anonymous Voice Session", as the spec carries it."""
    answers = load_spec().document["components"]["responses"]["MaskedSessionCreated"]
    return dict(answers["content"]["application/json"]["examples"]["smsVoiceSession"]["value"])


def test_the_documents_own_example_keeps_session_end_on_in_hours() -> None:
    rules = DomainRules()  # hours, as the example shows: 500 -> 2018-02-12T14:57 + 500 h
    rules.session_end_on_is_creation_plus_validity(None, Response(documents_example()), Case(Operation(SMS_VOICE)))


def test_an_account_counting_seconds_is_a_setting_not_a_failure_of_the_example() -> None:
    rules = DomainRules(validity_seconds=1)
    with pytest.raises(RuleViolation, match="--validity-unit"):
        rules.session_end_on_is_creation_plus_validity(None, Response(documents_example()), Case(Operation(SMS_VOICE)))


def test_a_reference_id_reused_across_a_thousand_freed_responses_is_caught_each_time() -> None:
    # Python reuses the memory (and id()) of freed objects; the check must not mistake a new
    # exchange for one it has already seen.
    rules = DomainRules()
    caught = 0
    for i in range(1000):
        response = Response(
            {"reference_id": "0" * 32, "status": {"code": 103}},
            status_code=201,
            request=Request(url="http://provider/v1/voice", body=f"phone_number={i}".encode()),
        )
        try:
            rules.reference_id_is_unique(None, response, Case(Operation("/v1/voice")))
        except RuleViolation:
            caught += 1
        del response  # freed at once: the next response may get the same id()
    assert caught == 999


def test_the_same_exchange_checked_twice_is_not_a_duplicate() -> None:
    rules = DomainRules()
    response = Response({"reference_id": "A" * 32, "status": {"code": 103}}, status_code=201)
    rules.reference_id_is_unique(None, response, Case(Operation("/v1/voice")))
    rules.reference_id_is_unique(None, response, Case(Operation("/v1/voice")))


def test_a_voice_read_must_answer_for_the_call_it_names() -> None:
    case = Case(Operation("/v1/voice/{reference_id}", "GET"), "GET", {"reference_id": "a" * 32})
    read_names_the_requested_resource(None, Response({"reference_id": "A" * 32}), case)
    with pytest.raises(RuleViolation, match="answered for"):
        read_names_the_requested_resource(None, Response({"reference_id": "B" * 32}), case)


def test_a_vts_read_with_the_plivo_slash_must_answer_for_its_session() -> None:
    case = Case(
        Operation("/v1/Account/{auth_id}/Masking/Session/{session_uuid}/", "GET"), "GET", {"session_uuid": "s1"}
    )
    with pytest.raises(RuleViolation):
        read_names_the_requested_resource(None, Response({"session_uuid": "s2"}), case)


def test_a_reworded_status_description_is_reported() -> None:
    case = Case(Operation("/v1/voice"))
    documented = {"status": {"code": 107, "description": "Line busy"}}
    status_description_matches_code(None, Response(documented), case)
    with pytest.raises(RuleViolation, match="Line busy"):
        status_description_matches_code(None, Response({"status": {"code": 107, "description": "Busy"}}), case)
