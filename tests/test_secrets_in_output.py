"""A failing live gate at the highest verbosity prints no secret and no listed number, anywhere.

The provider is our mock, served on loopback as a live target with an account of its own (not the
embedded defaults) and defects switched on, so the run fails the ways that print the most: our
tests' tracebacks with their arguments and locals (the Target, its Credentials, signed headers),
schemathesis's "Reproduce with: curl" lines (numbers, nonces), captured logs and live log lines.
Everything the run writes, and its stdout and stderr, is then searched for each secret and each
listed number in every form a run may write them.
"""

from __future__ import annotations

import base64
import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote_plus

import phonenumbers
import pytest

from telecontract.auth import basic_authorization
from telecontract.credentials import Credentials
from telecontract.phone import redact_number
from telecontract.testing import MockProvider

GATE = [sys.executable, "-m", "telecontract.cli", "gate"]
# Not the embedded mock's defaults: values only this run knows, so any sight of one is a leak.
ACCOUNT = Credentials(
    telesign_customer_id="5D2B7C1E-94A0-4F3B-8E6D-0C1A2B3C4D5E",
    telesign_api_key=base64.b64encode(b"team-own-telesign-key/for+tests=").decode("ascii"),
    vts_auth_id="MAOWNACCOUNTID000042",
    vts_auth_token="team-own-vts-token-never-printed",
)
LISTED = ("14155550123", "447700900123")
# Failures of three kinds: auth ignored (our tests' tracebacks show the Target and signed headers;
# schemathesis's auth check fails every operation), a masking answer off schema and a VTS create
# that ignores its settings (schemathesis's curl lines with the numbers and TeleSign's nonces).
DEFECTS = ("auth_ignored", "masking_missing_field", "vts_create_ignores_settings")
# Few operations, few cases: a bounded run that still reaches each kind of failure.
OPERATIONS = ("createSmsMaskedSession", "sendVoiceMessage", "getVoiceCallStatus", "createVtsMaskingSession")
# pytest at its loudest: every verbosity, locals in tracebacks, every report section, live DEBUG logs.
LOUDEST = ["-vvvv", "--showlocals", "-rA", "-o", "log_cli=true", "--log-cli-level=DEBUG"]
# A secret header's value in clear, whatever the redaction knew: a nonce, Basic or TSA credentials.
NONCE_IN_CLEAR = re.compile(r"(?i)x-ts-nonce['\"]?\s*[:,]\s*b?['\"]?[0-9a-f]{8}-[0-9a-f]{4}-")
CREDENTIAL_IN_CLEAR = re.compile(r"(?i)authorization['\"]?\s*[:,]\s*b?['\"]?(?:basic|tsa)\s")
# Hypothesis's cache (under --report-dir) of the string literals in the code it runs.
HYPOTHESIS_CONSTANTS = ".hypothesis/constants/"


@dataclass(frozen=True)
class Run:
    code: int
    texts: dict[str, str]  # where -> what was written there (stdout, stderr, each file)


def secret_forms(credentials: Credentials) -> set[str]:
    """Each secret as a run might write it: raw, in its Basic token, decoded, percent-encoded."""
    raw = {
        credentials.telesign_customer_id,
        credentials.telesign_api_key,
        credentials.vts_auth_token,
        base64.b64decode(credentials.telesign_api_key).decode("ascii"),
        basic_authorization(credentials.telesign_customer_id, credentials.telesign_api_key).split()[1],
        basic_authorization(credentials.vts_auth_id, credentials.vts_auth_token).split()[1],
    }
    return raw | {quote(value, safe="") for value in raw} | {quote_plus(value) for value in raw}


def number_patterns(digits: str) -> list[re.Pattern[str]]:
    """The number with and without its country code, its digits apart by any separators people write."""
    national = str(phonenumbers.parse("+" + digits).national_number)
    return [re.compile(r"(?<!\d)" + r"[\s().+\-]*".join(form) + r"(?!\d)") for form in (digits, national)]


def readable(text: str) -> list[str]:
    """The text as written, percent-decoded and XML-unescaped: a secret hides in none of them."""
    return [text, unquote_plus(text), html.unescape(text)]


@pytest.fixture
def failing_provider() -> Iterator[str]:
    with ExitStack() as stack:
        mock = stack.enter_context(MockProvider(credentials=ACCOUNT))
        for defect in DEFECTS:
            stack.enter_context(mock.defect(defect))
        yield mock.url


def run_gate(url: str, folder: Path) -> Run:
    numbers = folder / "numbers.txt"
    numbers.write_text(f"+{LISTED[0]}\n{LISTED[1]}\n")
    reports, junit = folder / "reports", folder / "junit.xml"
    operations = [arg for op in OPERATIONS for arg in ("--operation", op)]
    command = [
        *GATE,
        *("--target-url", url, "--numbers", str(numbers), "--allow-calls", *operations),
        *("--max-requests", "400", "--rate-limit", "5000/s", "--seed", "3"),
        *("--report-dir", str(reports), "--junit-xml", str(junit)),
        *("--", "--hypothesis-profile=quick", *LOUDEST),
    ]
    env = os.environ | ACCOUNT.environment()
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=folder)
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p != numbers):
        texts[str(path.relative_to(folder))] = path.read_bytes().decode("utf-8", errors="replace")
    return Run(result.returncode, texts)


def leaks_in(where: str, text: str) -> list[str]:
    """Each secret, listed number or credential header that `text` shows in clear."""
    found: list[str] = []
    versions = readable(text)
    for secret in sorted(secret_forms(ACCOUNT)):
        if any(secret in version for version in versions):
            found.append(f"{where}: a secret, {secret[:4]}...")
    for digits in LISTED:
        for pattern in number_patterns(digits):
            for version in versions:
                if match := pattern.search(version):
                    start = max(match.start() - 60, 0)
                    found.append(
                        f"{where}: listed number {redact_number(digits)} in {version[start : match.end() + 20]!r}"
                    )
                    break
    if HYPOTHESIS_CONSTANTS in where:
        return found  # literals of our source code (`'Authorization', 'Basic '`), no header that was sent
    for pattern in (NONCE_IN_CLEAR, CREDENTIAL_IN_CLEAR):
        if match := pattern.search(text):
            found.append(f"{where}: {match.group()!r}")
    return found


def test_a_failing_live_run_at_the_highest_verbosity_prints_no_secret_and_no_listed_number(
    failing_provider: str, tmp_path: Path
) -> None:
    run = run_gate(failing_provider, tmp_path)
    # The run failed the loud ways and wrote every report: else finding nothing would prove nothing.
    assert run.code == 1, run.texts["stdout"][-3000:] + run.texts["stderr"][-3000:]
    written = {
        "junit.xml",
        *(f"reports/{name}" for name in ("summary.md", "report.html", "traffic.har", "traffic.ndjson")),
    }
    assert written <= run.texts.keys(), sorted(run.texts)
    assert "Reproduce with" in run.texts["stdout"] and "Reproduce with" in run.texts["junit.xml"]
    assert "target = Target(" in run.texts["stdout"]  # a traceback's arguments, printed in full

    leaks = [leak for where, text in run.texts.items() for leak in leaks_in(where, text)]
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(leaks[:40])
    assert redact_number(LISTED[0]) in run.texts["stdout"]  # the numbers were there, masked
