"""`telecontract mock` as a user runs it."""

from __future__ import annotations

import subprocess
import sys

import httpx

from telecontract.mock.defects import DEFECTS

MOCK = [sys.executable, "-m", "telecontract.cli", "mock"]


def test_list_defects_gives_each_defect_and_the_finding_that_proves_it_caught() -> None:
    listed = subprocess.run([*MOCK, "--list-defects"], capture_output=True, text=True, timeout=60)
    lines = listed.stdout.strip().splitlines()
    assert listed.returncode == 0 and len(lines) == 2 * len(DEFECTS) >= 30
    for (name, defect), described, caught in zip(sorted(DEFECTS.items()), lines[::2], lines[1::2], strict=True):
        assert described.startswith(name) and defect.description in described
        expected = defect.expected
        assert caught.strip() == f"caught by {expected.rule} on {expected.where}, saying {expected.detail!r}"


def test_mock_prints_its_url_and_serves() -> None:
    process = subprocess.Popen([*MOCK, "--port", "0", "--defect", "auth_ignored"], stdout=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()  # type: ignore[union-attr]
        assert first.startswith("telecontract mock listening on http://127.0.0.1:")
        url = first.split(" on ")[1].strip()
        response = httpx.get(f"{url}/v1/voice/{'0' * 32}", timeout=10)  # no credentials: the defect lets it in
        assert response.status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_unknown_defect_is_a_usage_error() -> None:
    result = subprocess.run([*MOCK, "--defect", "no_such_defect"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no_such_defect" in result.stderr
