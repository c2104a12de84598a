"""pytest's own outputs (terminal, junit.xml, log lines, warnings) pass the run's redaction."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from telecontract.contract.redacted_output import _redacted
from telecontract.credentials import Credentials
from telecontract.redaction import REDACTED, Redaction

ACCOUNT = Credentials(
    telesign_customer_id="5D2B7C1E-94A0-4F3B-8E6D-0C1A2B3C4D5E",
    telesign_api_key=base64.b64encode(b"team-own-telesign-key/for+tests=").decode("ascii"),
    vts_auth_id="MAOWNACCOUNTID000042",
    vts_auth_token="team-own-vts-token-never-printed",
)
LISTED = ("14155550123", "447700900123")
# A suite that prints the run's token and numbers every way a test can: a failure with locals, an
# exception group, stdout, a log record, a warning, and a module that fails to import.
LEAKY_SUITE = {
    "test_leaky.py": """
import logging, os, warnings

TOKEN = os.environ["TELECONTRACT_VTS_AUTH_TOKEN"]


def test_fails_with_locals():
    headers = {"X-TS-Nonce": "0b9348e3-231d-4659-8359-da8233e8fb14", "token": TOKEN}
    print("printed", TOKEN, "+14155550123")
    logging.getLogger("leaky").warning("logged %s phone_number=%s", TOKEN, "%2B447700900123")
    warnings.warn(f"warned {TOKEN} about +1 415-555-0123")
    assert headers["token"] == "+14155550123"


def test_fails_with_a_group():
    raise ExceptionGroup(f"group {TOKEN}", [ValueError("party ABC447700900123")])
""",
    "test_broken.py": 'import os\nraise RuntimeError("cannot import " + os.environ["TELECONTRACT_VTS_AUTH_TOKEN"])\n',
}


def test_a_longrepr_is_redacted_in_place_and_renders_as_before() -> None:
    token = ACCOUNT.vts_auth_token
    try:
        raise ValueError(f"failed with {token} for +14155550123")
    except ValueError:
        longrepr = pytest.ExceptionInfo.from_current().getrepr(showlocals=True, funcargs=True)
    redaction = Redaction(secrets=ACCOUNT.secrets, numbers=LISTED)
    assert _redacted(longrepr, redaction.text, set()) is longrepr  # the same object: colours, crash line kept
    text = str(longrepr)
    assert token not in text and "14155550123" not in text
    assert f"failed with {REDACTED} for +14*******23" in text
    assert longrepr.reprcrash is not None and token not in longrepr.reprcrash.message


def test_a_runs_terminal_junit_logs_and_warnings_show_no_secret_and_no_listed_number(tmp_path: Path) -> None:
    for name, source in LEAKY_SUITE.items():
        (tmp_path / name).write_text(source)
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("\n".join(LISTED) + "\n")
    junit = tmp_path / "junit.xml"
    command = [
        *(sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider"),
        *("-p", "telecontract.contract.plugin", "-p", "telecontract.contract.redacted_output"),
        *("--numbers", str(numbers), f"--junit-xml={junit}", "-o", "junit_logging=all"),
        *("-vvvv", "--showlocals", "-rA", "-o", "log_cli=true", "--log-cli-level=DEBUG"),
        "--continue-on-collection-errors",
    ]
    env = os.environ | ACCOUNT.environment()
    env.pop("TELECONTRACT_TARGET_URL", None)
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    written = {"stdout": result.stdout, "stderr": result.stderr, "junit.xml": junit.read_text()}
    assert result.returncode == 1, result.stdout[-3000:]
    assert "ERROR collecting test_broken.py" in result.stdout and "2 failed" in result.stdout
    for where, text in written.items():
        for secret in ACCOUNT.secrets:
            assert secret not in text, f"{where}: {secret[:4]}..."
        for number in (*LISTED, "4155550123", "415-555-0123", "0b9348e3-231d"):
            assert number not in text, f"{where}: {number}"
    assert f"printed {REDACTED} +14*******23" in result.stdout and "+14*******23" in written["junit.xml"]
