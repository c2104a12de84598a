"""Pass/fail thresholds for load runs, k6-style, evaluated on what Locust counted (`load.figures`).

p95<200                 95th percentile of all requests under 200 ms
p99[create_sms_session]<300   per request name
fail_ratio<0.01         share of failed requests
rps>50                  sustained requests per second
requests[call_events_in_order]>0   how many requests (or checked journeys) there were
lost_callbacks==0       callbacks acknowledged by the target's receiver but never stored
duplicate_callbacks<=5  (these two are evaluated by `telecontract load`, which owns the receiver)
invalid_answers==0      callback_storm: Voice v2 events answered with something that is not a valid action
timeouts==0             callback_storm: deliveries the receiver did not answer within the provider's timeout

A threshold is parsed once and kept as a value; its limit is shown as the user spelt it, for
display only, so a limit like 0.00001 never goes through `%g` and back.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from telecontract.errors import UsageError
from telecontract.load.figures import FinalStats

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}
SYNTAX = re.compile(
    r"^\s*(?P<metric>[a-z_]+[0-9]*)(\[(?P<name>[^\]]+)\])?\s*(?P<op><=|>=|==|<|>)\s*"
    r"(?P<limit>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*$"
)
METRICS = re.compile(
    r"^(p\d{1,2}|fail_ratio|rps|avg|requests|lost_callbacks|duplicate_callbacks|invalid_answers|timeouts)$"
)
CALLBACK_METRICS = frozenset({"lost_callbacks", "duplicate_callbacks"})
# Failures counted by what they say (the callback_storm scenario words its failures this way).
FAILURE_METRICS = {"invalid_answers": "invalid answer:", "timeouts": "timeout:"}
EXAMPLES = "p95<200, p99[create_sms_session]<300, fail_ratio<0.01, rps>50, lost_callbacks==0"


@dataclass(frozen=True, slots=True)
class Threshold:
    metric: str
    name: str | None
    op: str
    limit: float
    limit_text: str = ""  # the limit as the user wrote it; empty: spelt from the value
    why: str | None = None  # a scenario's own check: what a breach means

    def __str__(self) -> str:
        where = f"[{self.name}]" if self.name else ""
        return f"{self.metric}{where}{self.bound}"

    @property
    def bound(self) -> str:
        """The operator and the limit, as written: <0.00001."""
        return f"{self.op}{self.limit_text or shown(self.limit)}"

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
        measured = "no data" if self.value is None else shown(self.value)
        state = "ok" if self.passed else "BREACHED"
        because = f" ({self.threshold.why})" if self.threshold.why and not self.passed else ""
        return f"threshold {self.threshold} {state}: measured {measured}, limit {self.threshold.bound}{because}"

    def to_dict(self) -> dict[str, object]:
        return {"threshold": str(self.threshold), "value": self.value, "passed": self.passed}


def parse(text: str) -> list[Threshold]:
    """Thresholds separated by `;` or `,` (or given one per flag); anything unreadable is a usage error."""
    thresholds = []
    for part in re.split(r"[;,]", text):
        if not part.strip():
            continue
        match = SYNTAX.match(part)
        if not match or not METRICS.match(match["metric"]):
            raise UsageError(
                f"Cannot read threshold {part.strip()!r}.",
                hint=f"Write METRIC[request name]OP NUMBER with a plain decimal number, e.g. {EXAMPLES}.",
            )
        metric, percentile = match["metric"], match["metric"][1:]
        if metric.startswith("p") and percentile.isdigit() and not 1 <= int(percentile) <= 99:
            raise UsageError(f"Threshold {part.strip()!r}: percentiles go from p1 to p99.", hint=f"e.g. {EXAMPLES}.")
        thresholds.append(
            Threshold(metric, match["name"], match["op"], float(match["limit"]), limit_text=match["limit"])
        )
    return thresholds


def measure(threshold: Threshold, stats: FinalStats, callbacks: Mapping[str, float] | None = None) -> float | None:
    """The measured value for a threshold (None: no data, which is never a pass)."""
    if threshold.metric in CALLBACK_METRICS:
        return None if callbacks is None else callbacks.get(threshold.metric)
    if threshold.metric == "requests":
        entry = stats.total if threshold.name is None else stats.entry(threshold.name)
        return float(entry.requests if entry else 0)
    if stats.total.requests == 0:
        return None  # nothing was sent: no failure count, latency or rate says anything
    if threshold.metric in FAILURE_METRICS:
        words = FAILURE_METRICS[threshold.metric]
        return float(
            sum(
                e.occurrences
                for e in stats.errors
                if words in e.error and (threshold.name is None or e.name == threshold.name)
            )
        )
    entry = stats.total if threshold.name is None else stats.entry(threshold.name)
    if entry is None or entry.requests == 0:
        return None
    if threshold.metric.startswith("p"):
        value = entry.percentile(int(threshold.metric[1:]) / 100)
        return None if value is None else float(value)
    if threshold.metric == "rps":
        return stats.rps(entry)
    return entry.fail_ratio if threshold.metric == "fail_ratio" else entry.avg


def evaluate(
    thresholds: list[Threshold], stats: FinalStats, callbacks: Mapping[str, float] | None = None
) -> list[Verdict]:
    return [Verdict(t, measure(t, stats, callbacks)) for t in thresholds]


def shown(value: float) -> str:
    """A number as people read it, never in exponent notation (0.00001, not 1e-05)."""
    text = f"{value:.6g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
