"""The contract engine (options, target, wire, findings, reports) is a plugin inside the package."""

import pytest

pytest_plugins = ["telecontract.contract.plugin"]

# The longest tests first: on two workers (pytest-xdist) the 30-run detection-power proof then runs
# beside the rest instead of after it.
LONGEST_FIRST = ("tests/test_detection_power.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not any(item.nodeid.startswith(path) for path in LONGEST_FIRST))
