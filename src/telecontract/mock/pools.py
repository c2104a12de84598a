"""Masked ids and virtual numbers: who may hold which number, and when it is free again.

A number may serve many sessions at once, as long as no two of them share a party: otherwise a
party who calls the number could not be routed. It is never given to a party as its own number.

Each pool indexes its active leases by party (party -> the numbers it holds), and forgets a lease
when it ends (a heap by end time) or is released. An allocation then costs what the two parties
hold, not the pool's size: a party holding every number is answered "none free" at once, where a
scan of the whole pool (10,000 numbers) once held the event loop for every other client.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(slots=True, eq=False)
class Lease:
    parties: frozenset[str]
    expires_at: float  # the mock's clock (scaled); inf when the session never expires
    released: bool = False
    # (pool, number) pairs this lease holds, so that ending it early frees them in their pools.
    holdings: list[tuple[NumberPool, str]] = field(default_factory=list)

    def active(self, now: float) -> bool:
        return not self.released and now < self.expires_at

    def release(self) -> None:
        """End the lease now (a deleted session, or one whose other number could not be found)."""
        self.released = True
        for pool, number in self.holdings:
            pool.forget(self, number)
        self.holdings.clear()

    def reschedule(self, expires_at: float) -> None:
        """A new end (an update's session_expiry counts again from the update), earlier or later."""
        self.expires_at = expires_at
        for pool, number in self.holdings:
            pool.schedule(self, number)


_NONE_HELD: dict[str, Lease] = {}  # what a party without leases holds (never written to)


class NumberPool:
    def __init__(self, numbers: Iterable[str]) -> None:
        self.numbers = tuple(numbers)
        self._bare = tuple(number.lstrip("+") for number in self.numbers)
        self._held: dict[str, dict[str, Lease]] = {}  # party -> {number: its active lease}
        self._ends: list[tuple[float, int, str, Lease]] = []  # (end, order, number, lease), a heap
        self._order = itertools.count()
        self._cursor = 0  # spreads allocations so the first numbers do not collect every lease

    def allocate(self, lease: Lease, *, exclude: frozenset[str], now: float) -> str | None:
        """A number no active lease that shares a party holds, or None when all are taken."""
        if self._ends and self._ends[0][0] <= now:
            self._expire(now)
        size = len(self.numbers)
        held = [self._held[party] for party in lease.parties if party in self._held]
        blocked = len(exclude) + len(lease.parties)
        for numbers in held:
            if len(numbers) >= size:
                return None  # one party already holds every number: no scan needed
            blocked += len(numbers)
        if blocked >= size and not self._any_free(held, lease, exclude):
            return None
        # A session has one or two parties: two lookups per number tried, in a plain loop (this is
        # the mock's hottest loop; a generator per candidate cost more than the lookups).
        first = held[0] if held else _NONE_HELD
        second = held[1] if len(held) > 1 else _NONE_HELD
        others = held[2:]
        numbers, bare, parties = self.numbers, self._bare, lease.parties
        index = self._cursor
        for _ in range(size):
            number = numbers[index]
            if (
                number not in first
                and number not in second
                and number not in exclude
                and bare[index] not in parties
                and not (others and any(number in h for h in others))
            ):
                self._cursor = index + 1 if index + 1 < size else 0
                self._hold(lease, number)
                return number
            index = index + 1 if index + 1 < size else 0
        return None

    def _any_free(self, held: list[dict[str, Lease]], lease: Lease, exclude: frozenset[str]) -> bool:
        """Exactly, when what the parties hold may cover the pool (rare: only near exhaustion)."""
        taken = set(exclude).union(*held)
        taken.update(n for n, bare in zip(self.numbers, self._bare, strict=True) if bare in lease.parties)
        return len(taken.intersection(self.numbers)) < len(self.numbers)

    def _hold(self, lease: Lease, number: str) -> None:
        held = self._held
        for party in lease.parties:
            numbers = held.get(party)
            if numbers is None:
                numbers = held[party] = {}
            numbers[number] = lease
        lease.holdings.append((self, number))
        self.schedule(lease, number)

    def schedule(self, lease: Lease, number: str) -> None:
        if lease.expires_at != math.inf:
            heapq.heappush(self._ends, (lease.expires_at, next(self._order), number, lease))

    def forget(self, lease: Lease, number: str) -> None:
        for party in lease.parties:
            numbers = self._held.get(party)
            if numbers is not None and numbers.get(number) is lease:
                del numbers[number]
                if not numbers:
                    del self._held[party]

    def _expire(self, now: float) -> None:
        """Forget leases that have ended: each is popped once, so this is amortised O(log n)."""
        ends = self._ends
        while ends and ends[0][0] <= now:
            end, _, number, lease = heapq.heappop(ends)
            if lease.released or end != lease.expires_at:
                continue  # released already, or rescheduled: a newer entry stands for it
            self.forget(lease, number)

    def held_by(self, party: str) -> int:
        """How many numbers `party` holds (for tests and benchmarks)."""
        return len(self._held.get(party, {}))

    def leases_kept(self) -> int:
        """Entries the pool keeps, to show memory stays bounded (tests, soak runs)."""
        return len(self._ends) + sum(map(len, self._held.values()))
