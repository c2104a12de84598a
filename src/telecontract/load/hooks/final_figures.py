"""A Locust file `telecontract load` adds to every run (`-f SCENARIO,THIS`): the final figures as JSON.

Loaded by path next to the scenario, so it works for a team's own locustfile too, which knows
nothing of telecontract. It writes what Locust counted once Locust has printed its summary (the
`quit` event comes after the table), from the master or the only process, never from a worker:
workers report to the master, which holds the aggregate.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from locust import events
from locust.runners import WorkerRunner

from telecontract.load import figures
from telecontract.load.settings import ENV_FINAL_FIGURES


@events.init.add_listener
def _write_when_locust_quits(environment: Any, **_: Any) -> None:
    target = os.environ.get(ENV_FINAL_FIGURES)
    if not target or isinstance(environment.runner, WorkerRunner):
        return

    def write(**_: Any) -> None:
        figures.write(Path(target), figures.from_locust(environment.stats))

    environment.events.quit.add_listener(write)
