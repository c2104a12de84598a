"""The server a contract run talks to: the embedded mock, or the URLs the user gives.

A live provider serves its products from different hosts (TeleSign's Number Masking and Voice v2
on one, Voice v1 on another, VTS on its own), while a proxy may unify them. `Target.url_for`
picks the base URL of whichever surface serves a path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from telecontract.contract.options import RunOptions
from telecontract.contract.scope import in_scope, reasons_for
from telecontract.credentials import TELESIGN_VARIABLES, VTS_VARIABLES, Credentials
from telecontract.errors import UsageError
from telecontract.redaction import redact_url_credentials
from telecontract.spec import Spec

ENV_TARGET_URL = "TELECONTRACT_TARGET_URL"
VTS_PREFIX = "/v1/Account/"
VOICE_V1_PREFIX = "/v1/voice"


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
            return self.base_url if self.vts_url is None else self.vts_url
        if path == VOICE_V1_PREFIX or path.startswith(VOICE_V1_PREFIX + "/"):
            return self.base_url if self.voice_v1_url is None else self.voice_v1_url
        return self.base_url

    @property
    def urls(self) -> dict[str, str]:
        """Each provider's URL; one without (an empty string) is left out of a live run."""
        left_out = "not given: its operations are left out"
        return {
            "TeleSign (Number Masking, Voice v2)": self.base_url or left_out,
            "TeleSign Voice v1": self.url_for(VOICE_V1_PREFIX) or left_out,
            "VTS": self.url_for(VTS_PREFIX) or left_out,
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
    """The providers' own URLs of a live run (each its flag, else --target-url), checked.

    Only for showing and checking them: a run's clients send to the live-run guard on 127.0.0.1
    (`telecontract.wire`), which forwards each request to its provider's URL.
    """
    fallback = check_url(options.target_url) if options.target_url else None
    telesign = check_url(options.telesign_url, "--telesign-url") if options.telesign_url else fallback
    voice = check_url(options.telesign_voice_url, "--telesign-voice-url") if options.telesign_voice_url else fallback
    vts = check_url(options.vts_url, "--vts-url") if options.vts_url else fallback
    base = telesign or voice or vts
    if base is None:
        raise UsageError("No target URL given.", hint="Pass --target-url, or --telesign-url / --vts-url.")
    return Target(
        telesign or "",
        credentials,
        embedded=False,
        voice_v1_url=voice or "",
        vts_url=vts or "",
        validity_seconds=options.validity_seconds,
    )


def guarded_target(guard_url: str, credentials: Credentials, options: RunOptions) -> Target:
    """What a live run's clients talk to: the guard, which routes every path to its provider."""
    return Target(guard_url, credentials, embedded=False, validity_seconds=options.validity_seconds)


def described(options: RunOptions) -> str:
    """What a run tests, for its reports: the embedded mock, or every URL of the live target."""
    if not options.live:
        return "the embedded mock"
    fallback = options.target_url
    urls = (options.telesign_url or fallback, options.telesign_voice_url or fallback, options.vts_url or fallback)
    return redact_url_credentials(", ".join(dict.fromkeys(url.rstrip("/") for url in urls if url)))


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
