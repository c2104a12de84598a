"""Root fixtures: which target the suite talks to.

By default an embedded mock is started on a free loopback port for the session. With
`--target-url URL` (or $TELECONTRACT_TARGET_URL) the same tests run against that server with the
credentials from the TELECONTRACT_* variables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from telecontract.contract.target import ENV_TARGET_URL, Target, open_target
from telecontract.credentials import Credentials
from telecontract.spec import Spec, load_spec


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("telecontract")
    group.addoption(
        "--target-url",
        default=os.environ.get(ENV_TARGET_URL),
        help="Base URL of the server under test (default: an embedded mock on 127.0.0.1).",
    )


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def credentials() -> Credentials:
    return Credentials.from_env()


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest, credentials: Credentials) -> Iterator[Target]:
    with open_target(request.config.getoption("--target-url"), credentials) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _skip_embedded_only_on_live_targets(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("embedded_only") and request.config.getoption("--target-url"):
        pytest.skip("needs the embedded mock (defect switch or carrier simulator), not a live target")


# Hypothesis profiles: the default keeps the test run short, `deep` is `telecontract gate --deep`.
settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("deep", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("TELECONTRACT_HYPOTHESIS_PROFILE", "default"))
