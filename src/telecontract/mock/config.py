"""What a mock instance is told at start: accounts, clock speed, defects, number pools."""

from __future__ import annotations

from dataclasses import dataclass, field

from telecontract.credentials import Credentials
from telecontract.documents import DEFAULT_VALIDITY_UNIT, VALIDITY_UNITS
from telecontract.limits import BODY_DEADLINE_SECONDS, MAX_BODY_BYTES


def _range(prefix: str, count: int) -> tuple[str, ...]:
    width = len(str(count - 1))
    return tuple(f"{prefix}{i:0{width}d}" for i in range(count))


def default_sms_pools() -> dict[str, tuple[str, ...]]:
    """SMS-only masked ids per country (ISO2)."""
    return {
        "US": _range("1646774", 10_000),
        "GB": _range("4477009", 10_000),
        "RS": _range("38167111", 10_000),
    }


def default_dual_pools() -> dict[str, tuple[str, ...]]:
    """SMS-and-voice masked ids per country (ISO2)."""
    return {
        "US": _range("1332555", 10_000),
        "GB": _range("4477008", 10_000),
        "RS": _range("38167222", 10_000),
    }


@dataclass(slots=True)
class MockConfig:
    credentials: Credentials
    # Multiplies every provider-side delay (call progress, retries, expiry); 0.001 makes 10 s 10 ms.
    time_scale: float = 1.0
    defects: frozenset[str] = frozenset()
    # Conforming variations a real provider may show (telecontract.mock.quirks).
    quirks: frozenset[str] = frozenset()
    # The unit of validity_period, set per account; hours by default, as the documents' example shows.
    validity_unit: str = DEFAULT_VALIDITY_UNIT
    # Where Voice v2 events go; None means calls progress without events.
    voice_event_url: str | None = None
    sms_pools: dict[str, tuple[str, ...]] = field(default_factory=default_sms_pools)
    dual_pools: dict[str, tuple[str, ...]] = field(default_factory=default_dual_pools)
    vts_numbers: tuple[str, ...] = field(default_factory=lambda: tuple("+" + n for n in _range("1220555", 10_000)))
    # Numbers refused with 2706 (provider blocklist) and 2707 (customer blocklist).
    provider_blocklist: frozenset[str] = frozenset({"15550000666"})
    customer_blocklist: frozenset[str] = frozenset({"15550000777"})
    # The mock is the only thing in its process (`telecontract mock`), so it may tune the process's
    # garbage collector; never when embedded in someone's test process.
    own_process: bool = False
    # Request bodies: larger ones get 413, slower ones 408 (telecontract.limits).
    max_body_bytes: int = MAX_BODY_BYTES
    body_deadline: float = BODY_DEADLINE_SECONDS
    # The carrier simulator (/_sim/*) moves every account's clock and tells where a masked id
    # leads: it needs the account's credentials unless told it is open.
    open_simulator: bool = False

    def has(self, defect: str) -> bool:
        return defect in self.defects

    @property
    def validity_seconds(self) -> int:
        return VALIDITY_UNITS[self.validity_unit]
