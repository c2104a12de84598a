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
import sys
from contextlib import ExitStack, nullcontext
from pathlib import Path

from telecontract.contract.live_run import check_reachable as check_target_reachable
from telecontract.contract.live_run import guard_for
from telecontract.contract.options import LIVE_MAX_REQUESTS, RunOptions, per_second
from telecontract.credentials import Credentials
from telecontract.errors import UsageError
from telecontract.load import baseline as baseline_module
from telecontract.load import figures as figures_module
from telecontract.load import junit, preflight, report_files, stats_files
from telecontract.load import report as html_report
from telecontract.load import thresholds as thresholds_module
from telecontract.load.callback_counts import callback_metrics
from telecontract.load.figures import FinalStats
from telecontract.load.plan import LoadPlan
from telecontract.load.preflight import known_scenarios, seconds_of
from telecontract.load.processes import run_locust, start_mock
from telecontract.load.results import LoadReport, Problem, problems_of
from telecontract.load.settings import (
    ENV_FINAL_FIGURES,
    ENV_LEDGER_DIR,
    ENV_NUMBERS,
    ENV_SEED,
    ENV_SINK_URL,
    ENV_THRESHOLDS,
)
from telecontract.progress import ProgressDisplay
from telecontract.receiver_urls import check_reachable
from telecontract.redaction import redact_url_credentials
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink
from telecontract.spec import ENV_SPEC, load_spec, spec_chosen
from telecontract.wire.guard import Guard, serving
from telecontract.wire.policy import Allowance

__all__ = ["LoadPlan", "LoadReport", "Problem", "known_scenarios", "run", "seconds_of"]

# Loaded next to every locustfile (`-f SCENARIO,HOOK`): writes what Locust counted when it quits.
FINAL_FIGURES_HOOK = Path(__file__).resolve().parent / "hooks" / "final_figures.py"


def run(plan: LoadPlan) -> LoadReport:
    """Run the plan headless; writes Locust's HTML and CSV, summary.json, report.html and junit.xml.

    A `--spec` is this run's: every `load_spec()` reads it while the run lasts, the caller's after.
    """
    with spec_chosen(plan.spec) if plan.spec else nullcontext():
        return _run(plan)


def _run(plan: LoadPlan) -> LoadReport:
    checked = preflight.check(plan)  # every setting, before anything starts
    if plan.storm is not None:
        check_reachable(plan.storm.urls)
    spec = load_spec() if plan.spec else None
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
            mock, target_url = start_mock(sink_url, plan.defects, spec_file)
            stack.callback(mock.wait, 10)
            stack.callback(mock.terminate)
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
            locust_exit = run_locust(args, env, report_dir, display)
            if plan.storm is None:
                display.update(checked.seconds, phase="waiting for the last callbacks")
            callbacks = callback_metrics(database, ledger_dir)
        finally:
            display.close()
    stats = figures_module.read(final_figures)
    problems = problems_of(stats, locust_exit)
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
