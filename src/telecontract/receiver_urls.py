"""Which URL receives which kind of callback: `--receiver-url [KIND=]URL`, checked before a run."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from telecontract.errors import UsageError

CONNECT_TIMEOUT = 3.0


def parse_receiver_urls(values: Iterable[str], kinds: list[str]) -> dict[str, str]:
    """kind -> URL. A bare URL receives every kind a `KIND=URL` does not claim."""
    bare: str | None = None
    claimed: dict[str, str] = {}
    for value in values:
        kind, sep, url = value.partition("=")
        if not sep or kind.startswith(("http://", "https://")):
            kind, url = "", value
        _check_url(value, url)
        if not kind:
            if bare is not None:
                raise UsageError(
                    f"Two receiver URLs without a kind: {bare} and {url}.",
                    hint=f"Give one bare URL, or name the kind: --receiver-url KIND=URL ({', '.join(kinds)}).",
                )
            bare = url
        elif kind not in kinds:
            raise UsageError(
                f"--receiver-url {value}: the spec has no webhook named {kind!r}.",
                hint=f"Kinds: {', '.join(kinds)}.",
            )
        else:
            claimed[kind] = url
    if bare is None:
        return claimed
    return {kind: claimed.get(kind, bare) for kind in kinds}


def _check_url(value: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--receiver-url {value}: {url!r} is not an http(s) URL.",
            hint="e.g. --receiver-url voiceEvent=http://127.0.0.1:8000/telesign/events",
        )


def check_reachable(urls: dict[str, str]) -> None:
    """A receiver that nothing listens on is a mistake in the command, not a finding: exit 2."""
    for url in sorted(set(urls.values())):
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            with socket.create_connection((parts.hostname, port), timeout=CONNECT_TIMEOUT):
                pass
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            # One line, hint included: the usual cause is a receiver not started yet.
            raise UsageError(
                f"Receiver not reachable: {url} ({reason}); start it first or fix --receiver-url."
            ) from None
