"""Politeness towards live targets: a request budget and a rate limit shared by every client of a run."""

from __future__ import annotations

import threading
import time

import pytest
import requests


class Budget:
    def __init__(self, max_requests: int | None = None, per_second: float | None = None) -> None:
        self.max_requests = max_requests
        self.interval = 1.0 / per_second if per_second else 0.0
        self.spent = 0
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def spend(self) -> None:
        """Account for one request: wait for its slot, or skip the test when the budget is used up."""
        with self._lock:
            if self.max_requests is not None and self.spent >= self.max_requests:
                pytest.skip(f"request budget of {self.max_requests} spent (raise it with --max-requests)")
            self.spent += 1
            now = time.monotonic()
            wait = max(0.0, self._next_slot - now)
            self._next_slot = max(now, self._next_slot) + self.interval
        if wait:
            time.sleep(wait)


def parse_rate(text: str | None) -> float | None:
    """`10/s`, `300/m` or a bare number of requests per second; None for no limit."""
    if not text:
        return None
    amount, _, unit = text.partition("/")
    per = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}.get(unit.strip())
    try:
        value = float(amount)
    except ValueError:
        value = -1.0
    if per is None or value <= 0:
        raise pytest.UsageError(f"--rate-limit {text!r}: expected N/s, N/m or N/h, e.g. 10/s")
    return value / per


class BudgetedAuth(requests.auth.AuthBase):
    """Spends from the budget for each request schemathesis sends, then applies the real auth."""

    def __init__(self, auth: requests.auth.AuthBase, budget: Budget) -> None:
        self.auth = auth
        self.budget = budget

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.budget.spend()
        return self.auth(request)
