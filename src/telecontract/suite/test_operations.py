"""Every operation of the spec, driven by schemathesis with all of its checks and our domain rules."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from telecontract.contract.sending import SendingAuth
from telecontract.wire.client import discarding_refused

schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_operation_conforms(
    case: schemathesis.Case, wire_auth: SendingAuth, contract_checks: dict[str, Any], scope_reasons: dict[str, str]
) -> None:
    if (why := scope_reasons.get(case.operation.definition.raw.get("operationId", ""))) is not None:
        pytest.skip(f"left out of this run: {why}")
    with discarding_refused():  # a case the live-run guard will not send is no case
        case.call_and_validate(auth=wire_auth, **contract_checks)
