"""Reusable pieces of the load scenarios in `load/`: response checks, thresholds, the ledger."""
