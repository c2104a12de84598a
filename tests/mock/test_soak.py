"""Bounded memory over a long run: 100,000 sessions of each kind created and expired (pytest -m slow).

The driver is benchmarks/soak.py (also a script that prints the RSS samples): the mock in its
own process, its RSS flat after the first retention period, back within 10 % of its level after
the first 10,000. Masked and VTS sessions at 500/s: about seven minutes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[2] / "benchmarks" / "soak.py"


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_rss_stays_flat_over_100000_sessions_of_each_kind() -> None:
    spec = importlib.util.spec_from_file_location("soak", SOAK)
    assert spec is not None and spec.loader is not None
    soak = importlib.util.module_from_spec(spec)
    sys.modules["soak"] = soak  # its dataclasses look their module up
    spec.loader.exec_module(soak)
    runs = soak.soak(count=100_000, time_scale=0.00005, concurrency=16, rate=500.0, kinds=("masked", "vts"))
    print(soak.report(runs))
    for run in runs:
        assert run.failures == 0, run.kind
        assert run.after_retention(), f"{run.kind}: the run ended before the first retention period"
        assert run.flat(), soak.report([run])
