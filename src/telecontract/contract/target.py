"""The server a contract run talks to: the embedded mock, or a URL the user gives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from telecontract.credentials import Credentials
from telecontract.errors import UsageError

ENV_TARGET_URL = "TELECONTRACT_TARGET_URL"


@dataclass(frozen=True, slots=True)
class Target:
    base_url: str
    credentials: Credentials
    # True when the target is our own mock, so the carrier simulator and defects are available.
    embedded: bool
    # Provider-side delays are multiplied by this (the embedded mock runs fast; live targets at 1).
    time_scale: float = 1.0


def check_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise UsageError(
            f"Target URL {url!r} must start with http:// or https://.",
            hint="For example --target-url http://127.0.0.1:8080",
        )
    return url.rstrip("/")


@contextmanager
def open_target(
    url: str | None,
    credentials: Credentials,
    *,
    defects: frozenset[str] = frozenset(),
    time_scale: float = 0.001,
    voice_event_url: str | None = None,
) -> Iterator[Target]:
    """The target at `url`, or an embedded mock started for the duration of the block."""
    if url:
        yield Target(check_url(url), credentials, embedded=False)
        return
    from telecontract.mock import MockConfig, create_app
    from telecontract.mock.defects import DEFECTS
    from telecontract.server import serve_in_thread

    unknown = defects - DEFECTS.keys()
    if unknown:
        raise UsageError(
            f"Unknown defect(s): {', '.join(sorted(unknown))}.", hint="See telecontract mock --list-defects."
        )
    config = MockConfig(
        credentials=credentials, defects=defects, time_scale=time_scale, voice_event_url=voice_event_url
    )
    with serve_in_thread(create_app(config)) as base_url:
        yield Target(base_url, credentials, embedded=True, time_scale=time_scale)
