"""How many outbound deliveries may be on the wire at once: per destination, and in all.

One shared pool of slots let a receiver that never answers hold every slot for the provider's
timeout, so every other customer's callbacks queued behind it (17 s late after 200 silent calls).
Each destination (scheme, host and port) now has slots of its own: a silent receiver fills only
those, and waits only on them. The total stays bounded too, far above one destination's share.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

PER_DESTINATION = 64  # in flight to one receiver at once
IN_ALL = 1024  # in flight at once, whatever the destinations (sockets, memory)


def destination(url: str) -> str:
    """The receiver a URL names: scheme, host and port (two ports on one host are two receivers)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url  # aiohttp refuses it soon after; it still gets a slot of its own
    return f"{parts.scheme}://{parts.hostname}:{port or ''}"


class DeliverySlots:
    def __init__(self, per_destination: int = PER_DESTINATION, in_all: int = IN_ALL) -> None:
        self.per_destination = per_destination
        self._all = asyncio.Semaphore(in_all)
        self._by_destination: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}  # deliveries holding or awaiting each destination's slots

    def slot(self, url: str) -> _Slot:
        """Hold one slot of `url`'s destination (and one of the total) for an `async with` block."""
        return _Slot(self, destination(url))

    def _enter(self, key: str) -> asyncio.Semaphore:
        semaphore = self._by_destination.get(key)
        if semaphore is None:
            semaphore = self._by_destination[key] = asyncio.Semaphore(self.per_destination)
        self._users[key] = self._users.get(key, 0) + 1
        return semaphore

    def _leave(self, key: str) -> None:
        self._users[key] -= 1
        if not self._users[key]:  # nobody waits on it: forget it, so destinations do not pile up
            del self._users[key]
            del self._by_destination[key]

    def destinations(self) -> int:
        return len(self._by_destination)


class _Slot:
    """The destination's own slot first: waiting on a silent receiver takes none of the total.

    A class rather than a generator-based context manager: it runs once per delivery attempt.
    """

    __slots__ = ("_key", "_semaphore", "_slots")

    def __init__(self, slots: DeliverySlots, key: str) -> None:
        self._slots = slots
        self._key = key
        self._semaphore: asyncio.Semaphore | None = None

    async def __aenter__(self) -> None:
        semaphore = self._semaphore = self._slots._enter(self._key)
        try:
            await semaphore.acquire()
            try:
                await self._slots._all.acquire()
            except BaseException:
                semaphore.release()
                raise
        except BaseException:
            self._slots._leave(self._key)
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._slots._all.release()
        if self._semaphore is not None:
            self._semaphore.release()
        self._slots._leave(self._key)
