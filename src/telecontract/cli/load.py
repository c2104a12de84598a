"""`telecontract load`: a headless Locust run with thresholds, against the embedded mock by default."""

from __future__ import annotations

import random
from pathlib import Path

import click

from telecontract import webhooks
from telecontract.cli.configured import as_defaults, resolved
from telecontract.cli.options import RATE, progress_option, spec_option
from telecontract.config import ConfigFile
from telecontract.contract.options import LIVE_MAX_REQUESTS
from telecontract.errors import UsageError
from telecontract.load import report_files
from telecontract.load.baseline import DEFAULT_MAX_REGRESSION
from telecontract.load.run import LoadPlan, LoadReport, run
from telecontract.load.storm import Storm, check_share, parse_weights
from telecontract.load.thresholds import shown
from telecontract.mock.defects import DEFECTS
from telecontract.numbers import read_numbers
from telecontract.progress import Mode
from telecontract.receiver_urls import parse_receiver_urls
from telecontract.spec import load_spec, use_spec
from telecontract.webhooks import PROVIDER_TIMEOUT


def _use_profile(ctx: click.Context, _param: click.Parameter, name: str | None) -> str | None:
    """Eager: the profile's settings become this run's defaults before any other option is read."""
    if name is None:
        return name
    config: ConfigFile = ctx.find_root().obj or ConfigFile()
    profile = resolved(ctx.command, config, ("load",), include_profile=name)
    ctx.default_map = {**(ctx.default_map or {}), **as_defaults(ctx.command, profile)}
    return name


@click.command(
    epilog="Examples: telecontract load --scenario masking_sessions --users 50 --run-time 1m "
    "--thresholds 'p95<100;fail_ratio<0.01'; telecontract load --profile release"
)
@click.option(
    "--profile",
    default=None,
    is_eager=True,
    callback=_use_profile,
    help="A load profile of the config file ([tool.telecontract.load.profiles.NAME]); flags override it.",
)
@click.option(
    "--scenario",
    required=True,
    help="A shipped scenario (masking_sessions, voice_calls, callbacks, callback_storm) or the path of your "
    "own locustfile.",
)
@click.option("--users", default=10, show_default=True, type=click.IntRange(1))
@click.option("--spawn-rate", default=10.0, show_default=True, type=click.FloatRange(min=0, min_open=True))
@click.option("--run-time", default="30s", show_default=True, help="e.g. 30s, 5m, 1h30m (more than 0).")
@click.option("--target-url", default=None, help="Server under test; default: the embedded mock.")
@click.option(
    "--thresholds",
    default=None,
    help="e.g. 'p95<200;fail_ratio<0.01;rps>50;lost_callbacks==0' (see docs for the metrics); they decide "
    "the exit code. Default: fail_ratio<0.01, and lost_callbacks==0 for callbacks.",
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
@click.option(
    "--receiver-url",
    "receiver_urls",
    multiple=True,
    metavar="[KIND=]URL",
    help="callback_storm: your webhook receiver (repeatable; a bare URL receives every kind).",
)
@click.option(
    "--kind-weight",
    "kind_weights",
    multiple=True,
    metavar="KIND=N",
    help="callback_storm: how often each kind is sent, relative to the others "
    "(default 1 each; a voiceEvent is one call).",
)
@click.option(
    "--duplicates",
    default=0.05,
    show_default=True,
    type=float,
    help="callback_storm: share of callbacks delivered twice.",
)
@click.option(
    "--out-of-order",
    default=0.05,
    show_default=True,
    type=float,
    help="callback_storm: share of Voice v2 calls whose call_completed overtakes play_completed.",
)
@click.option(
    "--time-scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="callback_storm: multiplies the provider's retry schedule (10 s, then 30 s).",
)
@click.option(
    "--receiver-timeout",
    default=PROVIDER_TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="callback_storm: seconds the provider waits for an answer (not documented: our inference).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="An earlier run's summary.json: exit 1 when this run is worse by more than --max-regression.",
)
@click.option(
    "--max-regression",
    default=None,
    metavar="METRIC=N%,...",
    help=f"With --baseline: how much worse each figure may get (p50, p95, p99, rps; fail_ratio in "
    f"percentage points). Default: {DEFAULT_MAX_REGRESSION}. A latency change of 5 ms or less, or a "
    "throughput change of 1/s or less, is jitter, never a regression.",
)
@click.option(
    "--numbers",
    "numbers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --target-url: the numbers the users may use as parties (one per line); no other leaves.",
)
@click.option("--allow-calls", is_flag=True, help="With --target-url: let scenarios place real calls.")
@click.option(
    "--max-requests",
    type=int,
    default=None,
    help=f"With --target-url: at most this many requests reach the target (default {LIVE_MAX_REQUESTS}).",
)
@click.option("--rate-limit", default=None, type=RATE, help="With --target-url: at most this pace, e.g. 200/s.")
@click.option("--seed", type=int, default=None, help="Seed for the users' random choices (printed when not given).")
@progress_option
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
    receiver_urls: tuple[str, ...],
    kind_weights: tuple[str, ...],
    duplicates: float,
    out_of_order: float,
    time_scale: float,
    receiver_timeout: float,
    baseline: Path | None,
    max_regression: str | None,
    numbers_file: Path | None,
    allow_calls: bool,
    max_requests: int | None,
    rate_limit: str | None,
    seed: int | None,
    progress: Mode,
    report_dir: Path,
    spec_path: Path | None,
    profile: str | None,
) -> None:
    """Run a load scenario headless; exit 1 when a threshold is breached or nothing was sent.

    The thresholds decide (a few failed requests under fail_ratio<0.05 pass); every option is
    checked before anything starts (exit 2). Writes report.html, junit.xml, summary.json and
    Locust's own reports into --report-dir, after removing an earlier run's.
    """
    check_share("--duplicates", duplicates)
    check_share("--out-of-order", out_of_order)
    if kind_weights and not receiver_urls:
        raise UsageError(
            "--kind-weight weighs the kinds callback_storm sends to --receiver-url.",
            hint="Add --scenario callback_storm --receiver-url [KIND=]URL, or leave --kind-weight out.",
        )
    storm = None
    if receiver_urls:
        if spec_path is not None:
            use_spec(spec_path)
        kinds = webhooks.kinds(load_spec())
        urls = parse_receiver_urls(receiver_urls, kinds)
        storm = Storm(  # reachability is checked by the run, once every other option has been
            urls=urls,
            weights=parse_weights(kind_weights, urls),
            duplicates=duplicates,
            out_of_order=out_of_order,
            time_scale=time_scale,
            timeout=receiver_timeout,
        )
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
        storm=storm,
        baseline=baseline,
        max_regression=max_regression,
        seed=seed if seed is not None else random.SystemRandom().randrange(1, 2**31),
        progress=progress,
        numbers_file=numbers_file,
        numbers=read_numbers(numbers_file) if numbers_file else None,
        allow_calls=allow_calls,
        max_requests=max_requests,
        rate_limit=rate_limit,
    )
    report = run(plan)
    echo_report(report)
    click.echo(f"seed {plan.seed}; repeat this run with: {report.command}")
    raise SystemExit(0 if report.passed else 2 if report.broken else 1)


def echo_report(report: LoadReport) -> None:
    """What was counted, each verdict, and PASS or FAIL naming what broke."""
    totals = report.locust
    click.echo(
        f"{Path(report.scenario).stem}: {totals.get('requests') or 0:.0f} requests, "
        f"{totals.get('failures') or 0:.0f} failed, {totals.get('rps') or 0:.1f}/s, "
        f"p50 {_ms(totals.get('p50_ms'))}, p95 {_ms(totals.get('p95_ms'))}, p99 {_ms(totals.get('p99_ms'))}"
    )
    for kind, figures in sorted(report.per_kind.items()):
        click.echo(
            f"{kind}: {figures.get('requests') or 0:.0f} deliveries, {figures.get('failures') or 0:.0f} failed, "
            f"p50 {_ms(figures.get('p50_ms'))}, p95 {_ms(figures.get('p95_ms'))}, p99 {_ms(figures.get('p99_ms'))}"
        )
    for verdict in report.verdicts:
        click.echo(verdict.line())
    for comparison in report.comparisons:
        click.echo(comparison.line())
    for problem in report.problems:
        click.echo(f"run: {problem.message}")
    for line in report.guard:
        click.echo(f"live-run guard: {line}")
    click.echo(f"reports: {', '.join(str(path) for path in report_files.written(report.report_dir))}")
    broke = [f"threshold {v.threshold}" for v in report.verdicts if not v.passed]
    broke += [f"baseline {c.metric}" for c in report.comparisons if c.regressed]
    broke += [problem.message for problem in report.problems]
    verdict = "PASS" if report.passed else f"FAIL ({'; '.join(broke)})"
    click.echo(f"{verdict}: load run of {report.scenario}")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{shown(value)} ms"
