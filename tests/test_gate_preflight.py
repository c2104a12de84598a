"""Every mistake in a gate's command is exit 2, told in a line or two, before a single request is sent.

The target here is a server on loopback that counts what it receives: a bad option must leave it
at zero. The checks run in this process (they end before the suite would start); the unreachable
target runs as a user runs it, as a process, timed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.types import Receive, Scope, Send

from telecontract.cli import main
from telecontract.contract.live_run import guard_for, guarded
from telecontract.contract.options import RunOptions
from telecontract.contract.target import described
from telecontract.credentials import DEFAULTS, ENV_VTS_AUTH_ID, Credentials
from telecontract.server import serve_in_thread
from telecontract.spec import load_spec

GATE = [sys.executable, "-c", "from telecontract.cli import main; main()", "gate"]


class Counter:
    """An HTTP server's app that answers 404 to everything and counts the requests."""

    def __init__(self) -> None:
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.requests += 1
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def counted() -> Iterator[tuple[str, Counter]]:
    counter = Counter()
    with serve_in_thread(counter) as url:
        yield url, counter


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with no config file, the credentials a live run needs, and no target in the environment."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    for name in ("TELECONTRACT_CONFIG", "TELECONTRACT_TARGET_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in DEFAULTS.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def gate(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`telecontract gate ARGS` in this process: exit code, and everything it printed."""
    old = sys.argv
    sys.argv = ["telecontract", "gate", *args]
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--rate-limit", "fast"], "'fast': expected N/s, N/m or N/h"),
        (["--rate-limit", "0/s"], "expected N/s, N/m or N/h"),
        (["--max-requests", "0"], "0 is not in the range x>=1"),
        (["--validity-unit", "weeks"], "'weeks' is not one of"),
        (["--operation", "createSmsMaskedSesion"], "--operation 'createSmsMaskedSesion' matches no operation"),
        (["--operation", "createSmsMaskedSession"], "Every operation is left out of this run: takes a party number"),
        (["--numbers", "missing.txt"], "Numbers file not found: missing.txt"),
        (["--suite", "no-such-folder"], "Contract suite folder not found"),
        (["--fail-on-rule", "no_such_rule"], "no such rule"),
        (["--defect", "auth_ignored"], "--defect only applies to the embedded mock"),
        (["--receiver-url", "http://127.0.0.1:1/events"], "--receiver-url tests your receiver"),
        (["--report-dir", "a-file/reports"], "Cannot write reports to a-file/reports"),
        (["--", "--defect", "auth_ignored"], "--defect after `--` is an option the gate sets itself"),
        (["--", "--defect=auth_ignored"], "hint: Give it to the gate, before `--`: telecontract gate --defect"),
        (["--", "--contract-strict"], "telecontract gate --strict"),
        (["--", "--hypothesis-seed=4"], "telecontract gate --seed"),
        (["--", "--max-requests", "9"], "telecontract gate --max-requests"),
        (["--", "--summary-json", "s.json"], "The gate has no flag for it"),
        (["--deep", "--", "--hypothesis-profile=quick"], "both choose the hypothesis profile"),
    ],
)
def test_a_bad_option_is_exit_2_before_any_request(
    args: list[str], said: str, project: Path, counted: tuple[str, Counter], capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "a-file").write_text("not a folder")
    url, counter = counted
    code, printed = gate(["--target-url", url, *args], capsys)
    assert code == 2, printed
    assert said in printed
    assert counter.requests == 0


def test_a_bad_rate_limit_in_the_config_file_is_exit_2(
    project: Path, counted: tuple[str, Counter], capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "telecontract.toml").write_text('[gate]\nrate_limit = "fast"\n')
    url, counter = counted
    code, printed = gate(["--target-url", url], capsys)
    assert code == 2, printed
    assert "rate_limit = 'fast'" in printed and "Allowed: a rate: N/s, N/m or N/h" in printed
    assert counter.requests == 0


@pytest.mark.parametrize("unset", ["absent", "empty", "blank"])
def test_a_live_target_without_a_credential_names_the_variable(
    unset: str,
    project: Path,
    counted: tuple[str, Counter],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GitHub hands a secret that is not set over as an empty string: as good as absent."""
    if unset == "absent":
        monkeypatch.delenv(ENV_VTS_AUTH_ID)
    else:
        monkeypatch.setenv(ENV_VTS_AUTH_ID, "" if unset == "empty" else "  ")
    url, counter = counted
    code, printed = gate(["--target-url", url], capsys)
    assert code == 2, printed
    assert f"{ENV_VTS_AUTH_ID} is not set (or empty); a live target needs the account's own credentials" in printed
    assert counter.requests == 0


def test_a_live_run_asks_only_for_the_credentials_of_the_providers_it_tests(
    project: Path, counted: tuple[str, Counter], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only VTS operations selected: TeleSign's variables may stay unset, VTS's may not."""
    for name in DEFAULTS:
        monkeypatch.delenv(name)
    url, _counter = counted
    code, printed = gate(["--target-url", url, "--operation", "VtsMaskingSession"], capsys)
    assert code == 2
    assert "TELECONTRACT_VTS_AUTH_ID, TELECONTRACT_VTS_AUTH_TOKEN are not set" in printed
    assert "TELESIGN" not in printed


def test_empty_credentials_on_the_embedded_mock_are_its_defaults() -> None:
    empty = {name: "" for name in DEFAULTS}
    assert Credentials.from_env(empty) == Credentials.from_env({})
    assert Credentials.from_env(empty).vts_auth_id == DEFAULTS[ENV_VTS_AUTH_ID]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9", "http://telecontract-test.invalid"])
def test_an_unreachable_target_is_one_line_and_exit_2_within_seconds(url: str) -> None:
    env = os.environ | DEFAULTS
    started = time.monotonic()
    result = subprocess.run([*GATE, "--target-url", url], capture_output=True, text=True, timeout=120, env=env)
    took = time.monotonic() - started
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: Target not reachable: {url} (")
    assert lines[0].endswith("start it, or fix --target-url (or TELECONTRACT_TARGET_URL).")
    assert took < 20, f"{took:.1f} s"  # the interpreter and its imports take most of it


def probed(options: RunOptions) -> int:
    """The requests the guard's probe spent from the run's budget."""
    guard = guard_for(options, load_spec())
    list(guard.probe())
    return guard.allowance.spent


def test_the_probe_counts_against_the_budget(counted: tuple[str, Counter]) -> None:
    """One request per provider URL, spent from the budget the suite then goes on with."""
    url, counter = counted
    options = RunOptions(telesign_url=f"{url}/telesign", telesign_voice_url=f"{url}/voice", vts_url=f"{url}/vts")
    assert (probed(options), counter.requests) == (3, 3)
    options = RunOptions(target_url=url, max_requests=1)  # every surface on one URL: one probe
    assert (probed(options), counter.requests) == (1, 4)
    options = RunOptions(telesign_url=f"{url}/a", vts_url=f"{url}/b", max_requests=1)  # no more than the budget
    assert (probed(options), counter.requests) == (1, 5)


def test_an_unreachable_provider_url_is_named_with_its_own_flag(counted: tuple[str, Counter]) -> None:
    url, _counter = counted
    options = RunOptions(telesign_url=url, vts_url="http://127.0.0.1:9")
    unreachable = r"Target not reachable: http://127\.0\.0\.1:9 .*fix --vts-url\.$"
    with pytest.raises(Exception, match=unreachable), guarded(options, load_spec()):
        pass


def test_a_defect_is_refused_on_a_receiver_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, printed = gate(["--receiver-url", "http://127.0.0.1:1/events", "--defect", "auth_ignored"], capsys)
    assert code == 2 and "--defect switches a defect on in the embedded mock" in printed


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        (RunOptions(), "the embedded mock"),
        (RunOptions(vts_url="https://api.vtscom.net/"), "https://api.vtscom.net"),
        (RunOptions(target_url="https://ci:s3cret@proxy.example"), "https://[REDACTED]@proxy.example"),
        (
            RunOptions(target_url="https://proxy.example", vts_url="https://api.vtscom.net"),
            "https://proxy.example, https://api.vtscom.net",
        ),
    ],
)
def test_the_reports_name_every_url_the_run_tested(options: RunOptions, shown: str) -> None:
    """A run against --vts-url alone is not a run against the embedded mock, whatever the title said."""
    assert described(options) == shown
