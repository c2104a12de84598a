"""Every operation of the spec, driven by schemathesis with all of its checks and our domain rules."""

from __future__ import annotations

import schemathesis

from telecontract.client_auth import RequestsAuth
from telecontract.contract.checks import DomainRules
from telecontract.contract.target import Target

schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_operation_conforms(case: schemathesis.Case, target: Target, domain_rules: DomainRules) -> None:
    case.call_and_validate(auth=RequestsAuth(target.credentials), additional_checks=domain_rules.checks())
