"""Hypothesis profiles of the engine, loaded for a run and put back after it."""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import settings
from hypothesis.errors import InvalidArgument

# Hypothesis profiles of our own: `telecontract` keeps the run short, `deep` is `telecontract gate
# --deep`, `quick` is for smoke runs (e.g. our own tests). Registered and loaded when a run is
# configured, never at import: hypothesis's `default` profile is a team's, untouched.
PROFILE = "telecontract"
PROFILES = {PROFILE: 25, "quick": 5, "deep": 300}  # max_examples; no deadline (the target's latency is not ours)
PROFILE_ENV = "TELECONTRACT_HYPOTHESIS_PROFILE"  # the profile when `--hypothesis-profile` is not given
PLUGIN_NAME = "telecontract-hypothesis-profiles"


class HypothesisProfiles:
    """Loads our profile for the run and puts the previous one back after it.

    First among the `pytest_configure` hooks: hypothesis's own plugin then applies
    `--hypothesis-profile=quick` (or `deep`) and its other options over ours. A profile of the same
    name that the process had before (a team's `quick`) is ours during the run and theirs again after.
    """

    def __init__(self) -> None:
        self.previous: str | None = None
        self.replaced: dict[str, settings] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        for name, examples in PROFILES.items():
            with contextlib.suppress(InvalidArgument):  # raised when there is no such profile yet
                self.replaced[name] = settings.get_profile(name)
            settings.register_profile(name, max_examples=examples, deadline=None)
        self.previous = settings.get_current_profile_name()
        settings.load_profile(os.environ.get(PROFILE_ENV) or PROFILE)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        for name, theirs in self.replaced.items():
            settings.register_profile(name, theirs)
        self.replaced = {}
        if self.previous is not None:  # a process running the gate keeps its own profile afterwards
            settings.load_profile(self.previous)
            self.previous = None
