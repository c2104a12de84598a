"""Promises across requests on hand-made exchanges: flat (the VTS page) and wrapped (Plivo's) answers.

Each rule of `contract.promises` passes what keeps its promise and fails what breaks it; what no
write of the run promised (a session it never saw created) is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from telecontract.contract.failures import RuleViolation
from telecontract.contract.promises import Promises

SESSIONS = "/v1/Account/{auth_id}/Masking/Session"
ONE = SESSIONS + "/{session_uuid}"
UUID = "c28b77d4-21e7-43bd-9447-04bfee92e651"


@dataclass
class Request:
    body: bytes | None


@dataclass
class Response:
    body: Any
    status_code: int = 200
    request: Request = field(default_factory=lambda: Request(None))
    headers: dict[str, list[str]] = field(default_factory=lambda: {"content-type": ["application/json"]})

    def json(self) -> Any:
        return self.body


@dataclass
class Operation:
    path: str


@dataclass
class Case:
    method: str
    operation: Operation
    path_parameters: dict[str, str] = field(default_factory=dict)


def session(**fields: Any) -> dict[str, Any]:
    """A session as the VTS page's example writes it: every value text."""
    return {
        "session_uuid": UUID,
        "virtual_number": "+12205550020",
        "status": "active",
        "first_party": "+14155552345",
        "second_party": "+12165554567",
        "record": "false",
        "call_time_limit": "3600",
        "ring_timeout": "45",
        "session_expiry": "600",
        "created_time": "2024-02-01 06:28:15",
        "modified_time": None,
        "expiry_time": "2024-02-01 06:38:15",
    } | fields


class Run:
    """One run's ledger, fed exchanges the way schemathesis hands them to every check."""

    def __init__(self) -> None:
        self.promises = Promises()

    def send(self, method: str, path: str, asked: Any, answer: Any, status: int = 200) -> None:
        case = Case(method, Operation(path), {"session_uuid": UUID} if "{session_uuid}" in path else {})
        body = orjson.dumps(asked) if asked is not None else None
        response = Response(answer, status, Request(body))
        for check in self.promises.checks():
            check(None, response, case)

    def create(self, **answered: Any) -> None:
        asked = {"first_party": "+14155552345", "second_party": "+12165554567", "session_expiry": 600, "record": False}
        self.send("POST", SESSIONS, asked | {"call_time_limit": 3600}, session(**answered))


def test_a_session_read_as_its_writes_left_it_passes_on_every_read_path() -> None:
    run = Run()
    run.create()
    run.send("GET", ONE, None, session())
    run.send("GET", SESSIONS, None, {"meta": {}, "objects": [session()]})
    updated = session(call_time_limit="1800", modified_time="2024-02-01 06:30:00", expiry_time="2024-02-01 06:50:00")
    run.send("POST", ONE, {"call_time_limit": 1800, "session_expiry": 1200}, updated | {"session_expiry": "1200"})
    run.send("GET", ONE, None, updated | {"session_expiry": "1200"})
    run.send("DELETE", ONE, None, None, status=204)
    run.send("GET", ONE, None, {"api_id": "x", "error": "not found"}, status=404)
    run.send("GET", SESSIONS, None, {"meta": {}, "objects": []})


def test_plivos_wrapped_and_typed_answers_keep_the_same_promises() -> None:
    run = Run()
    typed = {"record": False, "call_time_limit": 3600, "ring_timeout": 45, "duration": 600}
    plivo = session(**typed, created_time="2024-02-01 06:28:15 +0000 UTC", expiry_time="2024-02-01 06:38:15 +0000 UTC")
    del plivo["session_expiry"]
    asked = {"first_party": "+14155552345", "second_party": "+12165554567", "session_expiry": 600, "record": False}
    run.send("POST", SESSIONS, asked, {"api_id": "x", "session_uuid": UUID, "session": plivo}, status=201)
    run.send("GET", ONE, None, {"api_id": "x", "response": plivo})
    run.send("GET", SESSIONS, None, {"api_id": "x", "response": {"meta": {}, "objects": [plivo]}})
    with pytest.raises(RuleViolation, match="expiry_time is 0:20:00 after"):
        run.send(
            "GET", ONE, None, {"api_id": "x", "response": plivo | {"expiry_time": "2024-02-01 06:48:15 +0000 UTC"}}
        )


def test_an_answer_that_ignores_its_request_is_caught() -> None:
    with pytest.raises(RuleViolation, match="call_time_limit was asked as 3600, the answer says 14400") as caught:
        Run().create(call_time_limit="14400")
    assert caught.value.rule == "answer_honours_the_request"


def test_a_read_with_another_value_than_the_create_set_is_caught() -> None:
    run = Run()
    run.create()
    with pytest.raises(RuleViolation, match="by the list with a different first_party, second_party") as caught:
        swapped = session(first_party="+12165554567", second_party="+14155552345")
        run.send("GET", SESSIONS, None, {"meta": {}, "objects": [swapped]})
    assert caught.value.rule == "get_returns_what_post_created"


def test_an_update_a_later_read_does_not_show_is_caught() -> None:
    run = Run()
    run.create()
    run.send("POST", ONE, {"ring_timeout": 60}, session(ring_timeout="60", modified_time="2024-02-01 06:30:00"))
    with pytest.raises(RuleViolation, match="by GET with ring_timeout 45; the update set 60") as caught:
        run.send("GET", ONE, None, session())
    assert caught.value.rule == "read_shows_the_update"


def test_a_session_that_lasts_longer_than_asked_is_caught_though_its_answer_agrees_with_itself() -> None:
    with pytest.raises(RuleViolation, match="session_expiry is 1200; it was asked to last 600 s") as caught:
        Run().create(session_expiry="1200", expiry_time="2024-02-01 06:48:15")
    assert caught.value.rule == "session_lasts_as_long_as_asked"
    with pytest.raises(RuleViolation, match="expiry_time is 0:20:00 after the write"):
        Run().create(expiry_time="2024-02-01 06:48:15")


def test_an_update_of_the_expiry_counts_from_the_update() -> None:
    run = Run()
    run.create()
    from_update = session(modified_time="2024-02-01 06:30:00", expiry_time="2024-02-01 06:40:00")
    run.send("POST", ONE, {"session_expiry": 600}, from_update)
    with pytest.raises(RuleViolation, match="expiry_time is 0:11:45 after the write"):
        run.send("GET", ONE, None, from_update | {"expiry_time": "2024-02-01 06:41:45"})


def test_an_expiry_asked_as_an_integral_number_is_the_same_ask() -> None:
    # JSON Schema's "integer" holds 1200.0, and hypothesis sends one now and then.
    run = Run()
    run.create()
    updated = session(session_expiry="1200.0", modified_time="2024-02-01 06:30:00", expiry_time="2024-02-01 06:50:00")
    run.send("POST", ONE, {"session_expiry": 1200.0}, updated)
    run.send("GET", ONE, None, updated)
    with pytest.raises(RuleViolation, match="session_expiry is 2400; it was asked to last 1200 s"):
        run.send("GET", ONE, None, updated | {"session_expiry": "2400"})


def test_a_deleted_session_read_back_active_is_caught_and_one_marked_expired_is_not() -> None:
    run = Run()
    run.create()
    run.send("DELETE", ONE, None, {"api_id": "x", "message": "Session expired"})
    run.send("GET", ONE, None, session(status="expired"))  # Plivo: "marks it as expired"
    with pytest.raises(RuleViolation, match="was deleted, yet GET answered 200 with it active") as caught:
        run.send("GET", ONE, None, session())
    assert caught.value.rule == "deleted_session_is_gone"
    with pytest.raises(RuleViolation, match="was deleted, yet the list answered 200 with it active"):
        run.send("GET", SESSIONS, None, {"meta": {}, "objects": [session()]})


def test_a_session_no_write_of_the_run_created_is_not_judged() -> None:
    run = Run()
    run.send("GET", ONE, None, session(first_party="+19999999999", call_time_limit="1"))
    run.send("GET", SESSIONS, None, {"meta": {}, "objects": [session(session_expiry="1")]})


def test_a_write_the_target_refused_promises_nothing() -> None:
    run = Run()
    run.create()
    run.send("POST", ONE, {"ring_timeout": 60}, {"api_id": "x", "error": {"ring_timeout": "no"}}, status=400)
    run.send("GET", ONE, None, session())
    run.send("DELETE", ONE, None, {"api_id": "x", "error": "no"}, status=403)
    run.send("GET", ONE, None, session())


@pytest.mark.parametrize(
    ("validity", "answered", "ends", "message"),
    [
        (2, 2, "2026-01-01 12:00:00.000000", None),
        (2, "2", "2026-01-01 12:00:00", None),  # TeleSign's published definition writes validity as text
        (2, 4, "2026-01-01 14:00:00.000000", "validity is 4; the request asked for validity_period 2"),
        (2, 2, "2026-01-01 14:00:00.000000", "session_end_on is 4:00:00 after creation; validity_period 2"),
    ],
)
def test_a_masking_session_lasts_the_validity_its_request_asked(
    validity: int, answered: Any, ends: str, message: str | None
) -> None:
    asked = {"phone_number_1": "15555551212", "phone_number_2": "15558675309", "validity_period": validity}
    party = {"complete_phone_number": "15555551212", "masked_id": "13325550000"}
    answer = {
        "session_data": {
            "phone_number_1": party,
            "phone_number_2": party | {"complete_phone_number": "15558675309"},
            "resource": "sms",
            "session_end_on": ends,
            "validity": answered,
        },
        "status": {"code": 2700, "updated_on": "2026-01-01T10:00:00Z"},
    }
    case = Case("POST", Operation("/v1/anonymous/session/sms"))
    check = Promises().session_lasts_as_long_as_asked
    if message is None:
        check(None, Response(answer, 200, Request(orjson.dumps(asked))), case)
        return
    with pytest.raises(RuleViolation, match=message):
        check(None, Response(answer, 200, Request(orjson.dumps(asked))), case)


def test_a_masking_answer_for_other_parties_than_asked_is_caught() -> None:
    asked = {"phone_number_1": "15555551212", "phone_number_2": "15558675309", "validity_period": 1}
    answer = {
        "session_data": {
            "phone_number_1": {"complete_phone_number": "15558675309"},
            "phone_number_2": {"complete_phone_number": "15555551212"},
        }
    }
    case = Case("POST", Operation("/v1/anonymous/session/sms"))
    with pytest.raises(RuleViolation, match="phone_number_1 was asked as") as caught:
        Promises().answer_honours_the_request(None, Response(answer, 200, Request(orjson.dumps(asked))), case)
    assert caught.value.provenance is not None and "Number Masking" in caught.value.provenance.citation
