"""`telecontract gate` against a URL, as against a real provider: no harm done, no false alarms.

The provider here is our mock behind the recording upstream of `tests/wire_recording.py`, served
on loopback as a live target; quirks make it answer the ways a conforming provider may.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from telecontract.credentials import Credentials
from telecontract.phone import redact_number
from wire_recording import LISTED, Upstream, calls_placed, numbers_answered, numbers_received, upstream

GATE = [sys.executable, "-c", "from telecontract.cli import main; main()", "gate"]
FAST = ["--rate-limit", "5000/s", "--seed", "3"]
QUICK = ["--", "--hypothesis-profile=quick"]  # fewer random cases; every operation still runs


def run_gate(*args: str) -> subprocess.CompletedProcess[str]:
    # A live target needs its credentials set: the ones the provider here was started with.
    env = os.environ | Credentials.from_env().environment()
    return subprocess.run([*GATE, *args], capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture
def numbers_file(tmp_path: Path) -> Path:
    path = tmp_path / "numbers.txt"
    path.write_text(f"# the numbers this account may use\n+{LISTED[0]}\n{LISTED[1]}  # a second party\n")
    return path


def unlisted_sent(up: Upstream) -> set[str]:
    """Numbers the gate wrote anywhere in a request (the wire's own reading) that are neither listed
    nor ones the provider itself answered with (masked ids, virtual numbers), which a run may send back."""
    return numbers_received(up) - set(LISTED) - numbers_answered(up)


def test_dry_run_sends_nothing_and_lists_every_number(numbers_file: Path) -> None:
    with upstream() as (url, recorder):
        result = run_gate("--target-url", url, "--numbers", str(numbers_file), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert recorder.requests == []
    for number in LISTED:
        assert redact_number(number) in result.stdout
        assert number not in result.stdout  # listed, but redacted like every number we print
    assert "places real calls; pass --allow-calls" in result.stdout
    assert "at most 5000" in result.stdout


def test_a_run_with_numbers_sends_no_other_number_and_passes(numbers_file: Path) -> None:
    # A provider that answers as the documents show: undocumented extra fields, its own wording
    # of status descriptions, VTS paths without the trailing slash.
    quirks = frozenset({"extra_fields", "reworded_descriptions", "vts_without_slash"})
    with upstream(quirks=quirks) as (url, recorder):
        result = run_gate("--target-url", url, "--numbers", str(numbers_file), "--allow-calls", *FAST, *QUICK)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "PASS" in result.stdout
    assert "status_description_matches_code" in result.stdout  # reworded: a warning, not a failure
    assert len(recorder.requests) > 200
    assert {r.raw_path.rstrip("/") for r in recorder.requests} >= {"/v1/voice", "/v2/voice"}
    assert numbers_received(recorder) & set(LISTED), "no listed number was sent: the check below proves nothing"
    unlisted = unlisted_sent(recorder)
    assert unlisted == set(), f"unlisted numbers went out: {sorted(map(redact_number, unlisted))}"


def test_without_numbers_party_operations_are_left_out_and_nothing_is_dialled() -> None:
    with upstream() as (url, recorder):
        result = run_gate("--target-url", url, *FAST, *QUICK)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "left out: POST /v1/anonymous/session/sms: takes a party number" in result.stdout
    assert not any(r.raw_path.startswith("/v1/anonymous") or r.raw_path == "/v1/voice" for r in recorder.requests)
    assert calls_placed(recorder) == []
    assert numbers_received(recorder) - numbers_answered(recorder) == set()


def test_a_spent_budget_is_incomplete_and_names_what_was_not_exercised(numbers_file: Path) -> None:
    with upstream() as (url, _recorder):
        result = run_gate("--target-url", url, "--numbers", str(numbers_file), "--max-requests", "25", *FAST, *QUICK)
    assert result.returncode == 3, result.stdout[-3000:]
    assert "INCOMPLETE" in result.stdout
    assert "the request budget ran out before these were exercised:" in result.stdout


@pytest.mark.parametrize(
    ("quirk", "operation", "warning"),
    [
        # One conforming variation with no warning and one inferred one (with its strict rerun) run
        # by default; the rest are the same path with other answers (`-m slow`; each answer form is
        # also judged in-process by tests/providers and tests/mock, in a second).
        pytest.param("json_rate_limit", "/v1/anonymous", None, marks=pytest.mark.slow),
        pytest.param("vts_with_slash", "Masking", None, marks=pytest.mark.slow),
        # A plain-text 429 is Number Masking's published form, a tolerated one for Voice v1.
        pytest.param("text_rate_limit", "/v1/anonymous", None, marks=pytest.mark.slow),
        pytest.param("text_rate_limit", "/v1/voice", "content_type_conformance", marks=pytest.mark.slow),
        ("v2_dial_answers_200", "/v2/voice", "response_schema_conformance"),
        # The providers' other published forms: no warning, as each is a source of its own.
        pytest.param("telesign_published_masking", "/v1/anonymous", None, marks=pytest.mark.slow),
        pytest.param("telesign_published_voice_v2", "/v2/voice", None, marks=pytest.mark.slow),
        ("plivo_vts_shapes", "Masking", None),
    ],
)
def test_a_conforming_variation_passes_and_an_inferred_one_fails_only_strict(
    numbers_file: Path, quirk: str, operation: str, warning: str | None
) -> None:
    args = ["--numbers", str(numbers_file), "--allow-calls", "--operation", operation, *FAST]
    # Rate limits would also meet the auth tests; the link walk gives the VTS session paths a session.
    args += ["--", "-k", "test_operation_conforms or test_link_leads", "--hypothesis-profile=quick"]
    with upstream(quirks=frozenset({quirk})) as (url, _recorder):
        result = run_gate("--target-url", url, *args)
        assert result.returncode == 0, result.stdout[-3000:]
        assert "PASS" in result.stdout
        if warning is None:
            assert "warning:" not in result.stdout
            return
        assert f"warning: {warning}" in result.stdout
        if quirk != "v2_dial_answers_200":  # one strict rerun proves the flag; the verdict's tests do the rest
            return
        strict = run_gate("--target-url", url, "--strict", *args)
    assert strict.returncode == 1, strict.stdout[-3000:]
    assert f"error: {warning}" in strict.stdout or f"warning: {warning}" in strict.stdout
    assert "FAIL" in strict.stdout
