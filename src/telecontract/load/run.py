"""A headless load run: the receiver, the embedded mock, Locust, then thresholds and a report.

`run(plan)` does it all and returns a `LoadReport`; `telecontract load` parses options into a
`LoadPlan` and prints the report. Every setting is checked first (`load.preflight`); then an
earlier run's reports are cleared, Locust runs as a subprocess (it monkey-patches the process with
gevent, so nothing here imports it) and writes what it counted when it quits
(`load/hooks/final_figures.py`). The verdict is made here, from those figures and the receiver's
counts: every threshold holds, the baseline holds, something was sent. Locust's own exit code on
errors plays no part (a `fail_ratio<0.05` run with a few failures passes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telecontract.contract.options import LIVE_MAX_REQUESTS, RunOptions, per_second
from telecontract.credentials import Credentials
from telecontract.errors import UsageError
from telecontract.load import baseline as baseline_module
from telecontract.load import figures as figures_module
from telecontract.load import junit, preflight, report_files, stats_files
from telecontract.load import report as html_report
from telecontract.load import thresholds as thresholds_module
from telecontract.load.figures import FinalStats
from telecontract.load.ledger import read_placed
from telecontract.load.plan import LoadPlan
from telecontract.load.preflight import known_scenarios, seconds_of
from telecontract.load.settings import (
    ENV_FINAL_FIGURES,
    ENV_LEDGER_DIR,
    ENV_NUMBERS,
    ENV_SEED,
    ENV_SINK_URL,
    ENV_THRESHOLDS,
)
from telecontract.progress import ProgressDisplay
from telecontract.receiver.targets import check_reachable
from telecontract.redaction import redact_url_credentials
from telecontract.server import free_port, serve_in_thread, wait_until_serving
from telecontract.sink import SinkConfig, create_sink
from telecontract.sink.store import read_deliveries, tally
from telecontract.spec import ENV_SPEC, load_spec, use_spec
from telecontract.wire.guard import Guard, serving
from telecontract.wire.live import check_reachable as check_target_reachable
from telecontract.wire.live import guard_for
from telecontract.wire.policy import Allowance

__all__ = ["LoadPlan", "LoadReport", "Problem", "known_scenarios", "run", "seconds_of"]

# Callbacks of the run's last calls may still be queued at the target when Locust stops.
CALLBACK_GRACE_SECONDS = 30.0
# Loaded next to every locustfile (`-f SCENARIO,HOOK`): writes what Locust counted when it quits.
FINAL_FIGURES_HOOK = Path(__file__).resolve().parent / "hooks" / "final_figures.py"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a run cannot pass, apart from its thresholds and baseline."""

    name: str  # the JUnit test case
    message: str
    broken: bool = False  # the run itself did not work (no figures): exit 2, not a verdict on the target


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


def run(plan: LoadPlan) -> LoadReport:
    """Run the plan headless; writes Locust's HTML and CSV, summary.json, report.html and junit.xml."""
    checked = preflight.check(plan)  # every setting, before anything starts
    if plan.storm is not None:
        check_reachable(plan.storm.urls)
    spec = use_spec(plan.spec) if plan.spec else None
    spec_file = plan.spec.resolve() if plan.spec else None
    report_dir = plan.report_dir
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        report_files.clear(report_dir)
    except OSError as exc:
        raise UsageError(f"Cannot write reports into {report_dir}: {exc.strerror or exc}") from None
    ledger_dir = report_dir / report_files.LEDGER
    database = report_dir / report_files.DATABASE
    final_figures = report_dir / report_files.FINAL_FIGURES
    target_url = plan.target_url
    guard: Guard | None = None
    with ExitStack() as stack:
        sink_url = ""  # a storm posts to the team's receiver, not ours
        if plan.storm is None:
            sink_config = SinkConfig(credentials=Credentials.from_env(), database=database)
            sink_url = stack.enter_context(serve_in_thread(create_sink(sink_config, spec)))
        if plan.storm is not None:
            target_url = next(iter(plan.storm.urls.values()))  # Locust wants a host; the storm posts to full URLs
        elif target_url is not None:
            # Every request of the users leaves through the guard (all Locust processes alike).
            guard = _guard(plan, sink_url)
            target_url = stack.enter_context(serving(guard))
        else:
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
            f"{checked.locustfile},{FINAL_FIGURES_HOOK}",
            "--headless",
            "-u",
            str(plan.users),
            "-r",
            str(plan.spawn_rate),
            "-t",
            f"{checked.seconds}s",  # spelt by us, as Locust reads it
            "--host",
            target_url,
            "--only-summary",
            "--exit-code-on-error",
            "0",  # failed requests are judged by the thresholds, not by Locust's "1 on any error"
            "--csv",
            str(report_dir / stats_files.PREFIX),
            "--html",
            str(report_dir / report_files.LOCUST_HTML),
        ]
        if plan.processes:
            args += ["--processes", str(plan.processes)]
        env = {k: v for k, v in os.environ.items() if k != ENV_THRESHOLDS}  # judged here, not inside Locust
        env |= {ENV_SINK_URL: sink_url, ENV_LEDGER_DIR: str(ledger_dir), ENV_FINAL_FIGURES: str(final_figures)}
        if plan.seed is not None:
            env[ENV_SEED] = str(plan.seed)
        if plan.numbers:
            env[ENV_NUMBERS] = ",".join(plan.numbers)  # the users draw parties from these only
        if plan.storm is not None:
            env |= plan.storm.to_env()
        if spec_file is not None:
            env[ENV_SPEC] = str(spec_file)  # the locustfiles check responses against it
        display = ProgressDisplay(checked.seconds, unit="s", mode=plan.progress)
        try:
            locust_exit = _run_locust(args, env, report_dir, display)
            if plan.storm is None:
                display.update(checked.seconds, phase="waiting for the last callbacks")
            callbacks = _callback_metrics(database, ledger_dir)
        finally:
            display.close()
    stats = figures_module.read(final_figures)
    problems = _problems(stats, locust_exit)
    stats = stats or FinalStats()
    verdicts = thresholds_module.evaluate(checked.thresholds, stats, callbacks)
    totals = stats.summary()
    report = LoadReport(
        scenario=plan.scenario,
        target=redact_url_credentials(plan.target_url or target_url),  # reports and summary.json: no user:password
        users=plan.users,
        run_time=plan.run_time,
        thresholds=checked.thresholds_text,
        locust=totals,
        callbacks=callbacks,
        locust_exit_code=locust_exit,
        callback_verdicts=[v for v in verdicts if v.threshold.metric in thresholds_module.CALLBACK_METRICS],
        report_dir=report_dir,
        per_kind={
            row.name: stats.summary(row)
            for row in stats.entries
            if plan.storm is not None and row.name in plan.storm.urls
        },
        request_verdicts=[v for v in verdicts if v.threshold.metric not in thresholds_module.CALLBACK_METRICS],
        comparisons=baseline_module.compare(totals, checked.baseline, checked.limits) if checked.baseline else [],
        baseline=plan.baseline,
        seed=plan.seed,
        command=plan.command(),
        stats=stats,
        problems=problems,
        guard=_guard_lines(guard),
    )
    (report_dir / report_files.SUMMARY).write_text(json.dumps(report.to_dict(), indent=2))
    html_report.write(report_dir / report_files.REPORT, report)
    junit.write(report_dir / report_files.JUNIT, report)
    return report


def _guard(plan: LoadPlan, sink_url: str) -> Guard:
    """The live-run guard of a load run: its own options, the gate's rules; callbacks only to our receiver."""
    options = RunOptions(
        target_url=plan.target_url,
        numbers=plan.numbers,
        allow_calls=plan.allow_calls,
        callback_url=sink_url or None,
    )
    guard = guard_for(options, load_spec())
    # A load run is paced by its users unless --rate-limit says otherwise; its budget is the gate's default.
    guard.allowance = Allowance(plan.max_requests or LIVE_MAX_REQUESTS, per_second(plan.rate_limit))
    check_target_reachable(guard, options)
    return guard


def _guard_lines(guard: Guard | None) -> list[str]:
    if guard is None:
        return []
    bound = f" of at most {guard.allowance.max_requests}" if guard.allowance.max_requests else ""
    return [f"{guard.tally.sent} requests sent{bound}", *guard.tally.lines()]


def _problems(stats: FinalStats | None, locust_exit: int) -> list[Problem]:
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


def _run_locust(args: list[str], env: dict[str, str], report_dir: Path, display: ProgressDisplay) -> int:
    """Locust headless, with its running figures (from the stats history it writes each second) shown."""
    process = subprocess.Popen(args, env=env)
    started = time.monotonic()
    while True:
        figures = (stats_files.history(report_dir) or [{}])[-1]
        detail = (
            f"{figures.get('Total Request Count', '0')} requests, {_number(figures.get('Requests/s')):.0f}/s, "
            f"{figures.get('Total Failure Count', '0')} failed, {figures.get('User Count', '0')} users"
            if figures
            else "starting"
        )
        display.update(min(time.monotonic() - started, display.total), phase="load", detail=detail)
        try:
            return process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            continue


def _number(text: str | None) -> float:
    """Locust's CSV says N/A before the first answer."""
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


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
        if not delivery.signature_ok or delivery.answered >= 300:
            continue  # not received: forged, unsigned, replayed, or failed by the sink on purpose
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
