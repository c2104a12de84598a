"""The command that repeats a run: every option that changes what a run does, and nothing else."""

from __future__ import annotations

import dataclasses
import shlex
from pathlib import Path
from typing import Any

import pytest

from telecontract.cli.gate import gate
from telecontract.cli.gate_checks import options_from
from telecontract.contract.options import RunOptions
from telecontract.contract.target import ENV_TARGET_URL
from telecontract.load.run import LoadPlan
from telecontract.numbers import read_numbers

# Fields that do not shape what a run does, so the command leaves them out on purpose.
NOT_REPEATED = {
    "numbers": "read from numbers_file, which the command names",
    "report_dir": "where the reports go; repeating into it would overwrite the reports being read",
    "summary_json": "where plain pytest writes its summary (not a gate option)",
}


def samples(tmp_path: Path) -> dict[str, dict[str, Any]]:
    """For each repeated field: a value unlike its default, with the fields it needs beside it."""
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("+14155550123\n")
    suite = tmp_path / "my suite"
    suite.mkdir()
    receiver = (("voiceEvent", "http://127.0.0.1:8000/events"),)
    return {
        "target_url": {"target_url": "https://staging.example.com/a b"},
        "telesign_url": {"telesign_url": "https://rest-ww.telesign.com"},
        "telesign_voice_url": {"telesign_voice_url": "https://rest-api.telesign.com"},
        "vts_url": {"vts_url": "https://api.vtscom.net"},
        "defects": {"defects": frozenset({"auth_ignored", "masking_missing_field"})},
        "rate_limit": {"rate_limit": "5/s"},
        "max_requests": {"max_requests": 100},
        "strict": {"strict": True},
        "validity_unit": {"validity_unit": "seconds"},
        "allow_calls": {"allow_calls": True},
        "callback_url": {"callback_url": "https://hooks.example.com/telecontract"},
        "operations": {"operations": ("/v2/voice", "getVoiceCallStatus")},
        "spec": {"spec": tmp_path.resolve() / "edited.yaml"},
        "seed": {"seed": 3},
        "receiver_urls": {"receiver_urls": receiver},
        "receiver_timeout": {"receiver_timeout": 0.5, "receiver_urls": receiver},
        "numbers_file": {"numbers_file": numbers, "numbers": read_numbers(numbers)},
        "deep": {"deep": True},
        "fail_on_rules": {"fail_on_rules": ("receiver_answers_in_time",)},
        "warn_on_rules": {"warn_on_rules": ("receiver_refuses_forged_callback",)},
        "suite": {"suite": suite},
        "pytest_args": {"pytest_args": ("-x", "-k", "links and not slow")},
    }


def repeated(command: str) -> RunOptions:
    """The options the gate would run with, given the command line `command`."""
    words = shlex.split(command)
    assert words[:2] == ["telecontract", "gate"]
    with gate.make_context("gate", words[2:]) as context:
        return options_from(context.params)


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(RunOptions)])
def test_the_command_repeats_every_option_of_a_run(field: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each field of RunOptions, set alone, survives the trip through the printed command and the
    gate's own parsing; a new field without a repeat form (or a reason it has none) fails here."""
    monkeypatch.delenv(ENV_TARGET_URL, raising=False)
    if field in NOT_REPEATED:
        return
    given = samples(tmp_path)
    assert field in given, f"RunOptions.{field}: give it a flag in RunOptions.command() and a sample here"
    options = RunOptions(**given[field])
    assert options.command() != RunOptions().command()
    assert repeated(options.command()) == options


def test_the_default_run_repeats_with_its_seed_alone() -> None:
    assert RunOptions(seed=7).command() == "telecontract gate --seed 7"


def test_every_option_that_shapes_a_run_is_in_the_command() -> None:
    options = RunOptions(
        seed=3,
        target_url="https://staging.example.com/a b",
        numbers_file=Path("numbers.txt"),
        numbers=("15555551212",),
        allow_calls=True,
        operations=("/v2/voice", "getVoiceCallStatus"),
        validity_unit="seconds",
        rate_limit="5/s",
        max_requests=100,
        spec=Path("edited.yaml"),
        deep=True,
        strict=True,
    )
    assert shlex.split(options.command()) == [
        "telecontract", "gate", "--seed", "3", "--target-url", "https://staging.example.com/a b",
        "--numbers", "numbers.txt", "--allow-calls", "--operation", "/v2/voice", "--operation", "getVoiceCallStatus",
        "--validity-unit", "seconds", "--rate-limit", "5/s", "--max-requests", "100", "--spec", "edited.yaml",
        "--deep", "--strict",
    ]  # fmt: skip


def test_a_receiver_run_repeats_against_the_same_receivers() -> None:
    options = RunOptions(seed=1, receiver_urls=(("voiceEvent", "http://127.0.0.1:8000/e"),), receiver_timeout=0.5)
    assert options.command() == (
        "telecontract gate --seed 1 --receiver-url voiceEvent=http://127.0.0.1:8000/e --receiver-timeout 0.5"
    )


def test_the_command_keeps_the_seed_and_hides_credentials_in_urls() -> None:
    options = RunOptions(seed=1008837334, target_url="https://ci:s3cret@staging.example.com")
    command = options.command()
    assert "--seed 1008837334" in command  # ten digits, not a phone number to mask
    assert "s3cret" not in command and "https://[REDACTED]@staging.example.com" in command


def test_a_load_run_command_spells_out_every_setting_and_hides_credentials() -> None:
    plan = LoadPlan(
        scenario="masking_sessions",
        users=50,
        run_time="5m",
        target_url="https://ci:s3cret@staging.example.com",
        thresholds="p95<100;fail_ratio<0.01",
        baseline=Path("last/summary.json"),
        seed=1008837334,
    )
    command = plan.command()
    assert command.startswith("telecontract load --scenario masking_sessions --users 50 --spawn-rate 10 --run-time 5m")
    assert "--seed 1008837334" in command and "--baseline last/summary.json" in command
    assert "--thresholds 'p95<100;fail_ratio<0.01'" in command
    assert "s3cret" not in command and "https://[REDACTED]@staging.example.com" in command
