"""Fixtures for your own pytest suite, registered when telecontract is installed (a pytest11 plugin).

- `telecontract_mock`: the faithful mock on a loopback port (one server per session, its state
  reset before each test), with `.url`, `.credentials`, `.defect(name)`, the carrier simulator
  (`.sms`, `.call`, `.advance`) and the callbacks it has sent (`.callbacks`).
- `telecontract_sink`: a durable callback receiver, with `.url_for(webhook)` and `.deliveries`.
- `telecontract_router`: a mock in-process, no port: httpx requests to the providers' real hosts
  (rest-ww / rest-api.telesign.com, api.vtscom.net) are answered by it (respx). It yields that
  mock (`.url` is TeleSign's real base URL, `.router` the respx router).

The contract engine behind `telecontract gate` is `telecontract.contract.plugin`; it is loaded
only for the contract suite, so none of its options or fixtures land in your test session.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from telecontract.routing import route_to_mock
from telecontract.testing import CallbackReceiver, MockProvider


@pytest.fixture(scope="session")
def telecontract_mock_server() -> Iterator[MockProvider]:
    """One mock for the whole session; override this fixture to change how it starts."""
    with MockProvider() as mock:
        yield mock


@pytest.fixture
def telecontract_mock(telecontract_mock_server: MockProvider) -> MockProvider:
    telecontract_mock_server.reset()  # no test sees another's sessions, calls or defects
    return telecontract_mock_server


@pytest.fixture
def telecontract_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallbackReceiver]:
    database = tmp_path_factory.mktemp("telecontract-sink") / "deliveries.sqlite3"
    with CallbackReceiver(database) as receiver:
        yield receiver


@pytest.fixture
def telecontract_router() -> Iterator[MockProvider]:
    mock = MockProvider()  # its own: an app runs in one event loop, and the port one has its own
    with route_to_mock(mock):
        yield mock
