"""How many times each delivery has been attempted, for `fail_first`: bounded, oldest forgotten first.

A Counter keyed by body grew by one key per distinct delivery, forever. Only a sink that fails
first attempts on purpose needs the count, and only until the sender has retried past it.
"""

from __future__ import annotations

from collections import OrderedDict

MAX_DELIVERIES = 100_000  # distinct deliveries remembered; far more than are ever mid-retry at once


class AttemptCounter:
    def __init__(self, max_deliveries: int = MAX_DELIVERIES) -> None:
        self.max_deliveries = max_deliveries
        self._counts: OrderedDict[str, int] = OrderedDict()

    def count(self, key: str) -> int:
        """Count one more attempt of delivery `key`; returns its attempts so far, this one included."""
        attempts = self._counts.pop(key, 0) + 1
        self._counts[key] = attempts  # now the newest
        if len(self._counts) > self.max_deliveries:
            self._counts.popitem(last=False)  # O(1): the delivery attempted least recently
        return attempts

    def __len__(self) -> int:
        return len(self._counts)
