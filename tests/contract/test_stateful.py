"""Stateful runs that follow the spec's links: create a resource, then use it.

VTS: create -> retrieve / update / delete; Voice v1: POST -> GET status; Voice v2: dial -> hangup.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import settings

from telecontract.client_auth import RequestsAuth
from telecontract.contract.target import Target


def test_linked_operations_conform(api_schema: schemathesis.BaseSchema, target: Target) -> None:
    auth = RequestsAuth(target.credentials)

    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"auth": auth}

    Workflow.run(settings=settings(max_examples=30, stateful_step_count=6, deadline=None))
