"""The contract engine as one pytest plugin: options, the target, the wire, findings and reports.

By default an embedded mock is started on a free loopback port for the session, with its Voice v2
events going to an embedded callback sink. With a target URL (on the command line: the
environment alone never makes a run live) the same tests run against that server with the
credentials from the TELECONTRACT_* variables, every request through the live-run guard
(`telecontract.wire`): a request budget and rate limit, each provider's own host, party numbers
only from the user's list, no call unless allowed, callbacks only to the user's receiver.

Each finding carries its rule's source and severity (`telecontract.contract.rules`); a test whose
rule is inferred passes with a warning unless `--contract-strict`. The run's verdict comes from
`telecontract.verdict.decide`, like the gate's and the self-test's.

This module only registers the engine's parts (`telecontract.contract.engine`), each a plugin with
one job, so `-p telecontract.contract.plugin` or the gate's plugin object brings all of them.
"""

from __future__ import annotations

import pytest

from telecontract.contract.engine import api_schema, command_line, fixtures, outcome, profiles, session
from telecontract.contract.engine.command_line import Preset, run_options
from telecontract.contract.engine.stash import SUMMARY_PRINTED_BY_CALLER

__all__ = ["PARTS", "SUMMARY_PRINTED_BY_CALLER", "Preset", "pytest_addhooks", "run_options"]

# In the order a run meets them: its options, its lifetime, the fixtures, the schema, the outcome.
PARTS = (command_line, session, fixtures, api_schema, outcome)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Called as the engine is registered: its parts and our profiles come with it, before any run is configured."""
    if not pluginmanager.has_plugin(profiles.PLUGIN_NAME):
        pluginmanager.register(profiles.HypothesisProfiles(), profiles.PLUGIN_NAME)
    for part in PARTS:
        if not pluginmanager.is_registered(part):
            pluginmanager.register(part, part.__name__)
