"""`telecontract mock`, `sink` and `record` at start: what they print, and the mistakes a newcomer makes."""

from __future__ import annotations

import base64
import http.server
import json
import os
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cli_runs import Ran, lines_until, start, stop

from telecontract.credentials import (
    DEFAULT_TELESIGN_API_KEY,
    DEFAULT_TELESIGN_CUSTOMER_ID,
    DEFAULT_VTS_AUTH_TOKEN,
    ENV_TELESIGN_API_KEY,
    ENV_TELESIGN_CUSTOMER_ID,
    ENV_VTS_AUTH_ID,
    ENV_VTS_AUTH_TOKEN,
)

Run = Callable[..., Ran]


def curl_of(banner: list[str]) -> str:
    (line,) = [line for line in banner if line.startswith("try: curl ")]
    return line.removeprefix("try: ")


def run_in_shell(command: str, env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30, env=env)
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


def test_the_mock_prints_its_test_accounts_and_a_curl_that_works_as_printed() -> None:
    mock = start("mock", "--port", "0")
    try:
        banner = lines_until(mock, "try: ")
        assert banner[0].startswith("telecontract mock listening on http://127.0.0.1:")
        assert not banner[0].endswith(":0")
        # Test accounts of the embedded mock, not secrets: in full, so a bare curl need not get a 401.
        shown = "\n".join(banner)
        assert DEFAULT_TELESIGN_CUSTOMER_ID in shown and DEFAULT_TELESIGN_API_KEY in shown
        assert DEFAULT_VTS_AUTH_TOKEN in shown
        created = run_in_shell(curl_of(banner))
        assert created["status"]["code"] == 2700  # type: ignore[index]  # a masked session, created
    finally:
        stop(mock)


def test_accounts_from_the_environment_are_redacted_and_the_curl_names_their_variables() -> None:
    real = {
        ENV_TELESIGN_CUSTOMER_ID: "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D",
        ENV_TELESIGN_API_KEY: base64.b64encode(b"a real account's api key, 32 by").decode(),
        ENV_VTS_AUTH_ID: "MAREALACCOUNT0000001",
        ENV_VTS_AUTH_TOKEN: "a-real-account-token-that-is-secret",
    }
    env = os.environ | real
    mock = start("mock", "--port", "0", env=env)
    try:
        banner = lines_until(mock, "try: ")
        shown = "\n".join(banner)
        for value in real.values():
            assert value not in shown
        assert real[ENV_TELESIGN_API_KEY][-4:] in shown  # the tail, as `aws configure list` shows keys
        curl = curl_of(banner)
        assert f"${ENV_TELESIGN_CUSTOMER_ID}:${ENV_TELESIGN_API_KEY}" in curl
        # Works as printed in the shell that exported the variables (the mock's accounts are the same).
        assert run_in_shell(curl, env=env)["status"]["code"] == 2700  # type: ignore[index]
    finally:
        stop(mock)


@pytest.mark.parametrize("command", ["sink", "record"])
def test_port_0_prints_the_port_it_got(command: str, tmp_path: Path) -> None:
    args = ["--db", str(tmp_path / "d.sqlite3")] if command == "sink" else ["--upstream", "http://127.0.0.1:9"]
    server = start(command, "--port", "0", *args, "--host", "127.0.0.1")
    try:
        (banner,) = lines_until(server, "telecontract sink on" if command == "sink" else "recording ")
        url = banner.split(" ")[3 if command == "sink" else 1].rstrip(",")
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0"), banner
        assert httpx.get(f"{url}/_nothing_here", timeout=10).status_code in (404, 405, 502)  # it is that server
    finally:
        stop(server)


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


@pytest.mark.parametrize(
    "command",
    [["mock"], ["sink", "--db", "{tmp}/d.sqlite3"], ["record", "--upstream", "https://rest-ww.telesign.com"]],
    ids=["mock", "sink", "record"],
)
def test_a_taken_port_is_a_usage_error_before_any_banner(
    command: list[str], taken_port: int, tmp_path: Path, run: Run
) -> None:
    args = [part.format(tmp=tmp_path) for part in command]
    ran = run(*args, "--port", str(taken_port))
    assert ran.code == 2, ran
    assert ran.out == ""  # no banner for a server that never started
    assert "Address already in use" in ran.err and "pick another --port, or --port 0" in ran.err
    assert not (tmp_path / "d.sqlite3").exists()


def test_a_host_that_is_not_an_address_names_host_not_port(run: Run) -> None:
    ran = run("mock", "--host", "999.1.1.1", "--port", "0")
    assert ran.code == 2 and ran.out == ""
    message, hint = ran.err.strip().splitlines()
    assert "999.1.1.1 is not an IP address or a known host name" in message
    assert "--host takes an address of this machine" in hint and "--port" not in hint


def test_an_upstream_without_a_scheme_names_upstream(run: Run) -> None:
    ran = run("record", "--upstream", "rest-ww.telesign.com", "--port", "0")
    assert ran.code == 2 and ran.out == ""
    assert "--upstream 'rest-ww.telesign.com' must start with http:// or https://" in ran.err
    assert "hint: --upstream https://rest-ww.telesign.com" in ran.err and "--target-url" not in ran.err


@pytest.mark.parametrize(
    "spec_text",
    ["openapi: 3.1.0\ninfo: [\n", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"],
    ids=["not YAML", "no webhooks"],
)
def test_a_spec_the_sink_cannot_use_fails_before_the_database_is_created(
    spec_text: str, tmp_path: Path, run: Run
) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(spec_text)
    database = tmp_path / "d.sqlite3"
    ran = run("sink", "--spec", str(spec), "--db", str(database), "--port", "0")
    assert ran.code == 2 and ran.out == "" and "Traceback" not in ran.err, ran
    assert str(spec) in ran.err
    assert list(tmp_path.iterdir()) == [spec]


@pytest.mark.parametrize("command", [["sink", "--db"], ["record", "--upstream", "http://127.0.0.1:9", "--out"]])
def test_a_file_in_a_missing_folder_is_a_usage_error(command: list[str], tmp_path: Path, run: Run) -> None:
    ran = run(*command, str(tmp_path / "no" / "such.file"), "--port", "0")
    assert ran.code == 2 and "does not exist" in ran.err and "Traceback" not in ran.err, ran


class _Upstream(http.server.BaseHTTPRequestHandler):
    """Answers every GET 200 with a small JSON body, and logs nothing of its own."""

    def do_GET(self) -> None:
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_record_logs_what_breaks_the_spec_not_every_request_httpx_forwards(tmp_path: Path) -> None:
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    out = tmp_path / "recorded.ndjson"
    base = f"http://127.0.0.1:{upstream.server_address[1]}"
    recorder = start("record", "--upstream", base, "--port", "0", "--out", str(out))
    try:
        (banner,) = lines_until(recorder, "recording ")
        assert httpx.get(f"{banner.split(' ')[1]}/not/in/the/spec", timeout=10).status_code == 200
        assert out.read_text().count("\n") == 1  # the exchange is in the recording
    finally:
        stop(recorder)
        upstream.shutdown()
    logged = recorder.stderr.read()  # type: ignore[union-attr]
    assert "HTTP Request:" not in logged and "INFO" not in logged, logged
    assert "WARNING" in logged and "/not/in/the/spec" in logged, logged  # the proxy's own finding still shows
