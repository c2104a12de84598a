"""What a run keeps in pytest's stash, shared by the engine's parts and by the gate that drives them."""

from __future__ import annotations

import contextlib

import pytest

from telecontract.contract.live_run import GuardedRun
from telecontract.contract.options import RunOptions

OPTIONS_KEY = pytest.StashKey[RunOptions]()
# A live run's guard, serving for the session (the gate hands over the one it probed with).
GUARD_KEY = pytest.StashKey[GuardedRun]()
# What the run holds until pytest unconfigures: the run's spec, a guard it started itself.
HELD_KEY = pytest.StashKey[contextlib.ExitStack]()
# Set by a caller that prints the run's summary and verdict itself (`telecontract gate`): the
# engine's terminal summary then prints only what the caller does not, the live-run guard's tally.
SUMMARY_PRINTED_BY_CALLER = pytest.StashKey[bool]()
