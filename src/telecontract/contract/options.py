"""The options of a contract run, with the one home of each default.

The gate, the pytest options and the fixtures all read a `RunOptions`; live-target politeness
(rate limit, request budget) and the validity unit are decided here and nowhere else.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

# The units of validity_period are the documents' table, which the mock reads too.
from telecontract.documents import DEFAULT_VALIDITY_UNIT, VALIDITY_UNITS
from telecontract.errors import UsageError
from telecontract.redaction import redact_url_credentials
from telecontract.webhooks import PROVIDER_TIMEOUT

LIVE_RATE_LIMIT = "10/s"
LIVE_MAX_REQUESTS = 5000
RATE_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}
RATE_FORM = "N/s, N/m or N/h, e.g. 10/s"


def per_second(rate: str | None) -> float | None:
    """`10/s`, `300/m`, `1000/h` or a bare number of requests per second; None for no limit.

    Read here, where the option lives, so the gate refuses a bad one before anything starts.
    """
    if not rate:
        return None
    amount, _, unit = rate.partition("/")
    per = RATE_UNITS.get(unit.strip())
    try:
        value = float(amount)
    except ValueError:
        value = -1.0
    if per is None or not 0 < value < float("inf"):
        raise UsageError(f"--rate-limit {rate!r}: expected {RATE_FORM}.")
    return value / per


@dataclass(frozen=True, slots=True)
class RunOptions:
    # One URL for a proxy that serves every path, or one per provider host (each falls back to it).
    target_url: str | None = None
    telesign_url: str | None = None
    telesign_voice_url: str | None = None
    vts_url: str | None = None
    defects: frozenset[str] = frozenset()
    rate_limit: str | None = None
    max_requests: int | None = None
    strict: bool = False
    validity_unit: str = DEFAULT_VALIDITY_UNIT
    numbers: tuple[str, ...] | None = None
    allow_calls: bool = False
    # Where a live target may call back (callback, recording and play URLs): the user's receiver.
    callback_url: str | None = None
    # Only operations whose operationId or label contains one of these (empty: all).
    operations: tuple[str, ...] = ()
    spec: Path | None = None  # default: the bundled spec
    report_dir: Path | None = None
    summary_json: Path | None = None
    seed: int | None = None
    # The receiver gate: (webhook kind, URL) pairs, and how long the provider waits for an answer.
    receiver_urls: tuple[tuple[str, str], ...] = ()
    receiver_timeout: float = PROVIDER_TIMEOUT
    numbers_file: Path | None = None  # where `numbers` came from, for the command that repeats a run
    deep: bool = False
    fail_on_rules: tuple[str, ...] = ()  # rules whose warnings fail the run, as the team chose
    warn_on_rules: tuple[str, ...] = ()  # rules whose errors only warn, as the team chose
    suite: Path | None = None  # another contract suite folder (default: the shipped one)
    pytest_args: tuple[str, ...] = ()  # what followed `--` on the gate's command line

    def command(self) -> str:
        """The `telecontract gate` command that repeats this run (same seed, same targets, same options).

        Every field that shapes a run has its flag here; `tests/unit/test_rerun_command.py` parses
        the command back for each field, so a new option without one fails there.
        """
        parts = ["telecontract", "gate"]

        def add(flag: str, value: object) -> None:
            if value is not None and value != "" and value is not False:
                parts.extend([flag] if value is True else [flag, shlex.quote(str(value))])

        add("--seed", self.seed)
        add("--target-url", self.target_url)
        add("--telesign-url", self.telesign_url)
        add("--telesign-voice-url", self.telesign_voice_url)
        add("--vts-url", self.vts_url)
        for kind, url in self.receiver_urls:
            add("--receiver-url", f"{kind}={url}")
        if self.receiver_urls and self.receiver_timeout != PROVIDER_TIMEOUT:
            add("--receiver-timeout", f"{self.receiver_timeout:g}")
        add("--numbers", self.numbers_file)
        add("--allow-calls", self.allow_calls)
        add("--callback-url", self.callback_url)
        for text in self.operations:
            add("--operation", text)
        if self.validity_unit != DEFAULT_VALIDITY_UNIT:
            add("--validity-unit", self.validity_unit)
        add("--rate-limit", self.rate_limit)
        add("--max-requests", self.max_requests)
        add("--spec", self.spec)
        add("--suite", self.suite)
        for name in sorted(self.defects):
            add("--defect", name)
        add("--deep", self.deep)
        for name in self.fail_on_rules:
            add("--fail-on-rule", name)
        for name in self.warn_on_rules:
            add("--warn-on-rule", name)
        add("--strict", self.strict)
        if self.pytest_args:
            parts.append("--")
            parts.extend(shlex.quote(arg) for arg in self.pytest_args)
        return redact_url_credentials(" ".join(parts))  # a proxy's user:password in a URL stays out of logs

    @property
    def live(self) -> bool:
        return any((self.target_url, self.telesign_url, self.telesign_voice_url, self.vts_url))

    @property
    def effective_rate_limit(self) -> str | None:
        return self.rate_limit or (LIVE_RATE_LIMIT if self.live else None)

    @property
    def effective_max_requests(self) -> int | None:
        return self.max_requests or (LIVE_MAX_REQUESTS if self.live else None)

    @property
    def validity_seconds(self) -> int:
        return VALIDITY_UNITS[self.validity_unit]
