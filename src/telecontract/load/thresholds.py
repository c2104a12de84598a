"""Pass/fail thresholds for load runs, k6-style, evaluated on Locust's own statistics.

p95<200                 95th percentile of all requests under 200 ms
p99[create_sms_session]<300   per request name
fail_ratio<0.01         share of failed requests
rps>50                  sustained requests per second
lost_callbacks==0       callbacks acknowledged by the target's receiver but never stored
duplicate_callbacks<=5  (these two are evaluated by `telecontract load`, which owns the receiver)
invalid_answers==0      callback_storm: Voice v2 events answered with something that is not a valid action
timeouts==0             callback_storm: deliveries the receiver did not answer within the provider's timeout
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from telecontract.errors import UsageError

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}
SYNTAX = re.compile(
    r"^\s*(?P<metric>[a-z_]+[0-9]*)(\[(?P<name>[^\]]+)\])?\s*(?P<op><=|>=|==|<|>)\s*(?P<limit>[0-9.]+)\s*$"
)
METRICS = re.compile(r"^(p\d{1,2}|fail_ratio|rps|avg|lost_callbacks|duplicate_callbacks|invalid_answers|timeouts)$")
CALLBACK_METRICS = frozenset({"lost_callbacks", "duplicate_callbacks"})
# Failures counted by what they say (the callback_storm scenario words its failures this way).
FAILURE_METRICS = {"invalid_answers": "invalid answer:", "timeouts": "timeout:"}


@dataclass(frozen=True, slots=True)
class Threshold:
    metric: str
    name: str | None
    op: str
    limit: float

    def __str__(self) -> str:
        where = f"[{self.name}]" if self.name else ""
        return f"{self.metric}{where}{self.op}{self.limit:g}"

    def holds(self, value: float) -> bool:
        return OPERATORS[self.op](value, self.limit)


@dataclass(frozen=True, slots=True)
class Verdict:
    threshold: Threshold
    value: float | None

    @property
    def passed(self) -> bool:
        return self.value is not None and self.threshold.holds(self.value)

    def line(self) -> str:
        measured = "no data" if self.value is None else f"{self.value:g}"
        state = "ok" if self.passed else "BREACHED"
        limit = f"{self.threshold.op}{self.threshold.limit:g}"
        return f"threshold {self.threshold} {state}: measured {measured}, limit {limit}"

    def to_dict(self) -> dict[str, object]:
        return {"threshold": str(self.threshold), "value": self.value, "passed": self.passed}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Verdict:
        (threshold,) = parse(str(data["threshold"]))
        value = data.get("value")
        return cls(threshold, float(value) if isinstance(value, int | float) else None)


def parse(text: str) -> list[Threshold]:
    """Thresholds separated by `;` or `,` (or given one per flag)."""
    thresholds = []
    for part in re.split(r"[;,]", text):
        if not part.strip():
            continue
        match = SYNTAX.match(part)
        if not match or not METRICS.match(match["metric"]):
            raise UsageError(
                f"Cannot read threshold {part.strip()!r}.",
                hint="Use e.g. p95<200, p99[create_sms_session]<300, fail_ratio<0.01, rps>50, lost_callbacks==0.",
            )
        thresholds.append(Threshold(match["metric"], match["name"], match["op"], float(match["limit"])))
    return thresholds


def measure(threshold: Threshold, stats: object, callbacks: Mapping[str, float] | None = None) -> float | None:
    """The measured value for a threshold from Locust's RequestStats (or the callback counts)."""
    if threshold.metric in CALLBACK_METRICS:
        return None if callbacks is None else callbacks.get(threshold.metric)
    if threshold.metric in FAILURE_METRICS:
        return float(_failures_saying(stats, FAILURE_METRICS[threshold.metric], threshold.name))
    entry = _entry(stats, threshold.name)
    if entry is None or entry.num_requests == 0:
        return None
    if threshold.metric.startswith("p"):
        return float(entry.get_response_time_percentile(int(threshold.metric[1:]) / 100))
    return {"fail_ratio": entry.fail_ratio, "rps": entry.total_rps, "avg": entry.avg_response_time}[threshold.metric]


def _failures_saying(stats: object, words: str, name: str | None) -> int:
    errors = stats.errors.values()  # type: ignore[attr-defined]
    return sum(e.occurrences for e in errors if words in str(e.error) and (name is None or e.name == name))


def _entry(stats: object, name: str | None) -> object | None:
    if name is None:
        return stats.total  # type: ignore[attr-defined]
    for (entry_name, _method), entry in stats.entries.items():  # type: ignore[attr-defined]
        if entry_name == name:
            return entry
    return None


def evaluate(thresholds: list[Threshold], stats: object, callbacks: Mapping[str, float] | None = None) -> list[Verdict]:
    return [Verdict(t, measure(t, stats, callbacks)) for t in thresholds]
