"""A load run against an earlier one: `--baseline summary.json --max-regression p95=10%,rps=10%`.

Latencies and the failure ratio regress when they grow, throughput when it shrinks. Latency and
throughput limits are relative (10% = a tenth of the baseline's figure); `fail_ratio` is in
percentage points, since a baseline of zero failures has no relative change.

Relative limits also have an absolute floor (`FLOORS`): on a fast target 10% of a 1 ms p95 is
less than Locust's resolution (whole milliseconds), so `1ms -> 2ms` would flip the verdict on
jitter. A figure regresses only when it is worse by more than its limit and by more than its floor.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telecontract.errors import UsageError

DEFAULT_MAX_REGRESSION = "p95=10%,rps=10%"
# metric -> (key in summary.json's "locust" figures, True when bigger is worse)
METRICS: dict[str, tuple[str, bool]] = {
    "p50": ("p50_ms", True),
    "p95": ("p95_ms", True),
    "p99": ("p99_ms", True),
    "rps": ("rps", False),
    "fail_ratio": ("fail_ratio", True),
}
UNITS = {"p50": "ms", "p95": "ms", "p99": "ms", "rps": "/s", "fail_ratio": ""}
# The smallest change that can be a regression, in the metric's unit: a few of Locust's whole
# milliseconds (run-to-run jitter on a fast target), one request a second.
FLOORS = {"p50": 5.0, "p95": 5.0, "p99": 5.0, "rps": 1.0}


@dataclass(frozen=True, slots=True)
class Comparison:
    metric: str
    baseline: float
    current: float | None  # None: this run has no such figure (no request was timed), never "ok"
    limit: float  # the fraction allowed (0.1 = 10%; for fail_ratio, 0.01 = one percentage point)

    @property
    def floor(self) -> float:
        """The change always allowed, in the metric's unit (none for fail_ratio: its limit is absolute)."""
        return FLOORS.get(self.metric, 0.0)

    @property
    def bound(self) -> float:
        """The worst figure still allowed: the relative limit, or the floor when that allows more."""
        if self.metric == "fail_ratio":
            return self.baseline + self.limit
        bigger_is_worse = METRICS[self.metric][1]
        if bigger_is_worse:
            return max(self.baseline * (1 + self.limit), self.baseline + self.floor)
        return min(self.baseline * (1 - self.limit), self.baseline - self.floor)

    @property
    def regressed(self) -> bool:
        if self.current is None:
            return True
        bigger_is_worse = METRICS[self.metric][1]
        return self.current > self.bound if bigger_is_worse else self.current < self.bound

    @property
    def change(self) -> str:
        """The change as people read it: +12.5% (or +0.80 pt for the failure ratio)."""
        if self.current is None:
            return "no data"
        if self.metric == "fail_ratio":
            return f"{(self.current - self.baseline) * 100:+.2f} pt"
        if self.baseline == 0:
            return "n/a"
        return f"{(self.current / self.baseline - 1) * 100:+.1f}%"

    def line(self) -> str:
        unit = UNITS[self.metric]
        if self.metric == "fail_ratio":
            allowed = f"{self.limit * 100:g} pt"
        else:
            allowed = f"{self.limit * 100:g}% or {self.floor:g}{unit}, whichever is more"
        verdict = "REGRESSED" if self.regressed else "ok"
        current = "no data" if self.current is None else f"{self.current:g}{unit}"
        return (
            f"baseline {self.metric}: {self.baseline:g}{unit} -> {current} ({self.change}, "
            f"allowed {allowed}): {verdict}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "baseline": self.baseline,
            "current": self.current,
            "change": self.change,
            "limit": self.limit,
            "floor": self.floor,
            "bound": round(self.bound, 6),
            "regressed": self.regressed,
        }


def parse_limits(text: str) -> dict[str, float]:
    """`p95=10%,rps=10%` -> {"p95": 0.1, "rps": 0.1}; anything else is a usage error naming the fix."""
    limits: dict[str, float] = {}
    allowed = ", ".join(METRICS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        metric, _, amount = part.partition("=")
        metric, amount = metric.strip(), amount.strip()
        if metric not in METRICS:
            raise UsageError(f"--max-regression: unknown metric {metric!r} in {part!r}.", hint=f"Metrics: {allowed}.")
        try:
            value = float(amount.removesuffix("%"))
        except ValueError:
            raise UsageError(
                f"--max-regression: {part!r} needs a percentage.", hint="For example p95=10%,rps=5%."
            ) from None
        if value < 0:
            raise UsageError(f"--max-regression: {part!r} is negative.", hint="Give how much worse is allowed.")
        limits[metric] = value / 100
    if not limits:
        raise UsageError("--max-regression is empty.", hint=f"For example {DEFAULT_MAX_REGRESSION}.")
    return limits


def read(path: Path) -> dict[str, float | None]:
    """The figures of an earlier run's summary.json (what `telecontract load` writes)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"Baseline not found: {path}", hint="Point --baseline at an earlier run's summary.json."
        ) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"Baseline {path} is not readable JSON: {exc}") from None
    figures = document.get("locust") if isinstance(document, dict) else None
    if not isinstance(figures, dict) or "requests" not in figures:
        raise UsageError(
            f"Baseline {path} has no load figures.", hint="Use the summary.json of a `telecontract load` run."
        )
    if not figures["requests"] or any(figures.get(key) is None for key, _ in METRICS.values() if key != "fail_ratio"):
        raise UsageError(
            f"Baseline {path} is of a run that sent no request: there is nothing to compare with.",
            hint="Use the summary.json of a run that sent requests.",
        )
    return figures_of(figures)


def figures_of(locust: Mapping[str, float | None]) -> dict[str, float | None]:
    """Locust's totals with the failure ratio added (None when no request was sent)."""
    requests = locust.get("requests") or 0.0
    return {**locust, "fail_ratio": (locust.get("failures") or 0.0) / requests if requests else None}


def compare(
    current: Mapping[str, float | None], baseline: Mapping[str, float | None], limits: dict[str, float]
) -> list[Comparison]:
    now = figures_of(current)
    comparisons = []
    for metric, limit in limits.items():
        key = METRICS[metric][0]
        value = now.get(key)
        comparisons.append(
            Comparison(metric, float(baseline.get(key) or 0.0), None if value is None else float(value), limit)
        )
    return comparisons
