"""The receiver suite: run by `telecontract gate --receiver-url`, judged like the contract suite."""
