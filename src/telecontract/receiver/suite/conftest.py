"""The receiver suite's fixtures: the receiver's URLs, and the deliveries made to it, judged once.

Each kind of callback gets its deliveries once per run (the spec's examples, then payloads
generated from its schema); every test then reads the problems of its own rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from telecontract import webhooks
from telecontract.contract.engine.command_line import run_options
from telecontract.contract.junit_names import pytest_runtest_setup  # noqa: F401 - a hook: JUnit names
from telecontract.contract.options import RunOptions
from telecontract.contract.recording import recorder_for
from telecontract.contract.summary import summary_for
from telecontract.credentials import Credentials
from telecontract.receiver import judging
from telecontract.receiver.delivery import Exchange, Sender
from telecontract.receiver.forgery import forged
from telecontract.spec import Spec

# A receiver that hangs costs the whole timeout per delivery: stop a kind's deliveries after this many.
UNANSWERED_LIMIT = 2


@dataclass(frozen=True, slots=True)
class Check:
    """One rule judged on one delivery, in the shape the run's tally counts (as schemathesis's)."""

    name: str
    failure: str | None


@dataclass(frozen=True, slots=True)
class Judged:
    exchange: Exchange
    problems: judging.Problems


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "kind" in metafunc.fixturenames:
        metafunc.parametrize("kind", [kind for kind, _ in run_options(metafunc.config).receiver_urls])


class Deliveries:
    """Delivers callbacks to the receiver and keeps each judged exchange, recorded for the reports."""

    def __init__(self, config: pytest.Config, spec: Spec, sender: Sender) -> None:
        self.config = config
        self.spec = spec
        self.sender = sender
        self._valid: dict[str, list[Judged]] = {}

    def record(self, exchange: Exchange, problems: judging.Problems) -> Judged:
        checks = [Check(rule, problem) for rule, problem in problems.items()]
        summary_for(self.config).record(exchange.kind, exchange.status or 0, checks, [])
        recorder_for(self.config).record_parts(
            exchange.kind,
            url=exchange.url,
            request_headers=exchange.request_headers,
            request_body=exchange.body,
            status=exchange.status or 0,
            response_headers={"content-type": exchange.content_type} if exchange.content_type else {},
            response_body=exchange.answer,
            elapsed_ms=exchange.elapsed_ms,
            started=exchange.started,
            problems=problems,  # so the report shows, with a rule's finding, the delivery it quotes
        )
        return Judged(exchange, problems)

    def valid(self, kind: str) -> list[Judged]:
        """The spec's examples of `kind`, then generated payloads: each signed, sent and judged."""
        if kind not in self._valid:
            judged: list[Judged] = []
            sent: set[bytes] = set()

            def deliver(payload: Any) -> None:
                if sum(j.exchange.status is None for j in judged) >= UNANSWERED_LIMIT:
                    return  # a hanging receiver: the finding is made, stop spending the timeout
                body = webhooks.encode(payload)
                if body in sent:
                    return  # hypothesis repeats itself; a repeat is a redelivery, judged by its own rule
                sent.add(body)
                exchange = self.sender.send(kind, body, self.sender.headers(kind, body))
                judged.append(self.record(exchange, judging.judge_valid(self.spec, exchange, payload)))

            for example in webhooks.examples(self.spec, kind):
                deliver(example)
            generated = settings(
                phases=[Phase.generate],  # each failing payload is kept as sent: no shrinking against a slow receiver
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )(given(webhooks.payloads(self.spec, kind))(deliver))
            generated()
            self._valid[kind] = judged
        return self._valid[kind]

    def hanging(self, kind: str) -> bool:
        """Did the receiver let enough deliveries of `kind` time out that the rest were not sent?"""
        return sum(j.exchange.timed_out for j in self.valid(kind)) >= UNANSWERED_LIMIT

    def forged(self, kind: str, how: str) -> Judged:
        payload = self._a_payload(kind)
        body, headers = forged(kind, payload, url=self.sender.urls[kind], credentials=self.sender.credentials, how=how)
        exchange = self.sender.send(kind, body, headers)
        return self.record(exchange, judging.judge_forged(exchange, how))

    def redelivered(self, kind: str) -> tuple[Judged, Judged]:
        """One callback sent twice, byte for byte, as a provider's retry sends it."""
        payload = self._a_payload(kind)
        body = webhooks.encode(payload)
        headers = self.sender.headers(kind, body)
        first = self.sender.send(kind, body, headers)
        first_judged = self.record(first, judging.judge_valid(self.spec, first, payload))
        again = self.sender.send(kind, body, headers)
        return first_judged, self.record(again, judging.judge_redelivery(first, again))

    def _a_payload(self, kind: str) -> Any:
        examples = webhooks.examples(self.spec, kind)
        return webhooks.fresh(examples[0] if examples else webhooks.payloads(self.spec, kind).example())


@pytest.fixture(scope="session")
def receiver_urls(contract_options: RunOptions) -> dict[str, str]:
    return dict(contract_options.receiver_urls)


@pytest.fixture(scope="session")
def deliveries(
    request: pytest.FixtureRequest, spec: Spec, credentials: Credentials, contract_options: RunOptions
) -> Iterator[Deliveries]:
    sender = Sender(dict(contract_options.receiver_urls), credentials, contract_options.receiver_timeout)
    try:
        yield Deliveries(request.config, spec, sender)
    finally:
        sender.close()
