"""The contract suite's own conftest: JUnit names that hold wherever the package is installed."""

from __future__ import annotations

from telecontract.contract.junit_names import pytest_runtest_setup

__all__ = ["pytest_runtest_setup"]  # a hook: pytest finds it here, by name
