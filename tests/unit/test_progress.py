"""Progress: plain lines without escape codes in CI, a live bar on a terminal, nothing when off."""

from __future__ import annotations

import re

import pytest

from telecontract.progress import ProgressDisplay, clock

ESCAPE = re.compile(r"\x1b\[")


def test_lines_name_phase_done_elapsed_and_an_estimate(capfd: pytest.CaptureFixture[str]) -> None:
    display = ProgressDisplay(40, unit="steps", mode="lines", every=3600)
    display.update(0, phase="malformed bodies")
    display.update(1, phase="malformed bodies")  # same phase, within the interval: no new line
    display.update(20, phase="domain rules", detail="operations 3/10")
    display.close()
    lines = capfd.readouterr().err.splitlines()
    assert lines[0].startswith("progress: malformed bodies, 0/40 steps, 0:00 elapsed")
    assert re.fullmatch(
        r"progress: domain rules, 20/40 steps, operations 3/10, 0:00 elapsed, about 0:00 left", lines[1]
    )
    assert len(lines) == 2
    assert not ESCAPE.search("\n".join(lines))


def test_a_bar_draws_on_the_terminal_and_clears_itself(capfd: pytest.CaptureFixture[str]) -> None:
    display = ProgressDisplay(10, unit="steps", mode="bar")
    display.update(5, phase="callbacks", detail="operations 5/10")
    display.close()
    err = capfd.readouterr().err
    assert ESCAPE.search(err) and "callbacks" in err and "5/10" in err


def test_off_writes_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    display = ProgressDisplay(10, unit="steps", mode="off")
    display.update(5, phase="callbacks")
    display.close()
    assert capfd.readouterr() == ("", "")


def test_clock() -> None:
    assert [clock(5), clock(65), clock(3723)] == ["0:05", "1:05", "1:02:03"]
