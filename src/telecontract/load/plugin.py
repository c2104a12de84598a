"""Locust hooks every scenario imports: `--thresholds`, evaluated when the run ends.

With plain `locust -f .../load/scenarios/...` the thresholds work the same; a breach makes Locust exit 1 and
prints one line per threshold with its limit and measured value.
"""

from __future__ import annotations

import json
import logging
import os
import random
from pathlib import Path
from typing import Any

import locust.stats
from locust import events

from telecontract.errors import UsageError
from telecontract.load import thresholds
from telecontract.load.settings import ENV_SEED, ENV_THRESHOLDS, ENV_VERDICTS

logger = logging.getLogger("telecontract.load")
# `telecontract load` shows progress from the stats history Locust writes: flush it every second
# (Locust's documented knob; its default of 5 s leaves short runs at zero).
locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC = 1


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
def _seed(environment: Any, **_: Any) -> None:
    """The run's seed (`telecontract load --seed`): the same choices of kinds, numbers and duplicates."""
    seed = os.environ.get(ENV_SEED)
    if seed:
        worker = getattr(environment.runner, "worker_index", 0)
        random.seed(f"{seed}-{worker}")


@events.quitting.add_listener
def _check_thresholds(environment: Any, **_: Any) -> None:
    options = environment.parsed_options
    text = getattr(options, "thresholds", "") or os.environ.get(ENV_THRESHOLDS, "")
    if not text or getattr(options, "worker", False):
        return  # workers report to the master, which holds the aggregated stats
    try:
        wanted = [t for t in thresholds.parse(text) if t.metric not in thresholds.CALLBACK_METRICS]
    except UsageError as exc:
        logger.error("%s", exc)
        environment.process_exit_code = 2
        return
    verdicts = thresholds.evaluate(wanted, environment.stats)
    for verdict in verdicts:
        print(verdict.line(), flush=True)  # once, plain: Locust's log would repeat it with a timestamp
    if os.environ.get(ENV_VERDICTS):  # for the report `telecontract load` writes
        Path(os.environ[ENV_VERDICTS]).write_text(json.dumps([v.to_dict() for v in verdicts]))
    if not all(v.passed for v in verdicts):
        environment.process_exit_code = 1
