"""Each test starts the mock (and, when needed, a callback sink) it needs, on loopback ports."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from telecontract.client_auth import HttpxAuth
from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread
from telecontract.sink import SinkConfig, create_sink

FAST = 0.001  # --time-scale for tests: 10 s of provider time is 10 ms


@dataclasses.dataclass
class RunningMock:
    url: str
    client: httpx.Client
    app: Any

    @property
    def state(self) -> Any:
        return self.app.state.mock


@dataclasses.dataclass
class RunningSink:
    url: str
    database: Path
    config: SinkConfig


@pytest.fixture
def start_mock(credentials: Credentials) -> Iterator[Callable[..., RunningMock]]:
    with ExitStack() as stack:

        def start(**overrides: Any) -> RunningMock:
            config = MockConfig(credentials=credentials, time_scale=FAST)
            config = dataclasses.replace(config, **overrides)
            app = create_app(config)
            url = stack.enter_context(serve_in_thread(app))
            client = stack.enter_context(httpx.Client(base_url=url, auth=HttpxAuth(credentials), timeout=10))
            return RunningMock(url, client, app)

        yield start


@pytest.fixture
def mock(start_mock: Callable[..., RunningMock]) -> RunningMock:
    return start_mock()


@pytest.fixture
def start_sink(credentials: Credentials, tmp_path: Path) -> Iterator[Callable[..., RunningSink]]:
    with ExitStack() as stack:

        def start(**overrides: Any) -> RunningSink:
            config = SinkConfig(credentials=credentials, database=tmp_path / "deliveries.sqlite3", **overrides)
            url = stack.enter_context(serve_in_thread(create_sink(config)))
            return RunningSink(url, config.database, config)

        yield start


@pytest.fixture
def sink(start_sink: Callable[..., RunningSink]) -> RunningSink:
    return start_sink()
