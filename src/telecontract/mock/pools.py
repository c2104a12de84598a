"""Masked ids and virtual numbers: who may hold which number, and when it is free again.

A number may serve many sessions at once, as long as no two of them share a party: otherwise a
party who calls the number could not be routed. It is never given to a party as its own number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(slots=True)
class Lease:
    parties: frozenset[str]
    expires_at: float  # real (scaled) time; inf when the session never expires
    released: bool = False

    def active(self, now: float) -> bool:
        return not self.released and now < self.expires_at


PRUNE_AT = 16  # leases on one number before the expired ones are dropped


class NumberPool:
    def __init__(self, numbers: Iterable[str]) -> None:
        self.numbers = tuple(numbers)
        self._leases: dict[str, list[Lease]] = {}
        self._cursor = 0  # spreads allocations so the first numbers do not collect every lease

    def allocate(self, lease: Lease, *, exclude: frozenset[str], now: float) -> str | None:
        """A number no active lease that shares a party holds, or None when all are taken."""
        size = len(self.numbers)
        for step in range(size):
            number = self.numbers[(self._cursor + step) % size]
            bare = number.lstrip("+")
            if bare in lease.parties or bare in exclude or not self._free_for(number, lease.parties, now):
                continue
            self._cursor = (self._cursor + step + 1) % size
            self._leases.setdefault(number, []).append(lease)
            return number
        return None

    def _free_for(self, number: str, parties: frozenset[str], now: float) -> bool:
        leases = self._leases.get(number)
        if not leases:
            return True
        if len(leases) > PRUNE_AT and not leases[0].active(now):
            # Forget what expired (the oldest first): that keeps the scan short. Expired leases
            # left in the list never block a party, so pruning is only about speed.
            leases[:] = [lease for lease in leases if lease.active(now)]
        for lease in leases:  # noqa: SIM110 - a plain loop: this runs for every number tried, per allocation
            if not lease.parties.isdisjoint(parties) and lease.active(now):
                return False
        return True
