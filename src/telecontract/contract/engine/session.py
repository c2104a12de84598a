"""The run's lifetime: its options checked at configure, its spec held, a live run's guard started
(under plain pytest; the gate starts its own) and everything let go when pytest unconfigures."""

from __future__ import annotations

import contextlib

import pytest

from telecontract.contract.engine.command_line import run_options
from telecontract.contract.engine.stash import GUARD_KEY, HELD_KEY
from telecontract.contract.live_run import guarded
from telecontract.contract.options import per_second
from telecontract.contract.target import check_defects, credentials_needed, live_target
from telecontract.credentials import Credentials
from telecontract.errors import TelecontractError
from telecontract.spec import load_spec, spec_chosen


def pytest_configure(config: pytest.Config) -> None:
    # Every line pytest prints or writes (terminal, junit.xml, logs) through the run's redaction.
    config.pluginmanager.import_plugin("telecontract.contract.redacted_output")
    options = run_options(config)
    held = config.stash.setdefault(HELD_KEY, contextlib.ExitStack())
    try:
        if options.spec:
            # Before collection (the suite's modules read the spec to parametrize), until unconfigure.
            held.enter_context(spec_chosen(options.spec))
        # Everything a run's options can get wrong is found now, not in a fixture once tests run.
        per_second(options.rate_limit)
        check_defects(options)
        if options.live:
            Credentials.from_env(required=credentials_needed(load_spec(), options))
    except TelecontractError as exc:
        held.close()  # pytest does not unconfigure a run whose configure failed
        raise pytest.UsageError(str(exc)) from None
    if options.max_requests is not None and options.max_requests < 1:
        held.close()
        raise pytest.UsageError(f"--max-requests {options.max_requests}: a budget is at least 1 request.")
    if options.receiver_timeout <= 0:
        held.close()
        raise pytest.UsageError(f"--receiver-timeout {options.receiver_timeout:g}: expected a number of seconds > 0.")
    # The suite may run from any folder, with no ini file of ours: the plugin declares its markers.
    config.addinivalue_line("markers", "embedded_only: needs the embedded mock; skipped on a live target")
    config.addinivalue_line("markers", "callbacks: needs a target that can reach the local callback sink")
    config.addinivalue_line("markers", "operations(*ids): exercises these operations; skipped if the spec lacks one")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under plain pytest, a live run's guard starts (and probes the target) before any test."""
    config = session.config
    options = run_options(config)
    if not options.live or GUARD_KEY in config.stash or config.option.collectonly:
        return
    held = config.stash.setdefault(HELD_KEY, contextlib.ExitStack())
    try:
        live_target(options, Credentials.from_env())  # checks the URLs
        config.stash[GUARD_KEY] = held.enter_context(guarded(options, load_spec()))
    except TelecontractError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    if HELD_KEY in config.stash:
        config.stash[HELD_KEY].close()
