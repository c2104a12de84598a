"""Domain checks on hand-made exchanges: the documents' own examples pass, the defects they name fail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from telecontract import documents
from telecontract.contract.checks import DomainRules, read_names_the_requested_resource, status_description_matches_code
from telecontract.contract.failures import NOT_JUDGED, RuleViolation
from telecontract.contract.times import provider_time
from telecontract.credentials import Credentials
from telecontract.mock import voice_v1
from telecontract.mock.config import MockConfig
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


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2018-02-12T14:57:11.765723Z", datetime(2018, 2, 12, 14, 57, 11, 765723)),
        ("2018-02-12T14:57:11Z", datetime(2018, 2, 12, 14, 57, 11)),
        ("2018-02-12T16:57:11+02:00", datetime(2018, 2, 12, 14, 57, 11)),
        ("2018-03-05 10:59:13.761245", datetime(2018, 3, 5, 10, 59, 13, 761245)),
        ("2023-08-17 21:26:44", datetime(2023, 8, 17, 21, 26, 44)),
        ("2023-07-06 10:53:45.106122 +0000 UTC", datetime(2023, 7, 6, 10, 53, 45, 106122)),
        ("2023-07-06 10:53:32.814078 +0000 +0000", datetime(2023, 7, 6, 10, 53, 32, 814078)),
        ("2023-07-06 10:53:32.814078123 +0000 UTC", datetime(2023, 7, 6, 10, 53, 32, 814078)),
    ],
)
def test_every_providers_time_is_read_by_the_one_function(text: str, moment: datetime) -> None:
    assert provider_time(text) == moment


@pytest.mark.parametrize("text", [None, "", "null", "yesterday", "2023-13-45 99:99:99", 1700000000])
def test_what_is_not_a_time_is_none(text: Any) -> None:
    assert provider_time(text) is None


def masking_answer(updated_on: str, session_end_on: str, masked: tuple[str, str]) -> dict[str, Any]:
    body = documents_example()
    data = json.loads(json.dumps(body["session_data"]))
    data["session_end_on"] = session_end_on
    data["phone_number_1"]["masked_id"], data["phone_number_2"]["masked_id"] = masked
    return body | {"session_data": data, "status": body["status"] | {"updated_on": updated_on}}


def test_a_reused_masked_id_is_caught_with_times_written_without_fractions() -> None:
    # The rule once parsed only `.%f`, so a provider writing whole seconds switched it off.
    rules = DomainRules()
    case = Case(Operation(SMS_VOICE))
    first = masking_answer("2026-01-01T10:00:00Z", "2026-01-02 10:00:00", ("15550001111", "15550002222"))
    rules.masked_id_serves_one_session_per_party(None, Response(first), case)
    second = masking_answer("2026-01-01T10:01:00Z", "2026-01-02 10:01:00", ("15550001111", "15550003333"))
    second["session_data"]["phone_number_2"]["complete_phone_number"] = "15558670000"  # party 1 shared
    with pytest.raises(RuleViolation, match="already serves an active session"):
        rules.masked_id_serves_one_session_per_party(None, Response(second), case)


def test_the_documents_texts_are_one_table_the_mock_and_the_contract_share() -> None:
    assert voice_v1.codes.VOICE_DESCRIPTIONS is documents.VOICE_DESCRIPTIONS
    assert MockConfig(credentials=Credentials.from_env()).validity_seconds == documents.VALIDITY_UNITS["hours"]
    case = Case(Operation("/v1/voice"))
    for code, text in documents.VOICE_DESCRIPTIONS.items():
        status_description_matches_code(None, Response({"status": {"code": code, "description": text}}), case)
    # The mock's defect words 103 as another code: the rule that could not fail against the mock now can.
    other = {"status": {"code": documents.CALL_IN_PROGRESS, "description": "Call answered"}}
    with pytest.raises(RuleViolation, match="status 103 came as 'Call answered'"):
        status_description_matches_code(None, Response(other), case)


def test_a_check_says_when_an_exchange_gave_it_nothing_to_judge() -> None:
    # schemathesis counts no result for a check that returns True: the run's check kinds and counts
    # are then the checks that judged something (one operation's run lists that operation's rules).
    rules = DomainRules()
    asked = Request(body=b'{"validity_period": 500}', headers={"Content-Type": "application/json"})
    created = (Response(documents_example(), request=asked), Case(Operation(SMS_VOICE)))
    voice_read = (Response({"status": {"code": 999}}), Case(Operation("/v1/voice/{reference_id}", "GET"), "GET"))
    by_name = {getattr(check, "__name__", ""): check for check in rules.checks()}
    judged = {name for name, check in by_name.items() if check(None, *created) is not NOT_JUDGED}
    assert {"masked_id_differs_from_real_number", "session_lasts_as_long_as_asked"} <= judged
    assert "answer_honours_the_request" in judged
    assert not judged & {"get_returns_what_post_created", "read_shows_the_update", "deleted_session_is_gone"}
    assert status_description_matches_code(None, *voice_read) is NOT_JUDGED  # no documented text for 999
    failed = Response({"status": {"code": 2701}}, status_code=400)
    assert by_name["masked_id_differs_from_real_number"](None, failed, Case(Operation(SMS_VOICE))) is NOT_JUDGED
