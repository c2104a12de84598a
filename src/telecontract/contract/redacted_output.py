"""pytest's own outputs of a contract run, redacted: the terminal report, junit.xml and log lines.

The recorder redacts the traffic as it records it, so the report files written from it keep no
secret. pytest writes the rest itself from each test report: failure texts (tracebacks with the
reprs of arguments and locals, in full from -vv on; schemathesis's "Reproduce with: curl" lines
with the request's numbers and nonces; hypothesis's falsifying examples), captured output and logs.
Here every report passes the run's one redaction (`telecontract.redaction`, knowing the run's
secrets and its --numbers) before the terminal, junitxml or any other plugin reads it.

Registered by the engine (`telecontract.contract.plugin`); on its own: `-p telecontract.contract.redacted_output`.
"""

from __future__ import annotations

import dataclasses
import linecache
import logging
import os
import warnings
from collections.abc import Callable, Generator
from typing import Any

import pytest

from telecontract.credentials import ENV_TELESIGN_API_KEY, ENV_TELESIGN_CUSTOMER_ID, ENV_VTS_AUTH_TOKEN, Credentials
from telecontract.errors import TelecontractError
from telecontract.redaction import Redaction

REDACTION_KEY = pytest.StashKey[Redaction]()
PLUGIN_NAME = "telecontract-redacted-output"
# pytest's logging plugin and the handlers that write: live logs (log_cli), --log-file, and the
# "Captured log" sections (redacted with the report too, so a section is right whichever runs first).
# Not caplog's: a test reads those records as they were logged.
LOGGING_PLUGIN = "logging-plugin"
LOG_HANDLERS = ("log_cli_handler", "log_file_handler", "report_handler")


def run_redaction(config: pytest.Config) -> Redaction:
    """The run's redaction: its credentials' secrets and its listed numbers (made once a run)."""
    if REDACTION_KEY not in config.stash:
        config.stash[REDACTION_KEY] = Redaction(secrets=_secrets(), numbers=_listed_numbers(config))
    return config.stash[REDACTION_KEY]


def _secrets() -> tuple[str, ...]:
    try:
        return Credentials.from_env().secrets
    except TelecontractError:
        # A key that is not base64 stops the run elsewhere; its values must still never be printed.
        names = (ENV_TELESIGN_CUSTOMER_ID, ENV_TELESIGN_API_KEY, ENV_VTS_AUTH_TOKEN)
        return tuple(value for name in names if (value := os.environ.get(name, "").strip()))


def _listed_numbers(config: pytest.Config) -> tuple[str, ...]:
    # Imported here: the engine imports the recorder, which imports this module.
    from telecontract.contract.engine.command_line import run_options

    try:
        return tuple(run_options(config).numbers or ())
    except ValueError:  # loaded without the engine: no --numbers option, so no listed numbers
        return ()


def redact_report(report: pytest.TestReport | pytest.CollectReport, redact: Callable[[str], str]) -> None:
    """The report's failure text, captured output and properties redacted, in place."""
    report.longrepr = _redacted(report.longrepr, redact, set())
    report.sections = [(title, redact(content)) for title, content in report.sections]
    if isinstance(report, pytest.TestReport):  # junitxml writes these as <property> values
        report.user_properties = [
            (name, redact(value) if isinstance(value, str) else value) for name, value in report.user_properties
        ]


def _redacted(node: Any, redact: Callable[[str], str], seen: set[int]) -> Any:
    """`node` with every string in it redacted: pytest's repr objects in place, tuples and lists anew.

    A longrepr is a tree of pytest's dataclasses (traceback entries with their lines, argument
    reprs, locals, crash location, sections), a string, or a tuple (a skip's location and reason).
    Walked by its fields, not by class, so the terminal and junitxml render it as before (colours,
    the crash line as the failure message) from whatever pytest version made it.
    """
    if isinstance(node, str):
        return redact(node)
    if isinstance(node, tuple):
        return tuple(_redacted(item, redact, seen) for item in node)
    if isinstance(node, list):
        return [_redacted(item, redact, seen) for item in node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        if id(node) not in seen:  # a chain shares its last traceback with the repr's own fields
            seen.add(id(node))
            for field in dataclasses.fields(node):
                setattr(node, field.name, _redacted(getattr(node, field.name), redact, seen))
        return node
    if hasattr(node, "toterminal"):
        return redact(str(node))  # a repr object of another shape: its text, redacted
    return node


class RedactedOutput:
    """The hooks, bound to one run's config (pytest's report hooks are not given it)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def redact(self, text: str) -> str:
        return run_redaction(self.config).text(text)

    # wrapper + tryfirst: redacted before any other plugin's hook (terminal, junitxml) reads the report.
    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> Generator[None, None, None]:
        redact_report(report, self.redact)
        return (yield)

    # After the report was logged, schemathesis rewrites a failure's text here (its own traceback
    # format, unredacted) for the terminal's summary: redacted again once every plugin is done.
    @pytest.hookimpl(wrapper=True)
    def pytest_exception_interact(
        self, node: Any, call: pytest.CallInfo[Any], report: pytest.TestReport | pytest.CollectReport
    ) -> Generator[None, None, None]:
        try:
            return (yield)
        finally:
            redact_report(report, self.redact)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_collectreport(self, report: pytest.CollectReport) -> Generator[None, None, None]:
        redact_report(report, self.redact)
        return (yield)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_internalerror(self, excrepr: Any, excinfo: Any) -> Generator[None, None, Any]:
        _redacted(excrepr, self.redact, set())  # INTERNALERROR> lines: a hook's or fixture's crash
        return (yield)

    # A historic hook takes no wrapper; tryfirst still comes before the terminal's, which keeps the text.
    @pytest.hookimpl(tryfirst=True)
    def pytest_warning_recorded(self, warning_message: warnings.WarningMessage) -> None:
        # The summary quotes the warning's source line too (read from the file when not given).
        line = warning_message.line
        if line is None:
            line = linecache.getline(warning_message.filename, warning_message.lineno)
        warning_message.line = self.redact(line)
        message = warning_message.message
        said = str(message)
        if (redacted := self.redact(said)) == said:
            return
        try:
            warning_message.message = type(message)(redacted) if isinstance(message, Warning) else redacted
        except TypeError:  # a warning class that takes other arguments: the base category will do
            warning_message.message = UserWarning(redacted)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """What pytest's log handlers write (live, --log-file, "Captured log"), redacted as it is written."""
        plugin = self.config.pluginmanager.get_plugin(LOGGING_PLUGIN)
        for name in LOG_HANDLERS:
            handler = getattr(plugin, name, None)
            if isinstance(handler, logging.Handler) and not isinstance(handler.formatter, RedactingFormatter):
                handler.setFormatter(RedactingFormatter(handler.formatter or logging.Formatter(), self.redact))


class RedactingFormatter(logging.Formatter):
    """A handler's own formatter, its output redacted: the records stay as logged (caplog reads them)."""

    def __init__(self, inner: logging.Formatter, redact: Callable[[str], str]) -> None:
        super().__init__()
        self._inner = inner
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(self._inner.format(record))


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(RedactedOutput(config), PLUGIN_NAME)
