"""The contract suite, shipped with the package: `telecontract gate` runs it from any folder.

Each module is a pytest test module over the fixtures of `telecontract.contract.plugin`:
every operation through schemathesis (`test_operations`), stateful runs along the spec's links
(`test_stateful`), each link walked once (`test_links`), malformed bodies (`test_bad_input`),
rules across requests (`test_domain_rules`) and the provider's callbacks (`test_webhooks`).
"""
