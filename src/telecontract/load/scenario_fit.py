"""What a shipped scenario can check against a given target, and what it must have checked to pass.

A scenario whose checks depend on callbacks reaching this run's receiver (on 127.0.0.1, on a
port chosen per run) checks nothing against a target that cannot post there, and a run that
checked nothing must not pass: such a run is refused before it starts, and a scenario's own
check (a journey seen through to its end) is judged like a threshold that cannot be left out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from urllib.parse import urlsplit

from telecontract.errors import UsageError
from telecontract.load.thresholds import CALLBACK_METRICS, FAILURE_METRICS, Threshold

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
STORM = "callback_storm"
# Metrics only one shipped scenario measures; on another they would read 0 and pass untested.
METRIC_SCENARIOS = {**{m: "callbacks" for m in CALLBACK_METRICS}, **{m: STORM for m in FAILURE_METRICS}}
# The request each journey reports once it is checked (voice_calls: the events of one call, in order).
REQUIRED = {
    "voice_calls": Threshold(
        "requests",
        "call_events_in_order",
        ">",
        0.0,
        why="no call's events were checked: voice_calls checked nothing",
    ),
}
# The request names each shipped scenario reports (the name column of Locust's table; a test keeps
# them in step with the locustfiles). A per-request threshold on any other name would measure nothing.
REQUEST_NAMES = {
    "masking_sessions": (
        "create_sms_voice_session",
        "create_sms_session",
        "vts_create_session",
        "vts_get_session",
        "vts_delete_session",
    ),
    "voice_calls": ("dial", "call_events_in_order"),
    "callbacks": ("place_call",),
}
# callback_storm names each attempt by its kind, its retries and duplicates apart.
STORM_SUFFIXES = ("", " (retry)", " (duplicate)")


# What each shipped scenario sends a live target, so it can be refused before it starts without the
# flag that allows it (README, "Load scenarios"): people's numbers, and calls.
SENDS_NUMBERS = frozenset({"masking_sessions", "callbacks", "voice_calls"})
PLACES_CALLS = frozenset({"callbacks", "voice_calls"})


def not_allowed(scenario: str, numbers: tuple[str, ...] | None, allow_calls: bool) -> UsageError | None:
    """A shipped scenario that would need, against a live target, what the command did not allow."""
    if scenario in PLACES_CALLS and not allow_calls:
        return UsageError(
            f"{scenario} places real calls against --target-url.",
            hint="Pass --allow-calls to let it, or run it against the embedded mock (no --target-url).",
        )
    if scenario in SENDS_NUMBERS and len(numbers or ()) < 2:
        return UsageError(
            f"{scenario} opens sessions or calls between two parties: against --target-url it needs at least two "
            "numbers you may use.",
            hint="Pass --numbers FILE (one number per line, digits with the country code).",
        )
    return None


def refusal(scenario: str, target_url: str | None) -> UsageError | None:
    """Why this shipped scenario cannot check anything against the target, or None when it can."""
    if target_url is None:
        return None  # the embedded mock posts to this run's receiver
    if scenario == "voice_calls":
        return UsageError(
            "voice_calls checks the events the target posts to this run's receiver (127.0.0.1, a port chosen "
            "per run); only the embedded mock is told where that is, a target of yours posts its Voice v2 events "
            "to the event URL set for its account, so no journey could be checked.",
            hint="Run voice_calls without --target-url (against the embedded mock).",
        )
    host = urlsplit(target_url).hostname or ""
    if scenario == "callbacks" and host not in LOOPBACK_HOSTS:
        return UsageError(
            f"callbacks asks the target to post each call's callback to this run's receiver on 127.0.0.1, "
            f"which {host} cannot reach: every callback would be lost.",
            hint="Run callbacks against the embedded mock or a target on this machine (127.0.0.1, localhost).",
        )
    return None


def misfit(scenario: str, thresholds: list[Threshold]) -> UsageError | None:
    """A threshold on a metric the shipped scenario does not measure (it would pass or fail untested)."""
    for threshold in thresholds:
        owner = METRIC_SCENARIOS.get(threshold.metric)
        if owner is not None and owner != scenario:
            return UsageError(
                f"Threshold {threshold}: {scenario} does not measure {threshold.metric} (only {owner} does).",
                hint=f"Leave it out, or run --scenario {owner}.",
            )
    return None


def request_names(scenario: str, storm_kinds: Iterable[str] = ()) -> tuple[str, ...] | None:
    """The request names a shipped scenario reports, or None when they are not known beforehand."""
    if scenario == STORM:
        return tuple(f"{kind}{suffix}" for kind in sorted(storm_kinds) for suffix in STORM_SUFFIXES)
    return REQUEST_NAMES.get(scenario)


def unknown_request(scenario: str, thresholds: list[Threshold], names: tuple[str, ...]) -> UsageError | None:
    """A threshold on a request the scenario never makes: it could only ever measure "no data"."""
    for threshold in thresholds:
        if threshold.name is None or threshold.name in names:
            continue
        close = difflib.get_close_matches(threshold.name, names, n=1)
        meant = f"Did you mean {close[0]!r}? " if close else ""
        return UsageError(
            f"Threshold {threshold}: {scenario} makes no request named {threshold.name!r}.",
            hint=f"{meant}Its requests: {', '.join(names)}.",
        )
    return None


def required(scenario: str, thresholds: list[Threshold]) -> list[Threshold]:
    """The thresholds to judge: the user's, then the scenario's own check unless already asked for."""
    own = REQUIRED.get(scenario)
    same = own is not None and any(
        (t.metric, t.name, t.op, t.limit) == (own.metric, own.name, own.op, own.limit) for t in thresholds
    )
    return thresholds if own is None or same else [*thresholds, own]
