"""The faithful mock and the callback receiver for your own tests, with or without pytest.

Like moto's server mode: start a `MockProvider` (or use the `telecontract_mock` fixture), point
your app's TeleSign and VTS base URLs at `.url` with `.credentials`, and test how the app copes,
including with one deliberate contract violation switched on (`with mock.defect("...")`).

    with MockProvider() as mock:
        app = RideApp(base_url=mock.url, credentials=mock.credentials)
        ...
        with mock.defect("masked_id_is_real_number"):
            ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Self

import httpx

from telecontract.auth import basic_authorization
from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.mock.defects import DEFECTS
from telecontract.mock.quirks import QUIRKS
from telecontract.mock.state import MockState, SentCallback
from telecontract.server import serve_in_thread
from telecontract.sink import Delivery, SinkConfig, create_sink, read_deliveries
from telecontract.spec import Spec, load_spec


class _Served:
    """Serves `self._app()` on a free loopback port from `start()` until `stop()` (or a `with` block)."""

    url: str
    _serving: contextlib.ExitStack | None

    def _app(self) -> Any:
        raise NotImplementedError

    def start(self) -> Self:
        stack = contextlib.ExitStack()
        self.url = stack.enter_context(serve_in_thread(self._app()))
        self._serving = stack
        return self

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.close()
            self._serving = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class MockProvider(_Served):
    """The reference mock on a free loopback port, until `stop()` (or the end of a `with` block)."""

    def __init__(
        self,
        *,
        credentials: Credentials | None = None,
        time_scale: float = 0.001,
        validity_unit: str = "hours",
        voice_event_url: str | None = None,
        spec: Spec | None = None,
        quirks: Iterable[str] = (),
    ) -> None:
        # A quirk answers in another form a provider's own material shows (`telecontract mock --list-quirks`).
        unknown = sorted(set(quirks) - QUIRKS.keys())
        if unknown:
            raise ValueError(f"unknown quirk {unknown[0]!r}; the quirks are: {', '.join(sorted(QUIRKS))}")
        self.credentials = credentials or Credentials.from_env()
        self.config = MockConfig(
            credentials=self.credentials,
            time_scale=time_scale,
            validity_unit=validity_unit,
            voice_event_url=voice_event_url,
            quirks=frozenset(quirks),
        )
        self._time_scale = time_scale  # what reset() puts back
        self.spec = spec or load_spec()
        self.app = create_app(self.config, self.spec)
        self._serving = None
        self.url = ""
        self.router: Any = None  # the respx router, while routed in-process (telecontract.routing)

    def _app(self) -> Any:
        return self.app

    def reset(self) -> None:
        """Forget every session, call and sent callback; switch every defect off, put the time scale back."""
        self.config.defects = frozenset()
        self.config.time_scale = self._time_scale
        self.app.state.mock = MockState(self.config, self.spec)

    # ---- what a test changes or reads ------------------------------------------------------

    @property
    def time_scale(self) -> float:
        """Multiplies every provider-side delay (call progress, callback retries, expiry).

        Settable for one test (`mock.time_scale = 0.01`); `reset()`, which the `telecontract_mock`
        fixture calls before each test, puts back the scale the mock started with.
        """
        return self.config.time_scale

    @time_scale.setter
    def time_scale(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValueError(f"time_scale must be a number above 0 (0.001 makes 10 s 10 ms), not {value!r}")
        # The mock reads its config at each delay it schedules: the next one already follows the new scale.
        self.config.time_scale = float(value)

    @contextlib.contextmanager
    def defect(self, name: str) -> Iterator[None]:
        """Break one rule of the contract for the duration of the block (see `--list-defects`)."""
        if name not in DEFECTS:
            raise ValueError(f"unknown defect {name!r}; known: {', '.join(sorted(DEFECTS))}")
        before = self.config.defects
        self.config.defects = before | {name}
        try:
            yield
        finally:
            self.config.defects = before

    @property
    def callbacks(self) -> list[SentCallback]:
        """Every callback and event delivery attempt the mock has made, oldest first."""
        return list(self.app.state.mock.sent)

    def sms(self, sender: str, to: str, text: str = "hello") -> dict[str, Any]:
        """What the carrier does when `sender` texts `to` (a masked id): who gets it, and as whom."""
        return self._simulate("sms", {"from": sender, "to": to, "text": text})

    def call(self, sender: str, to: str) -> dict[str, Any]:
        """What the carrier does when `sender` calls `to` (a masked id or virtual number)."""
        return self._simulate("call", {"from": sender, "to": to})

    def advance(self, seconds: float) -> None:
        """Move the sessions' clock on by `seconds` of provider time (sessions expire, ids free up)."""
        response = httpx.post(
            f"{self.url}/_sim/clock", json={"advance": seconds * self.time_scale}, headers=self._account()
        )
        response.raise_for_status()

    def _simulate(self, kind: str, body: dict[str, str]) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.post(f"{self.url}/_sim/{kind}", json=body, headers=self._account()).json()
        return answer

    def _account(self) -> dict[str, str]:
        """The simulator answers the account only (it moves every session's clock)."""
        credentials = self.credentials
        return {"Authorization": basic_authorization(credentials.telesign_customer_id, credentials.telesign_api_key)}


class CallbackReceiver(_Served):
    """The durable callback receiver on a free loopback port: it verifies, validates and stores."""

    def __init__(self, database: Path, credentials: Credentials | None = None) -> None:
        self.database = database
        self.credentials = credentials or Credentials.from_env()
        self._serving = None
        self.url = ""

    def _app(self) -> Any:
        return create_sink(SinkConfig(credentials=self.credentials, database=self.database))

    def url_for(self, webhook: str) -> str:
        """Where the provider should post one kind of webhook, e.g. `voiceTransactionCallback`."""
        return f"{self.url}/{webhook}"

    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery stored so far (signature and schema verdicts included), oldest first."""
        return list(read_deliveries(self.database))
