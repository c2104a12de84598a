"""Stateful runs that follow the spec's links: create a resource, then use it.

VTS: create -> retrieve / update / delete; Voice v1: POST -> GET status; Voice v2: dial -> hangup.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import settings

from telecontract.contract.budget import WireAuth


def test_linked_operations_conform(
    api_schema: schemathesis.BaseSchema, wire_auth: WireAuth, contract_checks: dict[str, Any]
) -> None:
    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"auth": wire_auth}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            # The state machine's own validate_response cannot exclude checks; the case's can.
            recorder = getattr(self, "recorder", None)
            case.validate_response(response, **contract_checks, transport_kwargs=kwargs or None, recorder=recorder)

    Workflow.run(settings=settings(max_examples=60, stateful_step_count=6, deadline=None))
