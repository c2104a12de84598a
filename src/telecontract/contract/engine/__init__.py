"""The contract engine's parts, each a pytest plugin with one job; `telecontract.contract.plugin`
registers them together (the order below is the order a run meets them)."""
