"""Stateful runs that follow the spec's links: create a resource, then use it.

VTS: create -> retrieve / update / delete; Voice v1: POST -> GET status; Voice v2: dial -> hangup.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.errors import NoLinksFound

from telecontract.contract.sending import SendingAuth
from telecontract.internals import state_machine_recorder
from telecontract.wire.client import discarding_refused


def test_linked_operations_conform(
    api_schema: schemathesis.BaseSchema, wire_auth: SendingAuth, contract_checks: dict[str, Any]
) -> None:
    try:
        machine = api_schema.as_state_machine()
    except NoLinksFound:
        pytest.skip("every operation a link starts from is left out of this run")

    class Workflow(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"auth": wire_auth}

        def call(self, case: schemathesis.Case, **kwargs: Any) -> Any:
            with discarding_refused():  # a step the live-run guard will not send is no step
                return super().call(case, **kwargs)

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            # The state machine's own validate_response cannot exclude checks; the case's can.
            recorder = state_machine_recorder(self)
            case.validate_response(response, **contract_checks, transport_kwargs=kwargs or None, recorder=recorder)

    # Twice the profile's examples per operation (50 by default, 10 for `quick`, 600 for `deep`).
    examples = max(10, 2 * settings.default.max_examples)
    try:
        Workflow.run(settings=settings(max_examples=examples, stateful_step_count=6, deadline=None))
    except NoLinksFound:
        pytest.skip("every operation a link starts from is left out of this run")
