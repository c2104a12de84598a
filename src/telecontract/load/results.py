"""What a load run came to: Locust's figures, the verdicts on them and what kept the run from
meaning something; `summary.json`, `report.html` and `junit.xml` are written from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telecontract.load import baseline as baseline_module
from telecontract.load import thresholds as thresholds_module
from telecontract.load.figures import FinalStats


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a run cannot pass, apart from its thresholds and baseline."""

    name: str  # the JUnit test case
    message: str
    broken: bool = False  # the run itself did not work (no figures): exit 2, not a verdict on the target


@dataclass(slots=True)
class LoadReport:
    scenario: str
    target: str
    users: int
    run_time: str
    thresholds: str
    locust: dict[str, float | None]  # the aggregate, as Locust's table counts it
    callbacks: dict[str, float]
    locust_exit_code: int
    callback_verdicts: list[thresholds_module.Verdict] = field(default_factory=list)
    report_dir: Path = Path("reports/load")
    per_kind: dict[str, dict[str, float | None]] = field(default_factory=dict)  # callback_storm: per kind
    request_verdicts: list[thresholds_module.Verdict] = field(default_factory=list)
    comparisons: list[baseline_module.Comparison] = field(default_factory=list)
    baseline: Path | None = None
    seed: int | None = None
    command: str = ""
    stats: FinalStats = field(default_factory=FinalStats)
    problems: list[Problem] = field(default_factory=list)
    guard: list[str] = field(default_factory=list)  # against --target-url: what the live-run guard sent, refused

    @property
    def passed(self) -> bool:
        """Every threshold and baseline figure holds, and nothing kept the run from meaning something."""
        return (
            not self.problems
            and all(v.passed for v in self.verdicts)
            and not any(c.regressed for c in self.comparisons)
        )

    @property
    def broken(self) -> bool:
        """Locust did not get as far as counting: no verdict on the target can be made."""
        return any(p.broken for p in self.problems)

    @property
    def verdicts(self) -> list[thresholds_module.Verdict]:
        return [*self.request_verdicts, *self.callback_verdicts]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "target": self.target,
            "users": self.users,
            "run_time": self.run_time,
            "locust": self.locust,
            "per_request": {f"{row.method} {row.name}".strip(): self.stats.summary(row) for row in self.stats.entries},
            "callbacks": self.callbacks,
            "thresholds": self.thresholds,
            "locust_exit_code": self.locust_exit_code,
            "per_kind": self.per_kind,
            "passed": self.passed,
            "problems": [p.message for p in self.problems],
            "live_run_guard": self.guard,
            "request_thresholds": [v.to_dict() for v in self.request_verdicts],
            "callback_thresholds": [v.to_dict() for v in self.callback_verdicts],
            "baseline": {
                "file": str(self.baseline) if self.baseline else None,
                "comparisons": [c.to_dict() for c in self.comparisons],
            },
            "seed": self.seed,
            "command": self.command,
        }


def problems_of(stats: FinalStats | None, locust_exit: int) -> list[Problem]:
    """Why the run cannot pass whatever its thresholds say: no figures, Locust's own failure, nothing sent."""
    if stats is None:
        return [
            Problem(
                "locust run",
                f"Locust exited {locust_exit} before it counted anything: no figures to judge "
                "(its own output above says why)",
                broken=True,
            )
        ]
    problems = []
    if locust_exit != 0:  # with --exit-code-on-error 0: an unhandled error, or the locustfile's own exit code
        problems.append(Problem("locust exit code", f"Locust exited {locust_exit} (its own output above says why)"))
    if stats.total.requests == 0:
        problems.append(Problem("requests sent", "no request was sent: the run checked nothing"))
    return problems
