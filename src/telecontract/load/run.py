"""A headless load run: the receiver, the embedded mock, Locust, then thresholds and a report.

`run(plan)` does it all and returns a `LoadReport`; `telecontract load` parses options into a
`LoadPlan` and prints the report. Locust runs as a subprocess (it monkey-patches the process with
gevent), so nothing here imports it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telecontract.credentials import Credentials
from telecontract.errors import UsageError
from telecontract.load import baseline as baseline_module
from telecontract.load import junit, stats_files
from telecontract.load import report as html_report
from telecontract.load import scenarios as scenarios_package
from telecontract.load import thresholds as thresholds_module
from telecontract.load.ledger import read_placed
from telecontract.load.settings import ENV_LEDGER_DIR, ENV_SEED, ENV_SINK_URL, ENV_THRESHOLDS, ENV_VERDICTS
from telecontract.load.storm import Storm
from telecontract.progress import Mode, ProgressDisplay
from telecontract.redaction import redact_url_credentials
from telecontract.server import free_port, serve_in_thread, wait_until_serving
from telecontract.sink import SinkConfig, create_sink
from telecontract.sink.store import read_deliveries, tally
from telecontract.spec import ENV_SPEC, use_spec

DEFAULT_THRESHOLDS = {
    "callbacks": "fail_ratio<0.01;lost_callbacks==0",
    "callback_storm": "fail_ratio<0.01;invalid_answers==0;timeouts==0",
}
STORM = "callback_storm"
# Callbacks of the run's last calls may still be queued at the target when Locust stops.
CALLBACK_GRACE_SECONDS = 30.0
RUN_TIME = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


SCENARIOS = Path(scenarios_package.__file__).resolve().parent


def known_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIOS.glob("*.py") if not p.stem.startswith("_"))


def find_scenario(name: str) -> Path:
    """A shipped scenario by name, or a locustfile of the user's own by path."""
    if name.endswith(".py") or "/" in name:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"Locustfile not found: {name}", hint="Give a path to a .py file, or a scenario name.")
        return path
    candidate = SCENARIOS / f"{name}.py"
    if name in known_scenarios():
        return candidate
    raise UsageError(f"No load scenario named {name!r}.", hint=f"Known scenarios: {', '.join(known_scenarios())}.")


def _start_mock(port: int, sink_url: str, defects: tuple[str, ...], spec: Path | None) -> subprocess.Popen[bytes]:
    args = [
        sys.executable,
        "-m",
        "telecontract.cli",
        "mock",
        "--port",
        str(port),
        "--time-scale",
        "0.01",
        "--voice-event-url",
        f"{sink_url}/voiceEvent",
    ]
    for defect in defects:
        args += ["--defect", defect]
    if spec is not None:
        args += ["--spec", str(spec)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/")
    except TimeoutError:
        process.kill()
        raise UsageError("The embedded mock did not start within 30 s.") from None
    return process


def _locust_totals(report_dir: Path) -> dict[str, float]:
    for row in stats_files.stats(report_dir):
        if row["Name"] == stats_files.AGGREGATED:
            return {
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
            }
    return {}


def _per_name(report_dir: Path) -> dict[str, dict[str, float]]:
    """Each request name's figures from Locust's stats CSV (a storm's names are the callback kinds)."""
    return {
        row["Name"]: {
            "requests": float(row["Request Count"]),
            "failures": float(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
        }
        for row in stats_files.stats(report_dir)
        if row["Name"] != stats_files.AGGREGATED
    }


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
        add("--baseline", self.baseline)
        add("--max-regression", self.max_regression)
        add("--report-dir", self.report_dir)
        add("--spec", self.spec)
        return redact_url_credentials(" ".join(shlex.quote(part) for part in parts))  # no user:password from a URL


@dataclass(slots=True)
class LoadReport:
    scenario: str
    target: str
    users: int
    run_time: str
    thresholds: str
    locust: dict[str, float]
    callbacks: dict[str, float]
    locust_exit_code: int
    callback_verdicts: list[thresholds_module.Verdict] = field(default_factory=list)
    report_dir: Path = Path("reports/load")
    per_kind: dict[str, dict[str, float]] = field(default_factory=dict)  # callback_storm: latency per kind
    request_verdicts: list[thresholds_module.Verdict] = field(default_factory=list)  # judged inside Locust
    comparisons: list[baseline_module.Comparison] = field(default_factory=list)
    baseline: Path | None = None
    seed: int | None = None
    command: str = ""

    @property
    def passed(self) -> bool:
        """Locust exits 1 when a request threshold breaks (our Locust plugin); callbacks are judged here."""
        return (
            self.locust_exit_code == 0
            and all(v.passed for v in self.callback_verdicts)
            and not any(c.regressed for c in self.comparisons)
        )

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
            "callbacks": self.callbacks,
            "thresholds": self.thresholds,
            "locust_exit_code": self.locust_exit_code,
            "per_kind": self.per_kind,
            "passed": self.passed,
            "request_thresholds": [v.to_dict() for v in self.request_verdicts],
            "callback_thresholds": [v.to_dict() for v in self.callback_verdicts],
            "baseline": {
                "file": str(self.baseline) if self.baseline else None,
                "comparisons": [c.to_dict() for c in self.comparisons],
            },
            "seed": self.seed,
            "command": self.command,
        }


def run(plan: LoadPlan) -> LoadReport:
    """Run the plan headless; writes Locust's HTML and CSV and summary.json into its report dir."""
    locustfile = find_scenario(plan.scenario)
    name = Path(plan.scenario).stem
    wanted = plan.thresholds if plan.thresholds is not None else DEFAULT_THRESHOLDS.get(name, "fail_ratio<0.01")
    parsed = thresholds_module.parse(wanted)  # fail fast on a typo, before any load
    seconds = seconds_of(plan.run_time)
    if plan.max_regression and plan.baseline is None:
        raise UsageError("--max-regression compares with a baseline.", hint="Add --baseline PATH/summary.json.")
    earlier = baseline_module.read(plan.baseline) if plan.baseline else None
    limits = baseline_module.parse_limits(plan.max_regression or baseline_module.DEFAULT_MAX_REGRESSION)
    if plan.target_url and plan.defects:
        raise UsageError("--defect only applies to the embedded mock.")
    if (name == STORM) != (plan.storm is not None):
        raise UsageError(
            "callback_storm posts to your receiver, and only it does."
            if plan.storm is not None
            else "callback_storm needs the receiver to post to.",
            hint="telecontract load --scenario callback_storm --receiver-url [KIND=]URL",
        )
    spec = use_spec(plan.spec) if plan.spec else None
    spec_file = plan.spec.resolve() if plan.spec else None
    report_dir = plan.report_dir
    report_dir.mkdir(parents=True, exist_ok=True)
    ledger_dir = report_dir / "ledger"
    for stale in ledger_dir.glob("placed-*.txt"):
        stale.unlink()
    database = report_dir / "deliveries.sqlite3"
    database.unlink(missing_ok=True)
    verdicts_file = report_dir / "thresholds.json"
    for stale in (
        verdicts_file,
        *report_dir.glob(f"{stats_files.PREFIX}_*.csv"),
    ):  # an earlier run's, read for progress
        stale.unlink(missing_ok=True)
    target_url = plan.target_url
    with ExitStack() as stack:
        sink_url = ""  # a storm posts to the team's receiver, not ours
        if plan.storm is None:
            sink_config = SinkConfig(credentials=Credentials.from_env(), database=database)
            sink_url = stack.enter_context(serve_in_thread(create_sink(sink_config, spec)))
        if plan.storm is not None:
            target_url = next(iter(plan.storm.urls.values()))  # Locust wants a host; the storm posts to full URLs
        elif target_url is None:
            port = free_port()
            mock = _start_mock(port, sink_url, plan.defects, spec_file)
            stack.callback(mock.wait, 10)
            stack.callback(mock.terminate)
            target_url = f"http://127.0.0.1:{port}"
        args = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(locustfile),
            "--headless",
            "-u",
            str(plan.users),
            "-r",
            str(plan.spawn_rate),
            "-t",
            plan.run_time,
            "--host",
            target_url,
            "--only-summary",
            "--csv",
            str(report_dir / stats_files.PREFIX),
            "--html",
            str(report_dir / "locust.html"),
        ]
        if plan.processes:
            args += ["--processes", str(plan.processes)]
        env = os.environ | {
            ENV_SINK_URL: sink_url,
            ENV_LEDGER_DIR: str(ledger_dir),
            ENV_THRESHOLDS: wanted,
            ENV_VERDICTS: str(verdicts_file),
        }
        if plan.seed is not None:
            env[ENV_SEED] = str(plan.seed)
        if plan.storm is not None:
            env |= plan.storm.to_env()
        if spec_file is not None:
            env[ENV_SPEC] = str(spec_file)  # the locustfiles check responses against it
        display = ProgressDisplay(seconds, unit="s", mode=plan.progress)
        try:
            locust_exit = _run_locust(args, env, report_dir, display)
            if plan.storm is None:
                display.update(seconds, phase="waiting for the last callbacks")
            callbacks = _callback_metrics(database, ledger_dir)
        finally:
            display.close()
    verdicts = thresholds_module.evaluate(
        [t for t in parsed if t.metric in thresholds_module.CALLBACK_METRICS], stats=None, callbacks=callbacks
    )
    totals = _locust_totals(report_dir)
    report = LoadReport(
        scenario=plan.scenario,
        target=redact_url_credentials(target_url),  # reports and summary.json: no user:password
        users=plan.users,
        run_time=plan.run_time,
        thresholds=wanted,
        locust=totals,
        callbacks=callbacks,
        locust_exit_code=locust_exit,
        callback_verdicts=verdicts,
        report_dir=report_dir,
        per_kind={
            kind: figures
            for kind, figures in _per_name(report_dir).items()
            if plan.storm is not None and kind in plan.storm.urls
        },
        request_verdicts=_request_verdicts(verdicts_file),
        comparisons=baseline_module.compare(totals, earlier, limits) if earlier is not None else [],
        baseline=plan.baseline,
        seed=plan.seed,
        command=plan.command(),
    )
    (report_dir / "summary.json").write_text(json.dumps(report.to_dict(), indent=2))
    html_report.write(report_dir / "report.html", report)
    junit.write(report_dir / "junit.xml", report)
    return report


def seconds_of(run_time: str) -> float:
    """Locust's run time (30s, 5m, 1h30m, or plain seconds) in seconds; anything else is a usage error."""
    text = run_time.strip().lower()
    if text.isdigit():
        return float(text)
    parts = RUN_TIME.fullmatch(text)
    if not parts or not text:
        raise UsageError(f"Cannot read --run-time {run_time!r}.", hint="Use e.g. 30s, 5m, 1h30m.")
    hours, minutes, secs = (float(p) if p else 0.0 for p in parts.groups())
    return hours * 3600 + minutes * 60 + secs


def _run_locust(args: list[str], env: dict[str, str], report_dir: Path, display: ProgressDisplay) -> int:
    """Locust headless, with its running figures (from the stats history it writes each second) shown."""
    process = subprocess.Popen(args, env=env)
    started = time.monotonic()
    while True:
        figures = (stats_files.history(report_dir) or [{}])[-1]
        detail = (
            f"{figures.get('Total Request Count', '0')} requests, {float(figures.get('Requests/s') or 0):.0f}/s, "
            f"{figures.get('Total Failure Count', '0')} failed, {figures.get('User Count', '0')} users"
            if figures
            else "starting"
        )
        display.update(min(time.monotonic() - started, display.total), phase="load", detail=detail)
        try:
            return process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            continue


def _request_verdicts(path: Path) -> list[thresholds_module.Verdict]:
    """The request thresholds as the Locust process judged them (none if it never got that far)."""
    try:
        return [thresholds_module.Verdict.from_dict(item) for item in json.loads(path.read_text())]
    except (OSError, ValueError):
        return []


def _callback_metrics(database: Path, ledger_dir: Path) -> dict[str, float]:
    placed = read_placed(ledger_dir) if ledger_dir.exists() else set()
    if not placed:
        return {}
    # The last calls of the run still have callbacks in flight: wait until they land or time runs out.
    deadline = time.monotonic() + CALLBACK_GRACE_SECONDS
    while True:
        stored = tally(database)
        lost = placed - stored.accepted_references
        if not lost or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return {
        "placed": len(placed),
        "stored": stored.unique_accepted,
        "lost_callbacks": len(lost),
        "duplicate_callbacks": stored.duplicates,
        **_delivery_timing(database),
    }


def _delivery_timing(database: Path) -> dict[str, float]:
    """Deliveries/s, and end-to-end delay of Voice v1 callbacks: payload status time to stored on disk."""
    delays, received = [], []
    for delivery in read_deliveries(database, webhook="voiceTransactionCallback"):
        received.append(delivery.received_at)
        try:
            updated = json.loads(delivery.body)["status"]["updated_on"]
            sent = datetime.strptime(updated, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
        except (KeyError, ValueError, TypeError):
            continue
        delays.append((delivery.received_at - sent) * 1000)
    if not delays:
        return {}
    delays.sort()
    span = max(received) - min(received)
    return {
        "deliveries_per_s": round(len(received) / span, 1) if span > 0 else float(len(received)),
        "delay_p50_ms": round(delays[len(delays) // 2], 1),
        "delay_p99_ms": round(delays[min(len(delays) - 1, int(len(delays) * 0.99))], 1),
    }
