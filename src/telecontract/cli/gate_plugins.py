"""The pytest plugins the gate adds to its run: the summary handed back to the CLI, and Ctrl-C told
in one line instead of pytest's traceback."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

import pytest

from telecontract.contract import plugin as engine
from telecontract.contract.summary import RunSummary, summary_for


class Collect:
    """A pytest plugin that hands the run's summary back to the CLI, which prints it (the engine does not)."""

    def __init__(self) -> None:
        self.summary = RunSummary()

    def pytest_configure(self, config: pytest.Config) -> None:
        self.summary = summary_for(config)
        config.stash[engine.SUMMARY_PRINTED_BY_CALLER] = True


# The shell's code for a process that Ctrl-C (SIGINT) stopped: 128 + 2.
INTERRUPTED = 130


class Interruption:
    """Ctrl-C during a run: pytest stops and prints nothing more; the gate says so in one line (exit 130).

    pytest's own answer to a KeyboardInterrupt is its traceback, every error the interrupted fixtures
    left, and exit status 2 ("the suite could not run"). Here the terminal report is dropped once the
    interrupt is caught. A KeyboardInterrupt can also land where Python swallows it (a garbage
    collector callback): the handler then still asks pytest to stop after the running test.
    """

    def __init__(self) -> None:
        self.caught = False
        self.config: pytest.Config | None = None
        self.session: pytest.Session | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    @pytest.hookimpl(tryfirst=True)
    def pytest_keyboard_interrupt(self) -> None:
        self.caught = True
        if self.config is not None and (reporter := self.config.pluginmanager.get_plugin("terminalreporter")):
            writer = self.config.get_terminal_writer()
            if writer.width_of_current_line:  # a test's letter: the gate's line starts a line of its own
                writer.line()
            writer.flush()
            self.config.pluginmanager.unregister(reporter)

    @contextlib.contextmanager
    def handled(self) -> Iterator[None]:
        """Python's own SIGINT handler, which also marks the run interrupted (a SIGINT ignored stays so)."""
        previous = signal.getsignal(signal.SIGINT)
        if previous is not signal.default_int_handler or threading.current_thread() is not threading.main_thread():
            yield
            return

        def interrupt(signum: int, frame: FrameType | None) -> None:
            self.caught = True
            if self.session is not None:
                self.session.shouldstop = "interrupted"
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, interrupt)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
