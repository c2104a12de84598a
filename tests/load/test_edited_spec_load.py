"""A load run with an edited spec that adds a required request field still passes (issue 25, for load).

The team's copy adds `x_ref` (a pattern-constrained string) as a required field of every create the
load scenarios send (TeleSign sms / sms_voice sessions, VTS sessions, Voice v1 calls, the Voice v2
dial, at its top level and in its params), the request examples left as they were. The embedded
mock reads the edited spec and refuses a body without `x_ref`
(`tests/contract/test_edited_spec_bodies.py` shows it); the scenarios build their bodies from the
run's spec, so they carry it and the run passes on its default thresholds.

The runs go side by side (each waits mostly on its own processes), so the test lasts about one run.
Locust runs in subprocesses: importing it here would monkey-patch this process with gevent.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from telecontract.spec import bundled_spec_path, read_document

X_REF = {"type": "string", "pattern": "^REF-[0-9]{4}$"}
# The schemas of what the scenarios create; DialParams: a field the dial's params lack, beside the `to` it sets.
CREATE_SCHEMAS = ("MaskedSessionRequest", "VoiceCallRequest", "DialRequest", "DialParams", "VtsSessionCreateRequest")
# What each scenario sends, by request name, that proves its creates were taken (a create the mock
# refused ends its journey there: no VTS get, no call's events).
TAKEN = {
    "masking_sessions": ("create_sms_voice_session", "create_sms_session", "vts_get_session"),
    "voice_calls": ("dial", "call_events_in_order"),
    "callbacks": ("place_call",),
}


def with_required_x_ref(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` whose create requests require `x_ref`; their examples unchanged."""
    document = copy.deepcopy(document)
    schemas = document["components"]["schemas"]
    for name in CREATE_SCHEMAS:
        schema = schemas[name]
        if "allOf" in schema:  # VTS: settings, PIN settings and parties, each its own part
            schema["allOf"].append({"type": "object", "required": ["x_ref"], "properties": {"x_ref": dict(X_REF)}})
        else:
            schema["properties"]["x_ref"] = dict(X_REF)
            schema.setdefault("required", []).append("x_ref")
    return document


def start_load(scenario: str, spec: Path, report_dir: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "telecontract.cli", "load", "--scenario", scenario, "--spec", str(spec)]
    command += ["--users", "4", "--spawn-rate", "4", "--run-time", "3s", "--report-dir", str(report_dir)]
    # Its own process group: a run left behind by a failed test goes with its mock and Locust.
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tempfile.gettempdir(),
        start_new_session=True,
    )


def test_every_scenario_passes_with_an_edited_spec_that_adds_a_required_request_field(
    tmp_path: Path, locust_table: Callable[[str], dict[str, int]]
) -> None:
    spec = tmp_path / "edited.yaml"
    spec.write_text(yaml.safe_dump(with_required_x_ref(read_document(bundled_spec_path())), sort_keys=False))
    runs = {scenario: start_load(scenario, spec, tmp_path / scenario) for scenario in TAKEN}
    try:
        finished = {scenario: (process, *process.communicate(timeout=300)) for scenario, process in runs.items()}
    finally:
        for process in runs.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    for scenario, (process, stdout, stderr) in finished.items():
        assert process.returncode == 0, f"{scenario}:\n{stdout[-3000:]}{stderr[-3000:]}"
        summary = json.loads((tmp_path / scenario / "summary.json").read_text())
        assert summary["locust"]["requests"] > 0 and summary["locust"]["failures"] == 0, (scenario, summary["locust"])
        sent = locust_table(stderr)
        assert all(sent.get(name, 0) > 0 for name in TAKEN[scenario]), (scenario, sent)
