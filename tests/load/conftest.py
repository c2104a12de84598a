"""What the load tests share: reading Locust's own summary table, the figures every report must match."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest


def request_counts(stderr: str) -> dict[str, int]:
    """Request counts per name from the first table Locust prints (its name column; the aggregate too)."""
    counts: dict[str, int] = {}
    for line in stderr.split("Response time percentiles")[0].splitlines():
        # Type (8 characters, empty for the aggregate), name, # reqs, # fails(%) |
        match = re.match(r"^.{8} (.+?)\s+(\d+)\s+\d+\([\d.]+%\)\s*\|", line)
        if match:
            counts[match[1].strip()] = int(match[2])
    return counts


@pytest.fixture
def locust_table() -> Callable[[str], dict[str, int]]:
    return request_counts
