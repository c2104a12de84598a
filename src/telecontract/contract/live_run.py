"""A live run's guard, from its options: the providers' URLs, the policy, the probe.

Each provider's requests go to its own URL, else to `--target-url`; a provider with neither is
left out of the run (its requests are refused, and the plan says why).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from telecontract.contract.options import RunOptions, per_second
from telecontract.errors import UsageError
from telecontract.redaction import redact_url_credentials
from telecontract.spec import Spec
from telecontract.wire.guard import Guard, serving
from telecontract.wire.marks import Marks
from telecontract.wire.policy import PROVIDERS, Policy


def upstreams(options: RunOptions) -> dict[str, str | None]:
    """provider -> its base URL (its own flag, else --target-url), or None when neither is given."""
    fallback = options.target_url
    own = {"telesign": options.telesign_url, "telesign_voice": options.telesign_voice_url, "vts": options.vts_url}
    return {provider: (url or fallback or "").rstrip("/") or None for provider, url in own.items()}


def guard_for(options: RunOptions, spec: Spec) -> Guard:
    marks = Marks(spec)
    if not marks.any_call_marked:
        raise UsageError(
            "The spec marks no operation as placing calls (x-telecontract-places-call), so a live run "
            "cannot tell which requests would ring a phone.",
            hint="Start from `telecontract spec export` and keep its x-telecontract-* marks in your edited spec.",
        )
    policy = Policy(
        marks,
        upstreams(options),
        numbers=frozenset(options.numbers or ()),
        allow_calls=options.allow_calls,
        callback_bases=(options.callback_url,) if options.callback_url else (),
    )
    return Guard(policy, options.effective_max_requests, per_second(options.effective_rate_limit))


@dataclass(frozen=True, slots=True)
class GuardedRun:
    guard: Guard
    url: str  # where the run's clients send: the guard on 127.0.0.1


@contextlib.contextmanager
def guarded(options: RunOptions, spec: Spec) -> Iterator[GuardedRun]:
    """The guard of a live run, serving for the block, after one probe of each provider URL.

    A URL that cannot be reached is a mistake in the command (exit 2), not hundreds of failed cases.
    """
    guard = guard_for(options, spec)
    check_reachable(guard, options)
    with serving(guard) as url:
        yield GuardedRun(guard, url)


def check_reachable(guard: Guard, options: RunOptions) -> None:
    """One request to each provider URL, from the budget; one that cannot be reached is exit 2."""
    for url, error in guard.probe():
        if error is not None:
            reason = str(error) or type(error).__name__
            where = redact_url_credentials(url)
            raise UsageError(f"Target not reachable: {where} ({reason}); start it, or fix {flag_for(url, options)}.")


def flag_for(url: str, options: RunOptions) -> str:
    """The flag that gave a provider URL."""
    given = {"telesign": options.telesign_url, "telesign_voice": options.telesign_voice_url, "vts": options.vts_url}
    for provider, value in given.items():
        if value and value.rstrip("/") == url:
            return PROVIDERS[provider][1]
    return "--target-url (or TELECONTRACT_TARGET_URL)"
