"""The command that repeats a run: every option that changes what a run does, and nothing else."""

from __future__ import annotations

import shlex
from pathlib import Path

from telecontract.contract.options import RunOptions
from telecontract.load.run import LoadPlan


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
