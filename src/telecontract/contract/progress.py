"""A pytest plugin that shows a gate run's progress: operations done, the phase, time and an estimate.

Each test is one step; schemathesis runs every operation of the spec as a subtest of one test, and
each of those is a step too (and an operation done). The phase is what the test module checks.
While progress is shown, passed and skipped tests print no letter (the progress says it better, and
letters would break its lines); failures still show theirs.

In lines mode pytest's letters (a failure's `F`) are written to stdout without a newline: each
progress line first ends that line, so in a log of both streams it starts a line of its own.
"Operations done" counts the operations the run exercises, not those it leaves out (`--operation`).

A subtest's report is told apart by when it comes, not by its class: it is logged while the test's
own body runs (inside `pytest_runtest_call`), the test's own call report only after. pytest 9 sends
a `SubtestReport`, schemathesis on pytest 8 a plain `TestReport` with a marker of its own, and
pytest-subtests its own class; the timing is the same for all three.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from telecontract.progress import Mode, ProgressDisplay

# What each module of the suites checks, as the progress line names it.
PHASES = {
    "test_operations": "generated cases",  # short: the bar must fit an 80-column terminal
    "test_stateful": "stateful sequences",
    "test_links": "links",
    "test_bad_input": "malformed bodies",
    "test_domain_rules": "domain rules",
    "test_webhooks": "callbacks",
    "test_receiver": "your receiver",
}
PER_OPERATION_TEST = "test_operation_conforms"
# What a step costs, in plain tests (about 0.1 s each on the embedded mock, a few requests on a live
# target): one operation's generated cases about 25, the stateful sequences about 125 (2.5 s and
# 13 s of a 40 s run). Counted as one step each, the cheap tests that come first made the estimate
# "0:01 left" with most of the run to come.
OPERATION_COST = 25.0
MODULE_COST = {"test_stateful": 125.0}


class GateProgress:
    def __init__(self, mode: Mode, operations: int, exercised: int | None = None) -> None:
        self.mode = mode
        self.operations = operations  # how many subtests the per-operation test runs (some skipped)
        self.exercised = operations if exercised is None else exercised  # of those, the ones not left out
        self.config: pytest.Config | None = None
        self.display: ProgressDisplay | None = None
        self.done = 0
        self.operations_done = 0
        self.work = 0.0  # the cost of the steps done (see OPERATION_COST)
        self.in_body = False  # a test's own body is running: the reports logged now are its subtests'

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        per_operation = [item for item in items if getattr(item, "originalname", "") == PER_OPERATION_TEST]
        steps = len(items) + self.operations * len(per_operation)
        # The operations left out are skipped at once: they cost what a plain test does.
        each = self.exercised * OPERATION_COST + (self.operations - self.exercised)
        work = sum(_cost(item.nodeid) for item in items) + each * len(per_operation)
        self.display = ProgressDisplay(
            steps, unit="steps", mode=self.mode, before_line=self._end_pytests_line, work=work
        )

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self._show(nodeid)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        self.in_body = True
        try:
            return (yield)
        finally:
            self.in_body = False

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        subtest = self.in_body and report.when == "call"
        if subtest:
            self.done += 1
            operation = PER_OPERATION_TEST in report.nodeid and not report.skipped
            self.operations_done += operation
            self.work += OPERATION_COST if operation else 1.0
        elif not subtest and report.when == "teardown":
            self.done += 1
            self.work += _cost(report.nodeid)
        self._show(report.nodeid)

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        """No letter for a pass or a skip while progress is shown."""
        if self.display is None or self.display.mode == "off" or config.get_verbosity() > 0:
            return None
        subtest = self.in_body and report.when == "call"
        if report.passed and report.when == "call":
            return ("subtests passed" if subtest else "passed"), "", ""
        if report.skipped and not hasattr(report, "wasxfail"):
            return ("subtests skipped" if subtest else "skipped"), "", ""
        return None

    def pytest_sessionfinish(self) -> None:
        if self.display is not None:
            self.display.close()

    def _show(self, nodeid: str) -> None:
        if self.display is None:
            return
        module = _module(nodeid)
        phase = PHASES.get(module, module.removeprefix("test_").replace("_", " "))
        detail = f"operations {self.operations_done}/{self.exercised}" if self.exercised else ""
        self.display.update(self.done, phase=phase, detail=detail, work=self.work)

    def _end_pytests_line(self) -> None:
        """End the line pytest's letters left open, and write out what it holds back, before a progress line."""
        plugins = self.config.pluginmanager if self.config is not None else None
        if plugins is None or plugins.get_plugin("terminalreporter") is None:
            return
        writer = self.config.get_terminal_writer()  # type: ignore[union-attr]
        if writer.width_of_current_line:
            writer.line()
        writer.flush()


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")


def _cost(nodeid: str) -> float:
    return MODULE_COST.get(_module(nodeid), 1.0)
