"""Locust hooks every scenario imports: `--thresholds` for plain `locust -f`, and the run's seed.

With plain `locust -f .../load/scenarios/... --thresholds ...` the thresholds decide the exit code:
1 when one breaks, 0 when all hold, whatever Locust's own "exit 1 on any error" would say (a
`fail_ratio<0.05` with a few failures passes). A threshold Locust cannot read stops it before
any user starts. `telecontract load` does not pass thresholds here: it judges Locust's final
figures itself, with the callback counts only it has.
"""

from __future__ import annotations

import os
import random
import sys
from typing import Any

import gevent
import locust.stats
from locust import events
from locust.runners import WorkerRunner

from telecontract.errors import UsageError
from telecontract.load import figures, thresholds
from telecontract.load.settings import ENV_SEED, ENV_THRESHOLDS


@events.init_command_line_parser.add_listener
def _add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--thresholds",
        type=str,
        env_var=ENV_THRESHOLDS,
        default="",
        help="Pass/fail thresholds, e.g. 'p95<200;fail_ratio<0.01;rps>50'",
    )


@events.init.add_listener
def _flush_every_second(**_: Any) -> None:
    """`telecontract load` shows progress from the stats history Locust writes: flush it every second
    (Locust's documented knob; its default of 5 s leaves short runs at zero). Set when Locust starts,
    not at import: the writer reads it on each round."""
    locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC = 1


@events.init.add_listener
def _clock_after_import(**_: Any) -> None:
    """gevent's loop caches its time: seconds spent importing the locustfile (loading and validating
    the spec) would count against --run-time, and a 3 s run could end before its users sent anything."""
    gevent.get_hub().loop.update_now()


@events.init.add_listener
def _seed(environment: Any, **_: Any) -> None:
    """The run's seed (`telecontract load --seed`): the same choices of kinds, numbers and duplicates."""
    seed = os.environ.get(ENV_SEED)
    if seed:
        worker = getattr(environment.runner, "worker_index", 0)
        random.seed(f"{seed}-{worker}")


def _wanted(environment: Any) -> list[thresholds.Threshold]:
    text = getattr(environment.parsed_options, "thresholds", "") or ""
    return [t for t in thresholds.parse(text) if t.metric not in thresholds.CALLBACK_METRICS]


@events.init.add_listener
def _check_thresholds_first(environment: Any, **_: Any) -> None:
    """A typo in a threshold is found before the first request, not after the run."""
    if environment.parsed_options is None:
        return  # run_single_user and other library use: no command line
    try:
        _wanted(environment)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)


@events.quitting.add_listener
def _judge_thresholds(environment: Any, **_: Any) -> None:
    if environment.parsed_options is None or isinstance(environment.runner, WorkerRunner):
        return  # workers report to the master, which holds the aggregated stats
    wanted = _wanted(environment)
    if not wanted:
        return  # no thresholds: Locust's own exit code stands
    verdicts = thresholds.evaluate(wanted, figures.from_locust(environment.stats))
    for verdict in verdicts:
        print(verdict.line(), flush=True)  # once, plain: Locust's log would repeat it with a timestamp
    environment.process_exit_code = 0 if all(v.passed for v in verdicts) else 1
