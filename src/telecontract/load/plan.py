"""A load run as asked for: `LoadPlan` (what `telecontract load` parses its options into).

`load.preflight` checks it, `load.run` runs it; `command()` spells it back out as the command
that repeats the run.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from telecontract.load.storm import Storm
from telecontract.progress import Mode
from telecontract.redaction import redact_url_credentials


@dataclass(frozen=True, slots=True)
class LoadPlan:
    scenario: str  # a shipped scenario's name, or the path of a locustfile
    users: int = 10
    spawn_rate: float = 10.0
    run_time: str = "30s"
    target_url: str | None = None  # None: the embedded mock
    thresholds: str | None = None  # None: the scenario's default
    processes: int | None = None
    defects: tuple[str, ...] = ()
    report_dir: Path = Path("reports/load")
    spec: Path | None = None
    storm: Storm | None = None  # callback_storm: the receiver's URLs and what to send
    baseline: Path | None = None  # an earlier run's summary.json to compare with
    max_regression: str | None = None  # e.g. "p95=10%,rps=10%" (default with a baseline: DEFAULT_MAX_REGRESSION)
    seed: int | None = None
    progress: Mode = "auto"
    # Against --target-url, the live-run guard's limits (as the gate's): numbers, calls, budget, pace.
    numbers_file: Path | None = None
    numbers: tuple[str, ...] | None = None
    allow_calls: bool = False
    max_requests: int | None = None
    rate_limit: str | None = None

    def command(self) -> str:
        """The `telecontract load` command that repeats this run, every setting spelled out."""
        parts = ["telecontract", "load", "--scenario", self.scenario, "--users", str(self.users)]
        parts += ["--spawn-rate", f"{self.spawn_rate:g}", "--run-time", self.run_time]

        def add(flag: str, value: object) -> None:
            if value is not None and value != "":
                parts.extend([flag, str(value)])

        add("--seed", self.seed)
        add("--target-url", self.target_url)
        add("--thresholds", self.thresholds)
        add("--processes", self.processes)
        for defect in self.defects:
            add("--defect", defect)
        if self.storm is not None:
            for kind, url in sorted(self.storm.urls.items()):
                add("--receiver-url", f"{kind}={url}")
            for kind, weight in sorted(self.storm.weights.items()):
                add("--kind-weight", f"{kind}={weight:g}")
            add("--duplicates", f"{self.storm.duplicates:g}")
            add("--out-of-order", f"{self.storm.out_of_order:g}")
            add("--time-scale", f"{self.storm.time_scale:g}")
            add("--receiver-timeout", f"{self.storm.timeout:g}")
        add("--numbers", self.numbers_file)
        if self.allow_calls:
            parts.append("--allow-calls")
        add("--max-requests", self.max_requests)
        add("--rate-limit", self.rate_limit)
        add("--baseline", self.baseline)
        add("--max-regression", self.max_regression)
        add("--report-dir", self.report_dir)
        add("--spec", self.spec)
        return redact_url_credentials(" ".join(shlex.quote(part) for part in parts))  # no user:password from a URL
