"""Files a newcomer hands over as Excel, Notepad or a typo leave them: one line with the fix, exit 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runs import Ran

from telecontract.errors import SpecError, UsageError
from telecontract.numbers import read_numbers
from telecontract.spec import read_document

Run = Callable[..., Ran]
BOM = b"\xef\xbb\xbf"


def test_a_numbers_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    listed = tmp_path / "numbers.txt"
    listed.write_bytes(BOM + b"+14155550123\r\n447700900123\r\n")  # Excel's "CSV UTF-8", Notepad's UTF-8
    assert read_numbers(listed) == ("14155550123", "447700900123")


def test_a_numbers_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    listed = tmp_path / "numbers.txt"
    listed.write_bytes("+14155550123\n# Zoë's phone\n".encode("latin-1"))
    with pytest.raises(UsageError) as refused:
        read_numbers(listed)
    assert refused.value.message == f"{listed}:2: not UTF-8 text (byte 0xeb)."
    assert "Save the file as UTF-8" in str(refused.value.hint)


def test_the_gate_says_so_in_one_line_without_a_traceback(tmp_path: Path, run: Run) -> None:
    listed = tmp_path / "numbers.txt"
    listed.write_bytes(b"+1415\xff5550123\n")
    ran = run("gate", "--numbers", str(listed), "--dry-run")
    assert ran.code == 2 and "Traceback" not in ran.err
    assert ran.err.splitlines()[0] == f"error: {listed}:1: not UTF-8 text (byte 0xff)."


def test_a_yaml_error_names_the_file_line_and_column(tmp_path: Path) -> None:
    spec = tmp_path / "edited.yaml"
    spec.write_text("openapi: 3.1.0\ninfo:\n  title: [unclosed\n")
    with pytest.raises(SpecError) as refused:
        read_document(spec)
    message = refused.value.message
    assert message.startswith(f"{spec}:4:1: not valid YAML or JSON: "), message
    assert "<unicode string>" not in str(refused.value) and "\n" not in message


def test_a_spec_with_a_byte_order_mark_is_read_and_one_not_utf8_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "edited.yaml"
    spec.write_bytes(BOM + b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\n")
    assert read_document(spec)["openapi"] == "3.1.0"
    spec.write_bytes(b"openapi: 3.1.0\ninfo: {title: caf\xe9, version: '1'}\n")
    with pytest.raises(SpecError) as refused:
        read_document(spec)
    assert refused.value.message == f"{spec}:2: not UTF-8 text (byte 0xe9)."


def test_drift_on_a_broken_spec_is_one_line_and_exit_2(tmp_path: Path, run: Run) -> None:
    spec = tmp_path / "edited.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: [\n")
    ran = run("drift", "docs", "--spec", str(spec))
    assert ran.code == 2 and "Traceback" not in ran.err
    error, hint = ran.err.strip().splitlines()
    assert error.startswith(f"error: {spec}:3:1: not valid YAML or JSON:") and hint.startswith("  hint: ")


@pytest.mark.parametrize("where", ["a-file", "a-file/load"])
def test_a_load_report_dir_that_is_or_is_under_a_file_is_one_line(where: str, tmp_path: Path, run: Run) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    ran = run("load", "--scenario", "masking_sessions", "--run-time", "2s", "--report-dir", str(tmp_path / where))
    assert ran.code == 2 and "Traceback" not in ran.err and ran.out == "", ran
    assert ran.err.startswith(f"error: --report-dir {tmp_path / where} is a file.") or "Not a directory" in ran.err
