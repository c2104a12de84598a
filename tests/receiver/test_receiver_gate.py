"""The receiver gate from the command line: broken receivers give findings, wrong commands exit 2."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from telecontract.server import free_port, serve_in_thread

GATE = [sys.executable, "-m", "telecontract.cli", "gate", "--seed", "1"]


def gate(*args: str) -> subprocess.CompletedProcess[str]:
    # The quick profile: a few generated payloads per kind are enough to meet a broken receiver.
    return subprocess.run(
        [*GATE, *args, "--", "--hypothesis-profile=quick"], capture_output=True, text=True, timeout=300
    )


def receiver_answering(answer: Response) -> Starlette:
    async def receive(request: Request) -> Response:
        await request.body()
        return answer

    return Starlette(routes=[Route("/{kind}", receive, methods=["POST"])])


@pytest.fixture
def failing_receiver() -> Iterator[str]:
    with serve_in_thread(receiver_answering(Response("boom", status_code=500))) as url:
        yield url


def test_a_receiver_answering_500_to_everything_fails_with_findings(failing_receiver: str, tmp_path: Path) -> None:
    run = gate("--receiver-url", f"{failing_receiver}/all", "--report-dir", str(tmp_path))
    assert run.returncode == 1, run.stdout[-3000:]
    assert "error: receiver_acknowledges_callback" in run.stdout
    assert "Receiver gate against" in run.stdout
    assert "Traceback" not in run.stderr
    page = (tmp_path / "report.html").read_text()  # rows are the webhooks, findings by rule
    assert "Receiver gate against" in page and "<th>webhook</th>" in page and "voiceEvent" in page
    assert 'id="rule-receiver_acknowledges_callback"' in page


def test_a_receiver_that_answers_events_with_html_breaks_the_action_rule() -> None:
    with serve_in_thread(receiver_answering(HTMLResponse("<html>thanks</html>"))) as url:
        run = gate("--receiver-url", f"voiceEvent={url}/events")
    assert run.returncode == 1, run.stdout[-3000:]
    assert "error: receiver_answers_with_valid_action" in run.stdout
    assert "text/html" in run.stdout


def test_an_unreachable_receiver_is_a_usage_error_in_one_line() -> None:
    run = gate("--receiver-url", f"http://127.0.0.1:{free_port()}/callbacks")
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "Receiver not reachable" in run.stderr


def test_an_unknown_kind_is_a_usage_error_naming_the_kinds() -> None:
    run = gate("--receiver-url", "smsEvent=http://127.0.0.1:9/x")
    assert run.returncode == 2
    assert "vtsSessionCallback" in run.stderr


def test_a_receiver_gate_and_a_provider_target_are_separate_runs(failing_receiver: str) -> None:
    run = gate("--receiver-url", failing_receiver, "--target-url", "http://127.0.0.1:9")
    assert run.returncode == 2
    assert "Run the gate once for each" in run.stderr
