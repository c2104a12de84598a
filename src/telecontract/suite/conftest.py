"""The contract suite's own conftest: JUnit names that hold wherever the package is installed, and
the request bodies its tests send, built from the run's spec (`telecontract.contract.bodies`)."""

from __future__ import annotations

import pytest

from telecontract.contract.bodies import Bodies, live_limits
from telecontract.contract.junit_names import pytest_runtest_setup
from telecontract.contract.options import RunOptions
from telecontract.contract.target import Target
from telecontract.spec import Spec

__all__ = ["bodies", "pytest_runtest_setup"]  # a hook and a fixture: pytest finds them here, by name


@pytest.fixture(scope="session")
def bodies(spec: Spec, target: Target, contract_options: RunOptions) -> Bodies:
    """A body for an operation, from its request example and schema, with the fields a test sets."""
    return Bodies(spec, live_limits(contract_options, embedded=target.embedded))
