"""report.html of a load run: thresholds, the baseline, plots over time, each request, callbacks.

The figures and the per-request table come from the `LoadReport` (what Locust counted when it
quit, equal to its own table); only the plots over time come from the stats history Locust
writes once a second (`load.stats_files`): throughput from its cumulative counts, latency from its
percentiles. Nothing is measured here.
"""

from __future__ import annotations

from pathlib import Path

from telecontract.html import charts
from telecontract.html.render import render
from telecontract.load import stats_files
from telecontract.load.figures import Figures
from telecontract.load.results import LoadReport

PERCENTILES = ("50%", "95%", "99%")
# Widths of the percentile lines: Locust counts whole milliseconds, so on a fast target p50, p95 and
# p99 often coincide; drawn widest first, each stays visible around the next.
PERCENTILE_WIDTHS = {"p50": 8.0, "p95": 4.5, "p99": 1.5}
Points = list[tuple[float, float | None]]


def write(path: Path, report: LoadReport) -> None:
    aggregated = stats_files.history(report.report_dir)
    start = float(aggregated[0]["Timestamp"]) if aggregated else 0.0

    def points(column: str) -> Points:
        return [(float(row["Timestamp"]) - start, _number(row.get(column))) for row in aggregated]

    throughput = charts.over_time(
        {"requests/s": per_second(aggregated, TOTAL_REQUESTS), "failures/s": per_second(aggregated, TOTAL_FAILURES)},
        title="Throughput",
        y_title="per second",
    )
    latency = charts.over_time(
        {f"p{p.rstrip('%')}": points(p) for p in PERCENTILES},
        title="Latency percentiles",
        y_title="ms",
        widths=PERCENTILE_WIDTHS,
        whole=True,  # Locust's percentiles are whole milliseconds
    )
    users = charts.over_time({"users": points("User Count")}, title="Users", y_title="users", whole=True)
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


TOTAL_REQUESTS = "Total Request Count"
TOTAL_FAILURES = "Total Failure Count"


def per_second(rows: list[dict[str, str]], total: str) -> Points:
    """The rate between each two samples, from Locust's cumulative count (`total`).

    Locust's own Requests/s column is a trailing average that reads 0 for the first seconds of a
    run (and lags its changes after): a 5 s run would show 0 req/s for half of it. The counts say
    what was done between two samples.
    """
    start = float(rows[0]["Timestamp"]) if rows else 0.0
    rates: Points = []
    before: tuple[float, float] | None = None
    for row in rows:
        at, count = float(row["Timestamp"]), _number(row.get(total))
        if count is None:
            continue
        if before is None:
            if count == 0:
                rates.append((at - start, 0.0))  # the run starts from nothing
        elif at > before[0]:
            rates.append((at - start, (count - before[1]) / (at - before[0])))
        before = (at, count)
    return rates


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
