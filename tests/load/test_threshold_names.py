"""A threshold on a request the scenario never makes is refused before the run, naming the requests it makes.

Measured, it could only read "no data" and fail the run after the whole load was spent on it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from telecontract.errors import UsageError
from telecontract.load import preflight, scenario_fit
from telecontract.load.plan import LoadPlan
from telecontract.load.storm import Storm


def refusal(plan: LoadPlan) -> UsageError:
    with pytest.raises(UsageError) as refused:
        preflight.check(plan)
    return refused.value


def test_a_misspelled_request_name_is_refused_with_the_names_the_scenario_makes(tmp_path: Path) -> None:
    plan = LoadPlan("masking_sessions", thresholds="p95[create_sms_sesion]<100", report_dir=tmp_path / "r")
    refused = refusal(plan)
    assert refused.message == (
        "Threshold p95[create_sms_sesion]<100: masking_sessions makes no request named 'create_sms_sesion'."
    )
    assert refused.hint is not None and refused.hint.startswith("Did you mean 'create_sms_session'? Its requests:")
    assert "vts_delete_session" in refused.hint


def test_a_callback_storm_threshold_names_a_kind_of_the_run() -> None:
    storm = Storm(urls={"voiceEvent": "http://127.0.0.1:8000/events"})
    preflight.check(LoadPlan("callback_storm", thresholds="p99[voiceEvent (retry)]<250", storm=storm))
    refused = refusal(LoadPlan("callback_storm", thresholds="p99[vtsSessionCallback]<250", storm=storm))
    assert "makes no request named 'vtsSessionCallback'" in refused.message
    assert refused.hint == "Its requests: voiceEvent, voiceEvent (retry), voiceEvent (duplicate)."


def test_a_locustfile_of_ones_own_is_not_second_guessed(tmp_path: Path) -> None:
    own = tmp_path / "mine.py"
    own.write_text("")
    preflight.check(LoadPlan(str(own), thresholds="p95[anything at all]<100", report_dir=tmp_path / "r"))


def names_in(locustfile: Path) -> set[str]:
    """The literal request names a locustfile reports: `self.call("name", ...)` and `name="..."`."""
    names = set()
    for node in ast.walk(ast.parse(locustfile.read_text())):
        if not isinstance(node, ast.Call):
            continue
        called = node.func
        if isinstance(called, ast.Attribute) and called.attr == "call" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        names |= {k.value.value for k in node.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)}
    return names


@pytest.mark.parametrize("scenario", sorted(scenario_fit.REQUEST_NAMES))
def test_the_names_are_those_the_locustfiles_report(scenario: str) -> None:
    assert set(scenario_fit.REQUEST_NAMES[scenario]) == names_in(preflight.SCENARIOS / f"{scenario}.py")


def test_every_shipped_scenario_has_its_names() -> None:
    assert set(preflight.known_scenarios()) == {*scenario_fit.REQUEST_NAMES, scenario_fit.STORM}


def test_the_command_says_so_in_one_line_and_exits_2(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "telecontract.cli", "load", "--scenario", "callbacks"]
    command += ["--thresholds", "p95[place_calls]<100", "--report-dir", str(tmp_path / "r")]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2, ran.stderr
    assert ran.stderr.splitlines() == [
        "error: Threshold p95[place_calls]<100: callbacks makes no request named 'place_calls'.",
        "  hint: Did you mean 'place_call'? Its requests: place_call.",
    ]
    assert not (tmp_path / "r").exists()  # nothing started
