from __future__ import annotations

import time

import pytest

from telecontract.contract.budget import Budget, parse_rate


def test_rate_limit_spaces_requests() -> None:
    budget = Budget(per_second=50)
    started = time.monotonic()
    for _ in range(6):
        budget.spend()
    assert time.monotonic() - started >= 5 / 50 * 0.9


def test_spent_budget_skips() -> None:
    budget = Budget(max_requests=2)
    budget.spend()
    budget.spend()
    with pytest.raises(pytest.skip.Exception, match="request budget of 2 spent"):
        budget.spend()


@pytest.mark.parametrize(("text", "per_second"), [("10/s", 10.0), ("120/m", 2.0), ("5", 5.0), (None, None)])
def test_parse_rate(text, per_second) -> None:
    assert parse_rate(text) == per_second


@pytest.mark.parametrize("text", ["fast", "10/day", "-1/s", "0/s"])
def test_bad_rate_is_a_usage_error(text) -> None:
    with pytest.raises(pytest.UsageError, match="expected N/s"):
        parse_rate(text)
