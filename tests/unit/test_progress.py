"""Progress: plain lines without escape codes in CI, a live bar on a terminal, nothing when off."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from telecontract.contract.progress import GateProgress
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


class SubtestReport(pytest.TestReport):
    """pytest 9's shape: a report class of its own (the old code matched this name)."""


def schemathesis_on_pytest_8(report: pytest.TestReport) -> pytest.TestReport:
    """pytest 8's shape: schemathesis logs a plain TestReport with a marker attribute."""
    report._schemathesis_subtest = True  # type: ignore[attr-defined]
    return report


def a_report(nodeid: str, when: str, *, kind: type[pytest.TestReport] = pytest.TestReport) -> pytest.TestReport:
    return kind(nodeid, ("suite/test_operations.py", 1, nodeid), {}, "passed", None, when)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "subtest",
    [
        lambda nodeid: a_report(nodeid, "call", kind=SubtestReport),
        lambda nodeid: schemathesis_on_pytest_8(a_report(nodeid, "call")),
        lambda nodeid: a_report(nodeid, "call"),  # no marker at all: timing alone tells
    ],
    ids=["pytest 9", "pytest 8", "unmarked"],
)
def test_operations_count_whatever_the_subtest_reports_look_like(subtest: Any) -> None:
    """A per-operation test's subtests are each a step and an operation done; the test itself one step."""
    test = "suite/test_operations.py::test_operation_conforms"
    progress = GateProgress("off", operations=2)
    item = SimpleNamespace(originalname="test_operation_conforms", nodeid=test)
    links = SimpleNamespace(originalname="test_links", nodeid="suite/test_links.py::test_links")
    progress.pytest_collection_modifyitems([item, links])  # type: ignore[list-item]
    progress.pytest_runtest_logreport(a_report(test, "setup"))
    body = progress.pytest_runtest_call(item)  # type: ignore[arg-type]
    next(body)  # the test's body runs: schemathesis logs one report per operation
    progress.pytest_runtest_logreport(subtest(f"{test}[GET /v1/a]"))
    progress.pytest_runtest_logreport(subtest(f"{test}[POST /v1/b]"))
    assert (progress.done, progress.operations_done) == (2, 2)
    with pytest.raises(StopIteration):
        next(body)
    progress.pytest_runtest_logreport(a_report(test, "call"))  # the test's own: not an operation
    progress.pytest_runtest_logreport(a_report(test, "teardown"))
    assert (progress.done, progress.operations_done) == (3, 2)
    progress.pytest_sessionfinish()


def test_the_time_left_counts_what_the_steps_to_come_cost_not_how_many_they_are() -> None:
    """18 plain tests done in 2 s, then 10 operations' generated cases and the stateful run to come.

    Counted alike, 18 of 30 steps in 2 s said "0:01 left" of a run that had most of its time to come.
    """
    plain = [
        SimpleNamespace(originalname=f"test_{n}", nodeid=f"suite/test_domain_rules.py::test_{n}") for n in range(18)
    ]
    per_operation = SimpleNamespace(originalname="test_operation_conforms", nodeid="suite/test_operations.py::t")
    stateful = SimpleNamespace(originalname="test_linked", nodeid="suite/test_stateful.py::test_linked")
    progress = GateProgress("off", operations=10)
    progress.pytest_collection_modifyitems([*plain, per_operation, stateful])  # type: ignore[list-item]
    for test in plain:
        progress.pytest_runtest_logreport(a_report(test.nodeid, "teardown"))
    assert progress.display is not None
    progress.display.started -= 2.0  # the plain tests took 2 s
    line = progress.display.line(progress.done, phase="generated cases", work=progress.work)
    assert line.startswith("progress: generated cases, 18/30 steps, 0:02 elapsed, about ")
    left = line.rsplit("about ", 1)[1].removesuffix(" left")
    minutes, seconds = map(int, left.split(":"))
    # The work to come: 10 operations at 25 plain tests each, the stateful run at 125, one more plain test.
    assert minutes * 60 + seconds == int(2.0 / 18 * (10 * 25 + 125 + 1))
    progress.pytest_sessionfinish()
