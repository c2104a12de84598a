"""What Locust counted in a run, as it counted it: the figures every verdict and report is built from.

Locust's hook (`load/hooks/final_figures.py`) writes them from `environment.stats` when Locust
quits, after the summary table is printed, so summary.json, report.html, the thresholds and the
baseline see the numbers of that table. The CSV files Locust flushes on a timer lag behind the
end of the run and are only read for the plots over time.

No Locust import here: the CLI reads these figures, and importing Locust patches the process.
The percentile and rate formulas are Locust's own (`locust.stats`), so a threshold on p95 judges
the p95 Locust prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telecontract.internals import error_rows, request_rows

AGGREGATED = "Aggregated"


@dataclass(frozen=True, slots=True)
class Figures:
    """One row of Locust's table: a request name and method, or the aggregate."""

    name: str
    method: str = ""
    requests: int = 0
    failures: int = 0
    none_requests: int = 0  # requests fired without a response time (excluded from latency)
    total_response_time: float = 0.0
    min_response_time: float | None = None
    max_response_time: float = 0.0
    response_times: dict[int, int] = field(default_factory=dict)  # rounded ms -> how many

    @property
    def fail_ratio(self) -> float | None:
        return self.failures / self.requests if self.requests else None

    @property
    def avg(self) -> float | None:
        timed = self.requests - self.none_requests
        return self.total_response_time / timed if timed > 0 else None

    def percentile(self, percent: float) -> int | None:
        """Locust's `calculate_response_time_percentile` (percent in 0-1); None without a timed request."""
        timed = self.requests - self.none_requests
        if timed <= 0 or not self.response_times:
            return None
        wanted = int(timed * percent)
        processed = 0
        for response_time in sorted(self.response_times, reverse=True):
            processed += self.response_times[response_time]
            if timed - processed <= wanted:
                return response_time
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "requests": self.requests,
            "failures": self.failures,
            "none_requests": self.none_requests,
            "total_response_time": self.total_response_time,
            "min_response_time": self.min_response_time,
            "max_response_time": self.max_response_time,
            "response_times": {str(ms): count for ms, count in sorted(self.response_times.items())},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figures:
        return cls(
            name=str(data["name"]),
            method=str(data.get("method") or ""),
            requests=int(data.get("requests", 0)),
            failures=int(data.get("failures", 0)),
            none_requests=int(data.get("none_requests", 0)),
            total_response_time=float(data.get("total_response_time", 0.0)),
            min_response_time=data.get("min_response_time"),
            max_response_time=float(data.get("max_response_time") or 0.0),
            response_times={int(ms): int(count) for ms, count in (data.get("response_times") or {}).items()},
        )


@dataclass(frozen=True, slots=True)
class ErrorCount:
    """One row of Locust's error report."""

    name: str
    method: str
    error: str
    occurrences: int


@dataclass(frozen=True, slots=True)
class FinalStats:
    total: Figures = field(default_factory=lambda: Figures(AGGREGATED))
    entries: tuple[Figures, ...] = ()
    errors: tuple[ErrorCount, ...] = ()
    start_time: float | None = None  # Locust's stats start and last request, for its requests/s
    last_request_timestamp: float | None = None

    def entry(self, name: str) -> Figures | None:
        """The row of a request name (any method): a threshold names requests, not methods."""
        rows = [e for e in self.entries if e.name == name]
        if len(rows) <= 1:
            return rows[0] if rows else None
        return _merged(name, rows)

    def rps(self, figures: Figures) -> float:
        """Locust's `total_rps`: requests over the time from the first request to the last."""
        if not self.start_time or not self.last_request_timestamp:
            return 0.0
        span = self.last_request_timestamp - self.start_time
        return figures.requests / span if span > 0 else 0.0

    def summary(self, figures: Figures | None = None) -> dict[str, float | None]:
        """The figures summary.json and the baseline use; latencies are None when nothing was timed."""
        row = figures or self.total
        return {
            "requests": float(row.requests),
            "failures": float(row.failures),
            "rps": round(self.rps(row), 2),
            "p50_ms": _float(row.percentile(0.5)),
            "p95_ms": _float(row.percentile(0.95)),
            "p99_ms": _float(row.percentile(0.99)),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total.to_dict(),
            "entries": [e.to_dict() for e in self.entries],
            "errors": [
                {"name": e.name, "method": e.method, "error": e.error, "occurrences": e.occurrences}
                for e in self.errors
            ],
            "start_time": self.start_time,
            "last_request_timestamp": self.last_request_timestamp,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FinalStats:
        return cls(
            total=Figures.from_dict(data["total"]),
            entries=tuple(Figures.from_dict(e) for e in data.get("entries", [])),
            errors=tuple(
                ErrorCount(str(e["name"]), str(e.get("method") or ""), str(e["error"]), int(e["occurrences"]))
                for e in data.get("errors", [])
            ),
            start_time=data.get("start_time"),
            last_request_timestamp=data.get("last_request_timestamp"),
        )


def from_locust(stats: Any) -> FinalStats:
    """Locust's `RequestStats` (read by attribute: no Locust import) as figures."""
    return FinalStats(
        total=_row(stats.total),
        entries=tuple(_row(entry) for entry in request_rows(stats)),
        errors=tuple(
            ErrorCount(str(e.name), str(e.method or ""), _error_text(e), int(e.occurrences)) for e in error_rows(stats)
        ),
        start_time=stats.total.start_time,
        last_request_timestamp=stats.total.last_request_timestamp,
    )


def write(path: Path, stats: FinalStats) -> None:
    temporary = path.with_suffix(".partial")
    temporary.write_text(json.dumps(stats.to_dict()), encoding="utf-8")
    temporary.replace(path)  # whole or absent: the CLI reads absence as "Locust did not finish"


def read(path: Path) -> FinalStats | None:
    """The figures Locust's hook wrote, or None when it never got there (Locust did not finish)."""
    try:
        return FinalStats.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def _row(entry: Any) -> Figures:
    return Figures(
        name=str(entry.name),
        method=str(entry.method or ""),
        requests=int(entry.num_requests),
        failures=int(entry.num_failures),
        none_requests=int(entry.num_none_requests),
        total_response_time=float(entry.total_response_time),
        min_response_time=entry.min_response_time,
        max_response_time=float(entry.max_response_time or 0),
        response_times={int(ms): int(count) for ms, count in entry.response_times.items()},
    )


def _error_text(error: Any) -> str:
    """The error as Locust's error report prints it (CatchResponseError unwrapped), without the request."""
    to_name = getattr(error, "to_name", None)
    if not callable(to_name):
        return str(error.error)
    return str(to_name()).removeprefix(f"{error.method} {error.name}: ")


def _merged(name: str, rows: list[Figures]) -> Figures:
    times: dict[int, int] = {}
    for row in rows:
        for ms, count in row.response_times.items():
            times[ms] = times.get(ms, 0) + count
    minimums = [r.min_response_time for r in rows if r.min_response_time is not None]
    return Figures(
        name=name,
        method=",".join(r.method for r in rows),
        requests=sum(r.requests for r in rows),
        failures=sum(r.failures for r in rows),
        none_requests=sum(r.none_requests for r in rows),
        total_response_time=sum(r.total_response_time for r in rows),
        min_response_time=min(minimums) if minimums else None,
        max_response_time=max(r.max_response_time for r in rows),
        response_times=times,
    )


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)
