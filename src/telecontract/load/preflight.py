"""Every setting of a load run, checked before anything starts: a mistake is exit 2 naming the fix.

Nothing here has side effects (no server, no file written), so a run with a bad flag leaves the
report folder as it was; `load.run` calls `check` first and builds on what it returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from telecontract.contract.options import per_second
from telecontract.errors import UsageError
from telecontract.load import baseline, scenario_fit, thresholds
from telecontract.load import scenarios as scenarios_package
from telecontract.load.plan import LoadPlan
from telecontract.load.thresholds import Threshold

DEFAULT_THRESHOLDS = {
    "callbacks": "fail_ratio<0.01;lost_callbacks==0",
    "callback_storm": "fail_ratio<0.01;invalid_answers==0;timeouts==0",
}
DEFAULT_THRESHOLD = "fail_ratio<0.01"
# Locust's own run-time grammar (locust.util.timespan), lower case only, as Locust reads it.
RUN_TIME = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
RUN_TIME_HINT = "Use a positive time such as 30s, 5m, 1h30m or 90 (seconds), in lower case."
SCENARIOS = Path(scenarios_package.__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Checked:
    """What the plan's settings mean, read once."""

    locustfile: Path
    name: str  # the scenario's name (a locustfile's stem)
    shipped: bool
    thresholds_text: str  # as given, or the scenario's default
    thresholds: list[Threshold]  # parsed, with the scenario's own checks
    seconds: int
    baseline: dict[str, float | None] | None
    limits: dict[str, float]


def known_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIOS.glob("*.py") if not p.stem.startswith("_"))


def find_scenario(name: str) -> Path:
    """A shipped scenario by name, or a locustfile of the user's own by path."""
    if name.endswith(".py") or "/" in name:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"Locustfile not found: {name}", hint="Give a path to a .py file, or a scenario name.")
        return path
    if name in known_scenarios():
        return SCENARIOS / f"{name}.py"
    raise UsageError(f"No load scenario named {name!r}.", hint=f"Known scenarios: {', '.join(known_scenarios())}.")


def seconds_of(run_time: str) -> int:
    """Locust's run time (30s, 5m, 1h30m, or plain seconds) in whole seconds, more than zero.

    Locust reads 0 as "no time limit" (the run would never end) and rejects upper case; both are
    usage errors here, before anything starts.
    """
    if run_time.isdigit():
        seconds = int(run_time)
    else:
        parts = RUN_TIME.fullmatch(run_time)
        if not run_time or parts is None:
            raise UsageError(f"Cannot read --run-time {run_time!r}.", hint=RUN_TIME_HINT)
        hours, minutes, secs = (int(p) if p else 0 for p in parts.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    if seconds <= 0:
        raise UsageError(
            f"--run-time {run_time!r} is no time at all (Locust would read it as no limit and run forever).",
            hint=RUN_TIME_HINT,
        )
    return seconds


def check_target_url(url: str | None) -> None:
    if url is None:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--target-url {url!r} is not an http(s) URL.", hint="e.g. --target-url https://staging.example.com"
        )


def check(plan: LoadPlan) -> Checked:
    """Read and check every setting of the plan; raise UsageError on the first that is wrong."""
    locustfile = find_scenario(plan.scenario)
    name = Path(plan.scenario).stem
    shipped = locustfile.resolve().parent == SCENARIOS
    if plan.users < 1:
        raise UsageError(f"--users {plan.users}: at least one user is needed.", hint="e.g. --users 10")
    if plan.spawn_rate <= 0:
        raise UsageError(f"--spawn-rate {plan.spawn_rate:g}: users per second must be more than 0.", hint="e.g. 10")
    if plan.processes is not None and plan.processes < 1:
        raise UsageError(f"--processes {plan.processes}: at least one.", hint="e.g. --processes 2")
    seconds = seconds_of(plan.run_time)
    text = plan.thresholds if plan.thresholds is not None else DEFAULT_THRESHOLDS.get(name, DEFAULT_THRESHOLD)
    parsed = thresholds.parse(text)
    if not parsed:
        raise UsageError(
            f"--thresholds {text!r} names no threshold: the run would judge nothing.",
            hint=f"Leave --thresholds out for the default ({DEFAULT_THRESHOLD}), or give e.g. p95<200;fail_ratio<0.01.",
        )
    check_target_url(plan.target_url)
    if plan.target_url and plan.defects:
        raise UsageError("--defect only applies to the embedded mock.", hint="Leave out --target-url or --defect.")
    if (name == scenario_fit.STORM) != (plan.storm is not None):
        raise UsageError(
            "callback_storm posts to your receiver, and only it does."
            if plan.storm is not None
            else "callback_storm needs the receiver to post to.",
            hint="telecontract load --scenario callback_storm --receiver-url [KIND=]URL",
        )
    if shipped:
        problem = scenario_fit.refusal(name, plan.target_url) or scenario_fit.misfit(name, parsed)
        names = scenario_fit.request_names(name, plan.storm.urls if plan.storm else ())
        if problem is None and names is not None:
            problem = scenario_fit.unknown_request(name, parsed, names)
        if problem is None and plan.target_url and plan.storm is None:
            problem = scenario_fit.not_allowed(name, plan.numbers, plan.allow_calls)
        if problem is not None:
            raise problem
    if plan.target_url is None and (plan.numbers_file or plan.allow_calls or plan.max_requests or plan.rate_limit):
        raise UsageError(
            "--numbers, --allow-calls, --max-requests and --rate-limit bound a run against --target-url; "
            "the embedded mock needs none.",
            hint="Add --target-url, or leave them out.",
        )
    if plan.max_requests is not None and plan.max_requests < 1:
        raise UsageError(f"--max-requests {plan.max_requests}: a budget is at least 1 request.")
    per_second(plan.rate_limit)  # a bad rate is a usage error now, not inside the run
    if plan.max_regression and plan.baseline is None:
        raise UsageError("--max-regression compares with a baseline.", hint="Add --baseline PATH/summary.json.")
    earlier = baseline.read(plan.baseline) if plan.baseline else None
    limits = baseline.parse_limits(plan.max_regression or baseline.DEFAULT_MAX_REGRESSION)
    if plan.report_dir.exists() and not plan.report_dir.is_dir():
        raise UsageError(f"--report-dir {plan.report_dir} is a file.", hint="Give a folder for the reports.")
    return Checked(
        locustfile=locustfile,
        name=name,
        shipped=shipped,
        thresholds_text=text,
        thresholds=scenario_fit.required(name, parsed) if shipped else parsed,
        seconds=seconds,
        baseline=earlier,
        limits=limits,
    )
