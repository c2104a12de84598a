"""Promises across requests, walked once: each write's answer and the reads after it, judged.

The stateful phase explores the spec's links at random and may never read a session after
updating or deleting it; this walks create -> get -> list -> update -> get -> list -> delete ->
get -> list once, deterministically, as schemathesis cases, so the run's checks and their ledger
of writes (`telecontract.contract.promises`) judge every answer against what was asked. A failed
check does not stop the walk: every step is judged, and the test fails at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from schemathesis.errors import FailureGroup

from telecontract.contract.bodies import Bodies
from telecontract.contract.exchanges import vts_session
from telecontract.contract.failures import RuleViolation
from telecontract.contract.options import RunOptions
from telecontract.contract.sending import SendingAuth
from telecontract.contract.target import Target
from telecontract.spec import Spec
from telecontract.suite.test_domain_rules import sms  # the carrier simulator, as the account reaches it
from telecontract.suite.test_links import case_for

VTS_OPERATIONS = (
    "createVtsMaskingSession",
    "getVtsMaskingSession",
    "listVtsMaskingSessions",
    "updateVtsMaskingSession",
    "deleteVtsMaskingSession",
)
EMBEDDED_PARTIES = ("14155552345", "12165554567")
# What the walk asks for: values no default has, so an answer that ignores them shows.
CREATED = {"session_expiry": 600, "call_time_limit": 7200, "ring_timeout": 30, "record": True}
UPDATED = {"session_expiry": 1200, "call_time_limit": 1800, "ring_timeout": 60, "record": False}
DELETE = "DELETE /v1/Account/{auth_id}/Masking/Session/{session_uuid}"


@dataclass
class Walk:
    """Steps sent as schemathesis cases and judged by the run's checks; failures kept, not raised.

    A step's body is the fields it sets over the operation's own request (`bodies`), so whatever
    else the spec requires goes with it.
    """

    api_schema: Any
    spec: Spec
    target: Target
    auth: SendingAuth
    checks: dict[str, Any]
    bodies: Bodies
    failures: list[BaseException] = field(default_factory=list)

    def step(self, operation_id: str, *, body: Any = None, query: dict[str, Any] | None = None, **path: str) -> Any:
        operation = self.spec.operation(operation_id)
        parameters = {"auth_id": self.target.credentials.vts_auth_id, **path} if "{auth_id}" in operation.path else {}
        media_type = "application/json" if body is not None else None
        case = case_for(
            self.api_schema,
            operation,
            self.target,
            path_parameters=parameters,
            body=self.bodies(operation_id, body, media_type=media_type) if body is not None else None,
            media_type=media_type,
            query=query,
        )
        response = case.call(auth=self.auth)
        try:
            case.validate_response(response, **self.checks)
        except FailureGroup as failed:  # already a finding (the after_validate hook): walk on
            self.failures.append(failed)
        return response

    def end(self) -> None:
        # A rule our walk judges itself becomes a finding only when raised; the checks' are findings already.
        if self.failures:
            raise next((f for f in self.failures if isinstance(f, RuleViolation)), self.failures[0])


@pytest.fixture
def walk(
    api_schema: Any,
    spec: Spec,
    target: Target,
    wire_auth: SendingAuth,
    contract_checks: dict[str, Any],
    bodies: Bodies,
) -> Walk:
    return Walk(api_schema, spec, target, wire_auth, contract_checks, bodies)


def parties(target: Target, options: RunOptions) -> tuple[str, str]:
    listed = EMBEDDED_PARTIES if target.embedded else tuple(options.numbers or ())
    if len(set(listed)) < 2:
        pytest.skip("needs two listed numbers (--numbers) for the two parties of a session")
    return listed[0], listed[1]


@pytest.mark.operations(*VTS_OPERATIONS)
def test_a_vts_session_shows_every_write_until_it_is_deleted(
    walk: Walk, target: Target, contract_options: RunOptions
) -> None:
    first, second = parties(target, contract_options)
    created = walk.step(
        "createVtsMaskingSession", body={"first_party": "+" + first, "second_party": "+" + second} | CREATED
    )
    # Precondition, not a finding: without a session there is nothing to walk (its answer was judged).
    assert 200 <= created.status_code < 300, f"the create answered {created.status_code}: {created.text}"
    session = vts_session(created.json())
    uuid, virtual = str(session["session_uuid"]), str(session["virtual_number"])
    listing = {"first_party": "+" + first, "virtual_number": virtual}

    walk.step("getVtsMaskingSession", session_uuid=uuid)
    walk.step("listVtsMaskingSessions", query=listing)
    walk.step("updateVtsMaskingSession", body=UPDATED, session_uuid=uuid)
    walk.step("getVtsMaskingSession", session_uuid=uuid)
    walk.step("listVtsMaskingSessions", query=listing)
    if target.embedded:
        routed = sms(target, first, virtual)
        assert routed.status_code == 200, f"a live session did not route: {routed.status_code} {routed.text}"
    deleted = walk.step("deleteVtsMaskingSession", session_uuid=uuid)
    assert 200 <= deleted.status_code < 300, f"the delete answered {deleted.status_code}: {deleted.text}"
    walk.step("getVtsMaskingSession", session_uuid=uuid)
    walk.step("listVtsMaskingSessions", query=listing)
    if target.embedded:
        late = sms(target, first, virtual)
        if late.status_code == 200:
            walk.failures.append(
                RuleViolation("deleted_session_is_gone", f"session {uuid}'s number still routes", operation=DELETE)
            )
        else:  # anything but "not routed" is the simulator failing: an error of this run, not a finding
            assert late.status_code == 404, f"the carrier simulator answered {late.status_code}: {late.text}"
    walk.end()


@pytest.mark.operations("createSmsMaskedSession")
def test_a_masking_session_is_what_its_request_asked(walk: Walk, target: Target, contract_options: RunOptions) -> None:
    first, second = parties(target, contract_options)
    walk.step("createSmsMaskedSession", body={"phone_number_1": first, "phone_number_2": second, "validity_period": 2})
    walk.end()
