"""A newcomer's mistakes with `telecontract gate`, each answered in one line, and output read once.

A forgotten pair of dashes, Ctrl-C, wrong credentials against a live target; the verdict and the
"left out" list printed once; progress lines that start a line of their own in a CI log.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from telecontract.cli import gate_checks
from telecontract.cli.gate import gate
from telecontract.contract.summary import OperationTally, RunSummary
from telecontract.credentials import (
    ENV_TELESIGN_API_KEY,
    ENV_TELESIGN_CUSTOMER_ID,
    ENV_VTS_AUTH_ID,
    ENV_VTS_AUTH_TOKEN,
    Credentials,
)
from telecontract.errors import UsageError
from test_gate_live import GATE
from wire_recording import LISTED, upstream

FLAGS = {flag for param in gate.params for flag in param.opts}
QUICK = ["--", "--hypothesis-profile=quick"]
ONE_OPERATION = ["--seed", "1", "--operation", "createSmsMaskedSession"]


def environment(**overrides: str) -> dict[str, str]:
    """The mock's own credentials (a live target needs them set), and no target URL from outside."""
    env = os.environ | Credentials.from_env().environment() | overrides
    env.pop("TELECONTRACT_TARGET_URL", None)
    return env


def run_gate(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE} | kwargs
    return subprocess.run(  # type: ignore[call-overload]
        [*GATE, *args], text=True, timeout=600, env=environment(**(env or {})), **streams
    )


# ---- a bare word: the dashes forgotten -------------------------------------------------------------


def test_a_bare_word_is_one_line_naming_the_flag_meant_and_exit_2() -> None:
    result = run_gate("strict")
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stderr == "error: 'strict' is not a gate option or a test path; did you mean --strict?\n"
    assert result.stdout == ""  # before anything runs: no table, no pytest output


def test_a_missing_test_path_after_the_dashes_is_one_line(tmp_path: Path) -> None:
    result = run_gate("--", "tests/no_such_test.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: test path 'tests/no_such_test.py' not found (paths are from {tmp_path}).\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "meant"),
    [(["deep"], "--deep"), (["-x", "strcit"], "--strict"), (["dry-run"], "--dry-run")],
)
def test_a_bare_word_names_the_closest_flag(args: list[str], meant: str) -> None:
    with pytest.raises(UsageError, match=f"did you mean {meant}\\?$"):
        gate_checks.refuse_bare_words(args, FLAGS)


@pytest.mark.parametrize(
    "args",
    [
        ["-k", "strict"],  # an option's value, by pytest's own parser
        ["-m", "not slow", "--tb", "short"],
        ["--hypothesis-profile", "quick"],  # a plugin's option, with its value apart
        [__file__],
        [f"{__file__}::test_a_bare_word_names_the_closest_flag"],
        ["--pyargs", "telecontract.suite"],
        ["-rs", "-q"],
    ],
)
def test_what_pytest_takes_as_an_option_or_an_existing_path_is_not_refused(args: list[str]) -> None:
    gate_checks.refuse_bare_words(args, FLAGS)


# ---- Ctrl-C ----------------------------------------------------------------------------------------


def test_ctrl_c_is_one_line_and_exit_130_without_a_traceback() -> None:
    # SIGINT as a terminal sends it; reset to the default first, in case this test runs where it is
    # ignored (a background job), which the child would inherit.
    process = subprocess.Popen(
        [*GATE, "--seed", "1", "--progress", "lines"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    seen = []
    try:
        assert process.stderr is not None
        # Tests are running once the phase after the first one shows.
        while not any(line.startswith("progress: domain rules") for line in seen):
            line = process.stderr.readline()
            assert line, "the gate ended before it showed its progress: " + "".join(seen)
            seen.append(line)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    output = stdout + stderr
    assert process.returncode == 130, output[-4000:]
    said = [line for line in stderr.splitlines() if not line.startswith("progress: ")]
    assert said == [
        "interrupted: the run stopped at Ctrl-C, before its verdict; repeat it with: telecontract gate --seed 1"
    ]
    assert re.fullmatch(r"[A-Za-z,.]*", stdout.strip()), stdout[-3000:]  # at most a test's letters
    for noise in ("Traceback", "KeyboardInterrupt", "could not run", "exit status", "ERROR"):
        assert noise not in output


# ---- output read once ------------------------------------------------------------------------------


def test_the_verdict_and_the_left_out_list_print_once_under_the_gate() -> None:
    result = run_gate(*ONE_OPERATION, *QUICK)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert result.stdout.count("left out: POST /v1/voice: not selected (--operation)") == 1
    assert len(re.findall(r"^PASS: the target honours the contract", result.stdout, re.MULTILINE)) == 1
    assert "contract verdict" not in result.stdout
    assert "reports:" not in result.stdout  # none asked for, none written
    # Narrowed to one operation: the progress counts that one, not every operation of the spec.
    assert "operations 0/1" in result.stderr and "operations 1/1" in result.stderr
    assert "/10" not in result.stderr.replace("steps", "")
    # The check kinds are those that judged the one operation, not every rule of the spec.
    kinds = result.stdout.split("check kinds:", 1)[1].split("left out:", 1)[0]
    assert "masked_id_differs_from_real_number" in kinds and "deleted_session_is_gone" not in kinds


def test_the_gate_says_once_where_it_wrote_its_reports(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "summary.md").write_text("an earlier run's")
    os.utime(reports / "summary.md", (0, 0))  # written long before this run: the engine writes it anew
    result = run_gate(*ONE_OPERATION, "--report-dir", str(reports), *QUICK, "-k", "test_operation_conforms")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("reports: ")]
    names = ("report.html", "summary.md", "junit.xml", "traffic.har", "traffic.ndjson")
    assert line == "reports: " + ", ".join(str(reports / name) for name in names)
    assert result.stdout.splitlines()[-2].startswith("PASS")  # then the verdict, then the seed, as a load run
    assert "an earlier run's" not in (reports / "summary.md").read_text()


def test_under_plain_pytest_the_engine_still_prints_its_summary(tmp_path: Path) -> None:
    suite = [
        sys.executable,
        "-m",
        "pytest",
        "-o",
        "addopts=",
        "-p",
        "telecontract.contract.plugin",
        "--pyargs",
        "telecontract.suite",
    ]
    suite += ["-q", "-p", "no:cacheprovider", "--operation=createSmsMaskedSession", "--hypothesis-profile=quick"]
    suite += ["--hypothesis-seed=1", "-k", "test_operation_conforms"]
    result = subprocess.run(suite, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count("contract verdict: PASS") == 1
    assert result.stdout.count("left out: POST /v1/voice: not selected (--operation)") == 1


def test_progress_lines_start_a_line_of_their_own_among_pytests_letters() -> None:
    # A defect makes tests fail: pytest writes an F for each, without a newline, on stdout; stderr is
    # the same pipe, as in a CI log.
    result = run_gate(
        "--seed", "1", "--progress", "lines", "--defect", "auth_ignored", *QUICK, stderr=subprocess.STDOUT
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:]
    assert "progress: " in result.stdout
    assert re.search(r"^F", result.stdout, re.MULTILINE), "no failure letter: the check below would prove nothing"
    assert not re.search(r"[^\n]progress: ", result.stdout), re.findall(r".*progress: .*", result.stdout)


# ---- wrong credentials against a live target -------------------------------------------------------


def wrong(variable: str) -> dict[str, str]:
    other = {
        ENV_TELESIGN_API_KEY: base64.b64encode(b"not this account's key, another").decode(),
        ENV_VTS_AUTH_TOKEN: "not-this-accounts-token",
    }
    return {variable: other[variable]}


@pytest.mark.parametrize(
    ("operation", "variable", "named", "not_named"),
    [
        (
            "createSmsMaskedSession",
            ENV_TELESIGN_API_KEY,
            f"{ENV_TELESIGN_CUSTOMER_ID} and {ENV_TELESIGN_API_KEY}",
            ENV_VTS_AUTH_TOKEN,
        ),
        (
            "listVtsMaskingSessions",
            ENV_VTS_AUTH_TOKEN,
            f"{ENV_VTS_AUTH_ID} and {ENV_VTS_AUTH_TOKEN}",
            ENV_TELESIGN_API_KEY,
        ),
    ],
    ids=["TeleSign", "VTS"],
)
def test_wrong_credentials_are_named_in_the_verdict(
    tmp_path: Path, operation: str, variable: str, named: str, not_named: str
) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("\n".join(LISTED) + "\n")
    with upstream() as (url, recorder):
        result = run_gate(
            "--target-url", url, "--numbers", str(numbers), "--operation", operation,
            "--rate-limit", "5000/s", "--seed", "3", *QUICK, env=wrong(variable),
        )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    verdict = [line for line in result.stdout.splitlines() if line.startswith("FAIL: ")]
    assert len(verdict) == 1, result.stdout[-3000:]
    refused = re.search(
        r"; (nearly )?every answer of the run was 401, so the target refused the credentials: check (.*)$", verdict[0]
    )
    assert refused and refused.group(2) == named, verdict[0]
    assert not_named not in verdict[0]
    # Printed once: the engine leaves its summary to the gate, but for the live-run guard's tally.
    assert len(re.findall(r"^live-run guard: \d+ requests sent of at most 5000$", result.stdout, re.MULTILINE)) == 1
    assert recorder.requests, "nothing reached the provider"


def tally(statuses: dict[int, int]) -> OperationTally:
    return OperationTally(cases=sum(statuses.values()), statuses=Counter(statuses))


def test_a_refusal_is_nearly_every_answer_of_an_operation_that_never_answered_2xx() -> None:
    summary = RunSummary(
        operations={
            "POST /v1/voice": tally({401: 46, 405: 7, 400: 2}),  # a 405 comes before authentication
            "GET /v1/Account/{auth_id}/Masking/Session": tally({200: 30, 401: 1}),
            "POST /v2/voice": tally({400: 20, 401: 5}),  # never 2xx, but not for its credentials
        }
    )
    refusal = summary.refusal()
    assert refusal is not None
    assert refusal.operations == ("POST /v1/voice",)
    assert refusal.variables == (ENV_TELESIGN_CUSTOMER_ID, ENV_TELESIGN_API_KEY)
    assert refusal.sentence() == (
        "nearly every answer of POST /v1/voice was 401, so the target refused the credentials: "
        f"check {ENV_TELESIGN_CUSTOMER_ID} and {ENV_TELESIGN_API_KEY}"
    )
    verdict = summary.verdict(strict=False, suite_status=0)
    assert verdict.reason.startswith(
        "never answered 2xx, so the happy path went unchecked: POST /v1/voice, POST /v2/voice"
    )
    assert verdict.reason.endswith(refusal.sentence())


def test_no_refusal_when_the_credentials_were_taken() -> None:
    summary = RunSummary(operations={"POST /v1/voice": tally({200: 10, 401: 40}), "voiceEvent": tally({401: 9})})
    assert summary.refusal() is None  # a 2xx answer; and a receiver's webhook is no provider operation
    assert "refused" not in summary.verdict(strict=False, suite_status=0).reason
