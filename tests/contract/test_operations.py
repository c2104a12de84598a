"""Every operation of the spec, driven by schemathesis with all of its checks and our domain rules."""

from __future__ import annotations

from typing import Any

import schemathesis

from telecontract.contract.budget import WireAuth

schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_operation_conforms(case: schemathesis.Case, wire_auth: WireAuth, contract_checks: dict[str, Any]) -> None:
    case.call_and_validate(auth=wire_auth, **contract_checks)
