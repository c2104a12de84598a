"""The files a load run leaves in its report folder, by name, and clearing an earlier run's.

Everything is removed before a run starts, so a run that ends early never leaves the previous
run's junit.xml or summary.json behind for a CI to read as this run's.
"""

from __future__ import annotations

from pathlib import Path

from telecontract.load import stats_files

SUMMARY = "summary.json"
REPORT = "report.html"
JUNIT = "junit.xml"
LOCUST_HTML = "locust.html"
FINAL_FIGURES = "locust_final_figures.json"  # what Locust counted, written by our hook when it quits
DATABASE = "deliveries.sqlite3"
LEDGER = "ledger"
# Our own reports first (always written), then Locust's (written when Locust got that far).
LISTED = (REPORT, JUNIT, SUMMARY, LOCUST_HTML, f"{stats_files.PREFIX}_stats.csv")
# Written by earlier versions: an old run's verdicts must not pass for this run's.
OBSOLETE = ("thresholds.json",)


def clear(report_dir: Path) -> None:
    """Remove an earlier run's reports, figures, receiver database and ledger from the folder."""
    names = (SUMMARY, REPORT, JUNIT, LOCUST_HTML, FINAL_FIGURES, *OBSOLETE)
    stale = [report_dir / name for name in names]
    stale += report_dir.glob(f"{stats_files.PREFIX}_*.csv")
    stale += report_dir.glob(f"{DATABASE}*")  # the database with its -wal and -shm files
    stale += (report_dir / LEDGER).glob("placed-*.txt")
    for path in stale:
        path.unlink(missing_ok=True)


def written(report_dir: Path) -> list[Path]:
    """The reports this run wrote, in the order a reader wants them."""
    return [report_dir / name for name in LISTED if (report_dir / name).exists()]
