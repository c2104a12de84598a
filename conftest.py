"""The contract engine (options, target, wire, findings, reports) is a plugin inside the package."""

pytest_plugins = ["telecontract.contract.plugin"]
