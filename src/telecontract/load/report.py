"""report.html of a load run: thresholds, the baseline, plots over time, each request, callbacks.

The figures and the per-request table come from the `LoadReport` (what Locust counted when it
quit, equal to its own table); only the plots over time come from the stats history Locust
writes once a second (`load.stats_files`). Nothing is measured here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from telecontract.html import charts
from telecontract.html.render import render
from telecontract.load import stats_files
from telecontract.load.figures import Figures

if TYPE_CHECKING:
    from telecontract.load.run import LoadReport

PERCENTILES = ("50%", "95%", "99%")


def write(path: Path, report: LoadReport) -> None:
    aggregated = stats_files.history(report.report_dir)
    start = float(aggregated[0]["Timestamp"]) if aggregated else 0.0

    def points(column: str) -> list[tuple[float, float | None]]:
        return [(float(row["Timestamp"]) - start, _number(row.get(column))) for row in aggregated]

    throughput = charts.over_time(
        {"requests/s": points("Requests/s"), "failures/s": points("Failures/s")},
        title="Throughput",
        y_title="per second",
    )
    latency = charts.over_time(
        {f"p{p.rstrip('%')}": points(p) for p in PERCENTILES}, title="Latency percentiles", y_title="ms"
    )
    users = charts.over_time({"users": points("User Count")}, title="Users", y_title="users", width=440)
    requests = [_row(report, row) for row in report.stats.entries]
    page = render(
        "load.html.j2",
        title=f"Load run: {Path(report.scenario).stem} against {report.target}",
        report=report,
        requests=requests,
        charts=[throughput, latency, users],
        samples=len(aggregated),
    )
    path.write_text(page, encoding="utf-8")


def _number(text: str | None) -> float | None:
    """Locust writes N/A before the first answer."""
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _row(report: LoadReport, figures: Figures) -> dict[str, str]:
    """A request's row, keyed as Locust's stats CSV names its columns (what the template reads)."""

    def percentile(percent: float) -> str:
        value = figures.percentile(percent)
        return "N/A" if value is None else str(value)

    return {
        "Type": figures.method,
        "Name": figures.name,
        "Request Count": str(figures.requests),
        "Failure Count": str(figures.failures),
        "50%": percentile(0.5),
        "95%": percentile(0.95),
        "99%": percentile(0.99),
        "Max Response Time": str(figures.max_response_time),
        "Requests/s": str(report.stats.rps(figures)),
    }
