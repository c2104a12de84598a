"""The server a contract run talks to: the embedded mock, or the URLs the user gives.

A live provider serves its products from different hosts (TeleSign's Number Masking and Voice v2
on one, Voice v1 on another, VTS on its own), while a proxy may unify them. `Target.url_for`
picks the base URL of whichever surface serves a path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from telecontract.contract.options import RunOptions
from telecontract.contract.scope import in_scope, reasons_for
from telecontract.credentials import TELESIGN_VARIABLES, VTS_VARIABLES, Credentials
from telecontract.errors import UsageError
from telecontract.redaction import redact_url_credentials
from telecontract.spec import Spec

ENV_TARGET_URL = "TELECONTRACT_TARGET_URL"
VTS_PREFIX = "/v1/Account/"
VOICE_V1_PREFIX = "/v1/voice"
# Long enough for a far host's TLS handshake, short enough that a wrong URL is told within seconds.
PROBE_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


@dataclass(frozen=True, slots=True)
class Target:
    base_url: str  # TeleSign's Number Masking and Voice v2 host (the one URL, for a proxy or the mock)
    credentials: Credentials
    # True when the target is our own mock, so the carrier simulator and defects are available.
    embedded: bool
    # Provider-side delays are multiplied by this (the embedded mock runs fast; live targets at 1).
    time_scale: float = 1.0
    voice_v1_url: str | None = None
    vts_url: str | None = None
    validity_seconds: int = 3600

    def url_for(self, path: str) -> str:
        """The base URL of the surface that serves `path`."""
        if is_vts(path):
            return self.vts_url or self.base_url
        if path == VOICE_V1_PREFIX or path.startswith(VOICE_V1_PREFIX + "/"):
            return self.voice_v1_url or self.base_url
        return self.base_url

    @property
    def urls(self) -> dict[str, str]:
        return {
            "TeleSign (Number Masking, Voice v2)": self.base_url,
            "TeleSign Voice v1": self.url_for(VOICE_V1_PREFIX),
            "VTS": self.url_for(VTS_PREFIX),
        }


def check_url(url: str, flag: str = "--target-url") -> str:
    if not url.startswith(("http://", "https://")):
        raise UsageError(
            f"{flag} {url!r} must start with http:// or https://.",
            hint=f"For example {flag} http://127.0.0.1:8080",
        )
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed port or IPv6 address
        host = None
    if not host:
        raise UsageError(f"{flag} {url!r} names no host.", hint=f"For example {flag} http://127.0.0.1:8080")
    return url.rstrip("/")


def is_vts(path: str) -> bool:
    return path.startswith(VTS_PREFIX)


def credentials_needed(spec: Spec, options: RunOptions) -> tuple[str, ...]:
    """The credential variables a live run must have: those of each provider it sends to (TeleSign's,
    VTS's or both, by the operations it exercises). None for the embedded mock, which has defaults."""
    if not options.live:
        return ()
    paths = [operation.path for operation in in_scope(spec, reasons_for(spec, options))]
    telesign = TELESIGN_VARIABLES if any(not is_vts(p) for p in paths) else ()
    vts = VTS_VARIABLES if any(is_vts(p) for p in paths) else ()
    return (*telesign, *vts)


def live_target(options: RunOptions, credentials: Credentials) -> Target:
    """The target of a live run; each provider URL falls back to --target-url."""
    fallback = check_url(options.target_url) if options.target_url else None
    telesign = check_url(options.telesign_url, "--telesign-url") if options.telesign_url else fallback
    voice = check_url(options.telesign_voice_url, "--telesign-voice-url") if options.telesign_voice_url else None
    vts = check_url(options.vts_url, "--vts-url") if options.vts_url else None
    base = telesign or voice or vts
    if base is None:
        raise UsageError("No target URL given.", hint="Pass --target-url, or --telesign-url / --vts-url.")
    return Target(
        base,
        credentials,
        embedded=False,
        voice_v1_url=voice or telesign or fallback,
        vts_url=vts or fallback or base,
        validity_seconds=options.validity_seconds,
    )


def described(options: RunOptions) -> str:
    """What a run tests, for its reports: the embedded mock, or every URL of the live target."""
    if not options.live:
        return "the embedded mock"
    fallback = options.target_url
    urls = (options.telesign_url or fallback, options.telesign_voice_url or fallback, options.vts_url or fallback)
    return redact_url_credentials(", ".join(dict.fromkeys(url.rstrip("/") for url in urls if url)))


def flag_for(url: str, options: RunOptions) -> str:
    """The flag that gave a live target's URL (each provider URL falls back to --target-url)."""
    given = (
        ("--telesign-url", options.telesign_url),
        ("--telesign-voice-url", options.telesign_voice_url),
        ("--vts-url", options.vts_url),
    )
    for flag, value in given:
        if value and value.rstrip("/") == url:
            return flag
    return f"--target-url (or {ENV_TARGET_URL})"


def check_reachable(target: Target, options: RunOptions, spend: Callable[[], bool]) -> None:
    """One request to each URL of a live target before the suite runs: a target that cannot be
    reached is a mistake in the command (exit 2), not hundreds of failed cases.

    `spend` takes a request from the run's budget (False: none left, so no more probes): each probe
    counts against --max-requests and waits for its slot of the rate limit like every other
    request. Any HTTP answer will do; only the transport is judged.
    """
    for url in dict.fromkeys(target.urls.values()):
        if not spend():
            return
        try:
            httpx.get(url, timeout=PROBE_TIMEOUT)
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            reason = str(exc) or type(exc).__name__
            # One line, the fix included, as for an unreachable receiver.
            raise UsageError(
                f"Target not reachable: {redact_url_credentials(url)} ({reason}); "
                f"start it, or fix {flag_for(url, options)}."
            ) from None


def check_defects(options: RunOptions) -> None:
    """Defects are switches of the embedded mock: unknown names, or a live target, are usage errors."""
    if not options.defects:
        return
    if options.live:
        raise UsageError(
            "--defect only applies to the embedded mock, not to a target URL.", hint="Drop --defect or the target URL."
        )
    from telecontract.mock.defects import DEFECTS

    if unknown := options.defects - DEFECTS.keys():
        raise UsageError(
            f"Unknown defect(s): {', '.join(sorted(unknown))}.", hint="See telecontract mock --list-defects."
        )


@contextmanager
def open_target(
    options: RunOptions,
    credentials: Credentials,
    *,
    time_scale: float = 0.001,
    voice_event_url: str | None = None,
) -> Iterator[Target]:
    """The target the options name, or an embedded mock started for the duration of the block."""
    check_defects(options)
    if options.live:
        yield live_target(options, credentials)
        return
    from telecontract.mock import MockConfig, create_app
    from telecontract.server import serve_in_thread

    config = MockConfig(
        credentials=credentials,
        defects=options.defects,
        time_scale=time_scale,
        voice_event_url=voice_event_url,
        validity_unit=options.validity_unit,
    )
    with serve_in_thread(create_app(config)) as base_url:
        yield Target(
            base_url,
            credentials,
            embedded=True,
            time_scale=time_scale,
            validity_seconds=options.validity_seconds,
        )
