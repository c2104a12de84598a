"""Everything the mock remembers between requests. One instance per running mock."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from telecontract.auth import NonceCache
from telecontract.mock.config import MockConfig
from telecontract.mock.pools import Lease, NumberPool
from telecontract.spec import Spec

RETENTION_SECONDS = 24 * 3600  # provider time a finished session or call stays readable
SWEEP_EVERY = 20_000  # creations between sweeps


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
        self.delivery_slots = asyncio.Semaphore()  # replaced with the client, inside the loop
        self.dropped_callbacks = 0
        # Every delivery attempt, newest last (bounded: a long load run must stay flat in memory).
        self.sent: deque[SentCallback] = deque(maxlen=10_000)
        self._created = 0
        # Moved on by the carrier simulator's clock (POST /_sim/clock), so expiry is testable fast.
        self.clock_offset = 0.0

    def now(self) -> float:
        """The mock's wall clock for session lifetimes: real time, plus what the simulator advanced."""
        return time.time() + self.clock_offset

    def forget_old(self, now: float) -> None:
        """Drop sessions and calls that ended more than RETENTION ago, so a long run stays flat in memory.

        Like the provider, the mock then answers 404 for such a reference.
        """
        horizon = now - self.scaled(RETENTION_SECONDS)
        self.masked_sessions = {k: s for k, s in self.masked_sessions.items() if s.lease.expires_at > horizon}
        self.voice_calls = {k: c for k, c in self.voice_calls.items() if c.completes_at > horizon}
        self.dial_calls = {k: c for k, c in self.dial_calls.items() if c.live or c.created_at > horizon}

    def note_created(self, now: float) -> None:
        self._created += 1
        if self._created % SWEEP_EVERY == 0:
            self.forget_old(now)

    def scaled(self, seconds: float) -> float:
        """A provider-side delay in real seconds."""
        return seconds * self.config.time_scale
