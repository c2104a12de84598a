"""Reusable pieces of the load scenarios in `telecontract.load.scenarios`: response checks, thresholds, the ledger."""
