"""The CSV files Locust writes into a run's report folder (`--csv PREFIX`), read by name.

Only `locust_stats_history.csv` (the aggregate, once a second) is read: for the progress shown
while Locust runs and for report.html's plots over time. Locust flushes these files on a timer,
so the last rows lag behind the end of the run; totals come from `load.figures` instead.
"""

from __future__ import annotations

import csv
from pathlib import Path

PREFIX = "locust"  # Locust's --csv prefix inside the report folder
AGGREGATED = "Aggregated"


def history(report_dir: Path) -> list[dict[str, str]]:
    """The aggregate's rows over time (Locust appends one a second while it runs)."""
    return [row for row in _rows(report_dir / f"{PREFIX}_stats_history.csv") if row.get("Name") == AGGREGATED]


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        return []
