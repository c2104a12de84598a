"""Every operation of the spec, driven by schemathesis with all of its checks and our domain rules."""

from __future__ import annotations

import schemathesis

from telecontract.contract.budget import BudgetedAuth
from telecontract.contract.checks import DomainRules

schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_operation_conforms(case: schemathesis.Case, wire_auth: BudgetedAuth, domain_rules: DomainRules) -> None:
    case.call_and_validate(auth=wire_auth, additional_checks=domain_rules.checks())
