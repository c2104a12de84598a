"""`telecontract load`: a headless Locust run with thresholds, against the embedded mock by default."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import click

from telecontract.credentials import Credentials
from telecontract.errors import UsageError
from telecontract.load import scenarios as scenarios_package
from telecontract.load import thresholds as thresholds_module
from telecontract.load.ledger import read_placed
from telecontract.load.settings import ENV_LEDGER_DIR, ENV_SINK_URL, ENV_THRESHOLDS
from telecontract.mock.defects import DEFECTS
from telecontract.server import free_port, serve_in_thread, wait_until_serving
from telecontract.sink import SinkConfig, create_sink
from telecontract.sink.store import read_deliveries, tally
from telecontract.spec import ENV_SPEC, use_spec

DEFAULT_THRESHOLDS = {"callbacks": "fail_ratio<0.01;lost_callbacks==0"}
# Callbacks of the run's last calls may still be queued at the target when Locust stops.
CALLBACK_GRACE_SECONDS = 30.0


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


def _locust_totals(csv_prefix: Path) -> dict[str, float]:
    stats = csv_prefix.with_name(csv_prefix.name + "_stats.csv")
    if not stats.exists():
        return {}
    with stats.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return {
                    "requests": float(row["Request Count"]),
                    "failures": float(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "p99_ms": float(row["99%"]),
                }
    return {}


@click.command()
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
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The OpenAPI spec that responses are checked against (default: the bundled one).",
)
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
    locustfile = find_scenario(scenario)
    spec = use_spec(spec_path) if spec_path else None
    spec_file = spec_path.resolve() if spec_path else None
    wanted = thresholds if thresholds is not None else DEFAULT_THRESHOLDS.get(scenario, "fail_ratio<0.01")
    parsed = thresholds_module.parse(wanted)  # fail fast on a typo, before any load
    if target_url and defects:
        raise UsageError("--defect only applies to the embedded mock.")
    report_dir.mkdir(parents=True, exist_ok=True)
    ledger_dir = report_dir / "ledger"
    for stale in ledger_dir.glob("placed-*.txt"):
        stale.unlink()
    database = report_dir / "deliveries.sqlite3"
    database.unlink(missing_ok=True)
    with ExitStack() as stack:
        sink_config = SinkConfig(credentials=Credentials.from_env(), database=database)
        sink_url = stack.enter_context(serve_in_thread(create_sink(sink_config, spec)))
        if target_url is None:
            port = free_port()
            mock = _start_mock(port, sink_url, defects, spec_file)
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
            str(users),
            "-r",
            str(spawn_rate),
            "-t",
            run_time,
            "--host",
            target_url,
            "--only-summary",
            "--csv",
            str(report_dir / "locust"),
            "--html",
            str(report_dir / "locust.html"),
        ]
        if processes:
            args += ["--processes", str(processes)]
        env = os.environ | {ENV_SINK_URL: sink_url, ENV_LEDGER_DIR: str(ledger_dir), ENV_THRESHOLDS: wanted}
        if spec_file is not None:
            env[ENV_SPEC] = str(spec_file)  # the locustfiles check responses against it
        locust_exit = subprocess.run(args, env=env).returncode
        callbacks = _callback_metrics(database, ledger_dir)
    verdicts = thresholds_module.evaluate(
        [t for t in parsed if t.metric in thresholds_module.CALLBACK_METRICS], stats=None, callbacks=callbacks
    )
    for verdict in verdicts:
        click.echo(verdict.line())
    summary = {
        "scenario": scenario,
        "target": target_url,
        "users": users,
        "run_time": run_time,
        "locust": _locust_totals(report_dir / "locust"),
        "callbacks": callbacks,
        "thresholds": wanted,
        "locust_exit_code": locust_exit,
        "callback_thresholds": [
            {"threshold": str(v.threshold), "value": v.value, "passed": v.passed} for v in verdicts
        ],
    }
    (report_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    click.echo(f"reports: {report_dir}/locust.html, {report_dir}/locust_stats.csv, {report_dir}/summary.json")
    breached = locust_exit != 0 or not all(v.passed for v in verdicts)
    raise SystemExit(1 if breached else 0)


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
