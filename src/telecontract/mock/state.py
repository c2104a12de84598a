"""Everything the mock remembers between requests. One instance per running mock."""

from __future__ import annotations

import asyncio
import gc
import heapq
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from telecontract.auth import NonceCache
from telecontract.mock.config import MockConfig
from telecontract.mock.delivery_slots import DeliverySlots
from telecontract.mock.pools import Lease, NumberPool
from telecontract.spec import Spec

RETENTION_SECONDS = 24 * 3600  # provider time a finished session or call stays readable
FREEZE_EVERY = 2_000  # creations between moving what survived out of the collector's sight
RECLAIM_EVERY = 200_000  # creations between full collections (reclaims frozen cyclic garbage)


def _out_of_the_collectors_sight(*, full: bool) -> None:
    """Sessions and calls live long and hold no cycles (measured: 0 unreachable objects after
    20,000 creations): moved to the permanent generation, the collector stops scanning them
    again and again, which was the mock's p99 under load (a full collection of 1 M objects takes
    ~70 ms; with them frozen, ~0). Refcounting still frees each one that is dropped. Rarely,
    everything is unfrozen and collected once, in case some cyclic garbage was frozen with them.
    """
    if full:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


@dataclass(slots=True)
class MaskedSession:
    reference_id: str
    resource: str
    parties: tuple[str, str]
    masked_ids: tuple[str, str]
    lease: Lease


@dataclass(slots=True)
class VoiceCall:
    """A Voice v1 call: in progress until `completes_at`, then `final_code`."""

    reference_id: str
    phone_number: str
    voice: str
    submitted_at: float
    completes_at: float
    final_code: int
    user_input: str | None
    callback_url: str | None
    external_id: str | None


@dataclass(slots=True)
class DialCall:
    """A Voice v2 call and the events it has produced."""

    reference_id: str
    to: str
    caller_id_number: str
    max_call_duration: int
    created_at: float
    live: bool = True
    answered_at: float | None = None
    events: list[str] = field(default_factory=list)
    queued: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class VtsSession:
    session_uuid: str
    fields: dict[str, Any]
    lease: Lease
    created_at: float
    # When session_expiry started counting: the create, or the last update that set it (as with Plivo).
    expiry_from: float | None = None


@dataclass(frozen=True, slots=True)
class SentCallback:
    """One delivery attempt of a callback or event: where, what, and how the receiver answered."""

    url: str
    body: bytes
    headers: dict[str, str]  # the signature among them
    attempt: int
    status: int | None  # None: no answer (refused, timed out)


class MockState:
    def __init__(self, config: MockConfig, spec: Spec) -> None:
        self.config = config
        self.spec = spec
        self.telesign_keys = {config.credentials.telesign_customer_id: config.credentials.telesign_api_key}
        self.nonces = NonceCache()
        self.sms_pools = {country: NumberPool(numbers) for country, numbers in config.sms_pools.items()}
        self.dual_pools = {country: NumberPool(numbers) for country, numbers in config.dual_pools.items()}
        self.vts_pool = NumberPool(config.vts_numbers)
        self.masked_sessions: dict[str, MaskedSession] = {}
        self.voice_calls: dict[str, VoiceCall] = {}
        self.dial_calls: dict[str, DialCall] = {}
        self.vts_sessions: dict[str, VtsSession] = {}
        # Background work (call progress, callbacks) and the client it sends with.
        self.tasks: set[asyncio.Task[Any]] = set()
        self.http: aiohttp.ClientSession | None = None  # made inside the loop (mock.callbacks.client)
        self.delivery_slots = DeliverySlots()  # replaced with the client, inside the loop
        self.dropped_callbacks = 0
        # Every delivery attempt, newest last (bounded: a long load run must stay flat in memory).
        self.sent: deque[SentCallback] = deque(maxlen=10_000)
        self._forgetting: list[tuple[float, int, str, dict[str, Any]]] = []  # (due, order, key, where)
        self._order = 0
        self._created = 0
        # Moved on by the carrier simulator's clock (POST /_sim/clock), so expiry is testable fast.
        self.clock_offset = 0.0

    def now(self) -> float:
        """The mock's wall clock for session lifetimes: real time, plus what the simulator advanced."""
        return time.time() + self.clock_offset

    def keep(self, collection: dict[str, Any], key: str, ends_at: float) -> None:
        """Remember `collection[key]` until RETENTION after `ends_at`; forget_old drops it then.

        What never ends (a VTS session with session_expiry 0) is kept until deleted, off the heap.
        """
        if ends_at == float("inf"):
            return
        self._order += 1
        heapq.heappush(self._forgetting, (ends_at + self.scaled(RETENTION_SECONDS), self._order, key, collection))

    def forget_old(self, now: float) -> None:
        """Drop sessions and calls that ended more than RETENTION ago, so a long run stays flat in memory.

        Like the provider, the mock then answers 404 for such a reference. A heap ordered by when
        each is due: nothing due costs one comparison (a sweep over every session was the mock's
        worst latency spike once tens of thousands were kept).
        """
        while self._forgetting and self._forgetting[0][0] <= now:
            _, _, key, collection = heapq.heappop(self._forgetting)
            item = collection.get(key)
            if isinstance(item, DialCall) and item.live:
                self.keep(collection, key, now)  # still on the line: look again later
                continue
            if isinstance(item, VtsSession) and not item.lease.released:
                ends = item.lease.expires_at  # an update may have moved the end on since
                if ends + self.scaled(RETENTION_SECONDS) > now:
                    self.keep(collection, key, ends)
                    continue
            collection.pop(key, None)

    def note_created(self, now: float) -> None:
        self.forget_old(now)
        self._created += 1
        if self.config.own_process and self._created % FREEZE_EVERY == 0:
            _out_of_the_collectors_sight(full=self._created % RECLAIM_EVERY == 0)

    def scaled(self, seconds: float) -> float:
        """A provider-side delay in real seconds."""
        return seconds * self.config.time_scale
