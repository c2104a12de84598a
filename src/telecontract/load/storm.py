"""What a callback storm sends: which receiver URLs, how often each kind, how many duplicates.

Read by the `callback_storm` locustfile from one environment variable (JSON), written by
`telecontract load`; no Locust import here, so the CLI can build it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from telecontract.errors import UsageError
from telecontract.load.settings import ENV_STORM
from telecontract.webhooks import PROVIDER_TIMEOUT

# The provider's retry schedule after a failed delivery (the Voice v1 page): 10 s, then 30 s.
RETRY_DELAYS = (10.0, 30.0)


@dataclass(frozen=True, slots=True)
class Storm:
    urls: dict[str, str]  # kind -> the receiver's URL
    weights: dict[str, float] = field(default_factory=dict)  # kind -> relative frequency (default 1 each)
    duplicates: float = 0.05  # share of callbacks delivered a second time, as a provider retry does
    out_of_order: float = 0.05  # share of Voice v2 calls whose call_completed overtakes play_completed
    time_scale: float = 1.0  # multiplies the retry schedule
    timeout: float = PROVIDER_TIMEOUT

    def weight(self, kind: str) -> float:
        return self.weights.get(kind, 1.0)

    def to_env(self) -> dict[str, str]:
        return {ENV_STORM: json.dumps(asdict(self))}

    @classmethod
    def from_env(cls) -> Storm | None:
        raw = os.environ.get(ENV_STORM)
        return cls(**json.loads(raw)) if raw else None


def parse_weights(values: Iterable[str], kinds: Iterable[str]) -> dict[str, float]:
    """`KIND=N` pairs; N a non-negative number."""
    known = list(kinds)
    weights: dict[str, float] = {}
    for value in values:
        kind, sep, number = value.partition("=")
        try:
            weight = float(number)
        except ValueError:
            weight = -1.0
        if not sep or kind not in known or weight < 0:
            raise UsageError(
                f"--kind-weight {value}: expected KIND=N with N >= 0.",
                hint=f"Kinds: {', '.join(known)}; e.g. --kind-weight voiceEvent=3",
            )
        weights[kind] = weight
    return weights


def check_share(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"{name} {value:g}: a share between 0 and 1 is expected.", hint=f"e.g. {name} 0.05")
    return value
