"""The receiver folder's fixture: a webhook receiver that verifies with the providers' own code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from provider_code import Heard, SdkReceiver, sdk_receiver_app

from telecontract.credentials import Credentials
from telecontract.server import serve_in_thread


@pytest.fixture
def sdk_receiver(credentials: Credentials) -> Iterator[Callable[..., SdkReceiver]]:
    """Start a receiver that verifies with the providers' SDKs; `telesign_header` picks TeleSign's header."""
    with ExitStack() as stack:

        def start(telesign_header: str = "X-TS-Authorization") -> SdkReceiver:
            heard: list[Heard] = []
            url = stack.enter_context(serve_in_thread(sdk_receiver_app(credentials, heard, telesign_header)))
            return SdkReceiver(url, heard)

        yield start
