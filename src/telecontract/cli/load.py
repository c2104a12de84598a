"""`telecontract load`: a headless Locust run with thresholds, against the embedded mock by default."""

from __future__ import annotations

from pathlib import Path

import click

from telecontract.cli.options import spec_option
from telecontract.load.run import LoadPlan, run
from telecontract.mock.defects import DEFECTS


@click.command(
    epilog="Example: telecontract load --scenario masking_sessions --users 50 --run-time 1m "
    "--thresholds 'p95<100;fail_ratio<0.01'"
)
@click.option(
    "--scenario",
    required=True,
    help="A shipped scenario (masking_sessions, voice_calls, callbacks) or the path of your own locustfile.",
)
@click.option("--users", default=10, show_default=True, type=click.IntRange(1))
@click.option("--spawn-rate", default=10.0, show_default=True, type=click.FloatRange(min=0, min_open=True))
@click.option("--run-time", default="30s", show_default=True, help="e.g. 30s, 5m.")
@click.option("--target-url", default=None, help="Server under test; default: the embedded mock.")
@click.option(
    "--thresholds",
    default=None,
    help="e.g. 'p95<200;fail_ratio<0.01;rps>50;lost_callbacks==0' (see docs for the metrics).",
)
@click.option(
    "--processes",
    default=None,
    type=click.IntRange(1),
    help="Locust worker processes on this machine (master + workers).",
)
@click.option(
    "--defect",
    "defects",
    multiple=True,
    type=click.Choice(sorted(DEFECTS)),
    help="Switch a defect on in the embedded mock.",
)
@click.option("--report-dir", default="reports/load", show_default=True, type=click.Path(path_type=Path))
@spec_option("that responses are checked against")
def load(
    scenario: str,
    users: int,
    spawn_rate: float,
    run_time: str,
    target_url: str | None,
    thresholds: str | None,
    processes: int | None,
    defects: tuple[str, ...],
    report_dir: Path,
    spec_path: Path | None,
) -> None:
    """Run a load scenario headless; exit 1 when a threshold is breached.

    Writes Locust's HTML and CSV reports and summary.json into --report-dir.
    """
    plan = LoadPlan(
        scenario=scenario,
        users=users,
        spawn_rate=spawn_rate,
        run_time=run_time,
        target_url=target_url,
        thresholds=thresholds,
        processes=processes,
        defects=defects,
        report_dir=report_dir,
        spec=spec_path,
    )
    report = run(plan)
    for verdict in report.callback_verdicts:
        click.echo(verdict.line())
    click.echo(f"reports: {report_dir}/locust.html, {report_dir}/locust_stats.csv, {report_dir}/summary.json")
    raise SystemExit(0 if report.passed else 1)
